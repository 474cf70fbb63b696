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
      legend: { data: ["走访次数", "走访户数"] },
      xAxis: { type: "category", data: data.weeks },
      yAxis: { type: "value" },
      series: [
        { name: "走访次数", type: "bar", data: data.visits },
        { name: "走访户数", type: "line", data: data.households }
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
