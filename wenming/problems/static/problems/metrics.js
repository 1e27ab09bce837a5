// The metrics page's trend chart: three closing rates over six months, from the json_script the
// page wrote (no inline scripts: CSP). Without ECharts the table below says the same.
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("wm-metrics-chart");
    var box = document.getElementById("wm-metrics-chart-box");
    if (!source || !box || typeof window.echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    box.style.height = "260px";
    var chart = window.echarts.init(box);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + "%"; } },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 36, bottom: 24 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: data.series.map(function (s) {
        return { name: s.name, type: "line", data: s.data, connectNulls: false };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
