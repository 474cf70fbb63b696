/* Bar chart per town for the district summaries (coverage, 法律明白人, 七有).
   Data comes from a <script type="application/json"> written by json_script; the CSP forbids inline code. */
(function () {
  "use strict";
  function draw(element) {
    var source = document.getElementById(element.dataset.chartData);
    if (!source || typeof echarts === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(element);
    chart.setOption({
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: function (value) { return value + (data.unit || ""); } },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: 45 } },
      yAxis: { type: "value", max: data.unit === "%" ? 100 : null },
      series: [{ type: "bar", data: data.values, itemStyle: { color: "#b3261e" } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.querySelectorAll("[data-chart-data]").forEach(draw);
})();
