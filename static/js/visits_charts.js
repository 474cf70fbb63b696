// Visit statistics charts; the data comes from the json_script element "visits-chart-data".
(function () {
  "use strict";
  var source = document.getElementById("visits-chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var weekEl = document.getElementById("visits-week-chart");
  if (weekEl) {
    echarts.init(weekEl).setOption({
      tooltip: { trigger: "axis" },
      legend: { data: [data.labels.visits, data.labels.households] },
      xAxis: { type: "category", data: data.weeks },
      yAxis: { type: "value" },
      series: [
        { name: data.labels.visits, type: "bar", data: data.visits },
        { name: data.labels.households, type: "line", data: data.households }
      ]
    });
  }
  var categoryEl = document.getElementById("visits-category-chart");
  if (categoryEl) {
    echarts.init(categoryEl).setOption({
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: "65%", data: data.categories }]
    });
  }
})();
