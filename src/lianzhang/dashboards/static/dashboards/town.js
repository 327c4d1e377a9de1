/* The town page's location quotient by chain, one bar a chain (chain names are data: the
   default tooltip escapes them, and axis labels are drawn on the canvas). */
lz.ready(function () {
  "use strict";
  const rows = lz.data("lq-data").filter(function (r) { return r.lq !== null; }).reverse();
  const box = document.getElementById("lq");
  box.style.height = Math.max(320, 60 + 24 * rows.length) + "px";  // room for every chain's label
  echarts.init(box).setOption({grid: {left: 140}, tooltip: lz.tooltip(),
    xAxis: {type: "value"},
    yAxis: {type: "category", data: rows.map(function (r) { return r.chain; }), axisLabel: {interval: 0}},
    series: [{type: "bar", data: rows.map(function (r) { return Math.round(r.lq * 100) / 100; }),
              markLine: {data: [{xAxis: 1}]}}]});
});
