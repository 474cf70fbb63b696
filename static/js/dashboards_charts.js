// Draws the dashboards' charts (village workbench, district review, town review, town page) from the JSON each
// page embeds with json_script; the CSP forbids inline code. A chart is an element with data-chart-kind (which
// option builder below) and data-chart-data (the id of its JSON); its height is fixed in the markup.
(function () {
  "use strict";

  var NARROW = 480;  // px: a phone; labels and legends are laid out so nothing is cut off
  var LEGEND = { type: "plain", top: 0, itemWidth: 14, itemHeight: 10, itemGap: 10, textStyle: { fontSize: 12 } };

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function draw(element, option) {
    if (!element || typeof echarts === "undefined") {
      return null;
    }
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  function percent(value) {
    return value === null || value === undefined ? "—" : Number(value).toFixed(1) + "%";
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

  // Two rings: paths inside (named by the legend only), closures outside with labels kept inside the canvas.
  // On a phone the rings shrink to leave room for the labels, which break onto a second line rather than
  // run off the edge, and the legend wraps instead of scrolling (a scrolling legend cuts its last name).
  function mixOption(data, element) {
    var narrow = element.clientWidth < NARROW;
    var labelWidth = Math.max(56, Math.floor(element.clientWidth * (narrow ? 0.24 : 0.2)));
    return {
      animation: false,
      tooltip: { trigger: "item" },
      legend: { type: narrow ? "plain" : "scroll", bottom: 0, itemWidth: 14, itemHeight: 10, itemGap: 8 },
      series: [
        { name: data.titles.paths, type: "pie", radius: ["0%", narrow ? "26%" : "35%"], center: ["50%", "42%"],
          data: data.paths, label: { show: false } },
        { name: data.titles.closures, type: "pie", radius: narrow ? ["36%", "50%"] : ["48%", "65%"],
          center: ["50%", "42%"], data: data.closures, avoidLabelOverlap: true,
          label: { width: labelWidth, overflow: "break", alignTo: "edge", edgeDistance: 4, lineHeight: 16 },
          labelLine: { length: 8, length2: 8 } }
      ]
    };
  }

  // Divisions side by side, one row each (horizontal bars fit long names on a phone); the averages are the
  // first rows, in bold, and one of them is also drawn as a dashed line across every row.
  function compareOption(data, element) {
    var narrow = element.clientWidth < NARROW;
    return {
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: percent },
      legend: LEGEND,
      grid: { left: 4, right: 16, top: 32, bottom: 4, containLabel: true },
      xAxis: { type: "value", min: 0, max: 100, interval: 25, axisLabel: { formatter: "{value}%" } },
      yAxis: {
        type: "category", inverse: true, data: data.labels, axisTick: { show: false },
        axisLabel: {
          interval: 0, width: narrow ? 76 : 140, overflow: "break", lineHeight: 14,
          formatter: function (value, index) { return index < data.averages ? "{average|" + value + "}" : value; },
          rich: { average: { fontWeight: "bold", width: narrow ? 76 : 140, overflow: "break", lineHeight: 14 } }
        }
      },
      series: data.series.map(function (s) {
        return {
          name: s.name, type: "bar", data: s.data, barMaxWidth: 9, barGap: "10%", barCategoryGap: "24%",
          markLine: s.mark === null ? undefined : {
            silent: true, symbol: "none", label: { show: false }, lineStyle: { type: "dashed", width: 1.5 },
            data: [{ xAxis: s.mark }]
          }
        };
      })
    };
  }

  // Intake per month (bars, left axis) and 小事不出村率 (line, right axis, 0–100 %).
  function trendOption(data, element) {
    var narrow = element.clientWidth < NARROW;
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: LEGEND,
      grid: { left: 4, right: 4, top: 36, bottom: 4, containLabel: true },
      xAxis: {
        type: "category", data: data.labels,
        axisLabel: { hideOverlap: true, rotate: narrow && data.labels.length > 6 ? 45 : 0 }
      },
      yAxis: [
        { type: "value", minInterval: 1 },
        { type: "value", min: 0, max: 100, interval: 25, axisLabel: { formatter: "{value}%" },
          splitLine: { show: false } }
      ],
      series: [
        { name: data.names.intake, type: "bar", data: data.intake, barMaxWidth: 24 },
        { name: data.names.village_rate, type: "line", yAxisIndex: 1, data: data.village_rate,
          connectNulls: true, symbolSize: 6, tooltip: { valueFormatter: percent } }
      ]
    };
  }

  // Departments in the ranking's order (fastest first), average report-in hours at the end of each bar.
  function rankingOption(data, element) {
    var narrow = element.clientWidth < NARROW;
    return {
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 4, right: 40, top: 8, bottom: 4, containLabel: true },
      xAxis: { type: "value", minInterval: 1, splitNumber: narrow ? 3 : 5 },
      yAxis: {
        type: "category", inverse: true, data: data.labels, axisTick: { show: false },
        axisLabel: { interval: 0, width: narrow ? 96 : 180, overflow: "break", lineHeight: 14 }
      },
      series: [{ name: data.name, type: "bar", data: data.values, barMaxWidth: 14, label: { show: true, position: "right" } }]
    };
  }

  var OPTIONS = { intake: intakeOption, mix: mixOption, compare: compareOption, trend: trendOption, ranking: rankingOption };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart-kind]").forEach(function (element) {
      var build = OPTIONS[element.dataset.chartKind];
      var data = readJson(element.dataset.chartData);
      if (build && data) { draw(element, build(data, element)); }
    });
  });
})();
