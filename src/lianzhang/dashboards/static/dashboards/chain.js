/* The chain page's charts: the node tree, the nodes × towns heat map and the trend from
   snapshots; each is drawn when its tab put its element and data on the page. */
lz.ready(function () {
  "use strict";

  const tree = document.getElementById("tree");
  if (tree) {
    const data = lz.data("tree-data");
    // One row of ~18 px per leaf so labels of a big map do not overlap (720 px at least).
    const leaves = (function count(n) {
      return n.children ? n.children.reduce(function (s, c) { return s + count(c); }, 0) : 1;
    })(data);
    tree.style.height = Math.max(720, 18 * leaves) + "px";
    const unit = tree.dataset.unit;
    const chart = echarts.init(tree, null, {renderer: "canvas"});
    chart.setOption({
      // Node names and statuses are user data: escaped before they become tooltip HTML.
      tooltip: lz.tooltip({formatter: function (p) {
        if (!p.data.status) return lz.escape(p.name);
        return lz.escape(p.name) + "：" + lz.escape(p.data.status) + "，" +
          lz.escape(p.data.value || 0) + " " + lz.escape(unit);
      }}),
      toolbox: {feature: {saveAsImage: {title: "PNG", pixelRatio: 2}}},
      series: [{type: "tree", data: [data],
        left: "8%", right: "22%", top: "2%", bottom: "2%", symbolSize: 9, initialTreeDepth: 4,
        label: {position: "left", verticalAlign: "middle", align: "right", fontSize: 12},
        leaves: {label: {position: "right", align: "left"}}, expandAndCollapse: true}]});
    chart.on("click", function (p) {
      if (p.data && p.data.id) {
        htmx.ajax("GET", tree.dataset.panelUrl.replace("/0/", "/" + Number(p.data.id) + "/"),
                  "#node-panel");
      }
    });
  }

  const heat = document.getElementById("heat");
  if (heat) {
    const d = lz.data("heat-data");
    echarts.init(heat).setOption({tooltip: lz.tooltip({position: "top"}),
      grid: {left: 140, top: 30, right: 20, bottom: 80},
      xAxis: {type: "category", data: d.towns, axisLabel: {rotate: 40}},
      yAxis: {type: "category", data: d.nodes},
      visualMap: {min: 0, max: Math.max(d.max, 1), calculable: true, orient: "horizontal",
                  left: "center", bottom: 0},
      series: [{type: "heatmap", data: d.data, label: {show: true}}]});
  }

  const trend = document.getElementById("trend");
  if (trend) {
    echarts.init(trend).setOption({tooltip: lz.tooltip({trigger: "axis"}), legend: {},
      xAxis: {type: "category", data: lz.data("trend-dates")},
      yAxis: {type: "value", axisLabel: {formatter: function (v) { return Math.round(v * 100) + "%"; }}},
      series: [{name: trend.dataset.completenessLabel, type: "line", data: lz.data("trend-comp")},
               {name: trend.dataset.rateLabel, type: "line", data: lz.data("trend-rate")}]});
  }
});
