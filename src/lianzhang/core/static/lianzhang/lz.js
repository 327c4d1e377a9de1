/* Lianzhang's shared front-end helpers, loaded by every page (base.html).

   Pages carry no inline script: the Content-Security-Policy refuses it. Data reaches
   scripts through Django's json_script or data-* attributes, behaviour is declared with
   data-* attributes handled here, and any script that builds HTML from data passes every
   piece of text through lz.escape (names of firms, nodes, projects... are user data). */
(function () {
  "use strict";

  const ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"};

  /** Text made safe to put into HTML, inside elements or quoted attributes. */
  function escape(value) {
    return String(value === null || value === undefined ? "" : value)
      .replace(/[&<>"']/g, function (c) { return ENTITIES[c]; });
  }

  /** The value Django's json_script put in the element with this id (null if absent). */
  function data(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  /** Run fn once the document is parsed (scripts are deferred, so usually at once). */
  function ready(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  /** Tooltip options shared by the charts: kept inside the chart, with a class tests and
      styles can find. A formatter that returns HTML must escape its text (lz.escape). */
  function tooltip(options) {
    return Object.assign({confine: true, className: "lz-chart-tooltip"}, options || {});
  }

  // <select data-autosubmit>: choosing a value submits its form (filters, language).
  document.addEventListener("change", function (e) {
    const el = e.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) el.form.submit();
  });
  // <input type=checkbox data-check-all="selector">: ticks or clears every box it names.
  document.addEventListener("change", function (e) {
    const selector = e.target.dataset && e.target.dataset.checkAll;
    if (!selector) return;
    document.querySelectorAll(selector).forEach(function (box) { box.checked = e.target.checked; });
  });

  window.lz = {escape: escape, data: data, ready: ready, tooltip: tooltip};
})();
