/* The lead funnel chart: leads reached per stage (the table beside it has the same figures). */
lz.ready(function () {
  "use strict";
  const data = lz.data("lz-funnel-data");
  echarts.init(document.getElementById("lz-funnel")).setOption({
    tooltip: lz.tooltip({trigger: "item"}),
    series: [{type: "funnel", sort: "none", left: "10%", width: "80%", label: {formatter: "{b}: {c}"},
              data: data.labels.map(function (l, i) { return {name: l, value: data.counts[i]}; })}]
  });
});
