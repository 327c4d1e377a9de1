/* The roll-up page's charts: completed investment by month against plan, and the stage
   funnel (labels and series names come from the server; default tooltips escape them). */
lz.ready(function () {
  "use strict";
  const data = lz.data("rollup-chart");
  echarts.init(document.getElementById("chart-monthly")).setOption({
    tooltip: lz.tooltip({trigger: "axis"}), legend: {},
    xAxis: {type: "category", data: data.months}, yAxis: {type: "value"},
    series: [{name: data.labels.completed, type: "bar", data: data.completed},
             {name: data.labels.cumulative, type: "line", data: data.cumulative},
             {name: data.labels.plan, type: "line", lineStyle: {type: "dashed"}, data: data.plan}]});
  echarts.init(document.getElementById("chart-funnel")).setOption({
    tooltip: lz.tooltip(),
    series: [{type: "funnel", sort: "none", data: data.funnel, label: {formatter: "{b}: {c}"}}]});
});
