// Draws the village workbench charts from the JSON the page embeds with json_script.
(function () {
  "use strict";

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element || typeof echarts === "undefined") {
      return null;
    }
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  function intakeOption(data) {
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 40, right: 16, top: 16, bottom: 56 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "intake", data: s.data };
      })
    };
  }

  function mixOption(data) {
    return {
      animation: false,
      tooltip: { trigger: "item" },
      legend: { type: "scroll", bottom: 0 },
      series: [
        { name: data.titles.paths, type: "pie", radius: ["0%", "35%"], center: ["50%", "45%"], data: data.paths,
          label: { show: false } },
        { name: data.titles.closures, type: "pie", radius: ["48%", "65%"], center: ["50%", "45%"], data: data.closures }
      ]
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var intake = readJson("intake-data");
    var mix = readJson("mix-data");
    if (intake) { draw("chart-intake", intakeOption(intake)); }
    if (mix) { draw("chart-mix", mixOption(mix)); }
  });
})();
