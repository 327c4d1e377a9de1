/* The review queue's keys: j/k move between rows, x ticks the row, a accepts and r rejects
   the ticked rows (the current row when none is ticked). */
lz.ready(function () {
  "use strict";
  const rows = Array.from(document.querySelectorAll(".lz-row"));
  let at = 0;
  function focus(i) { if (!rows.length) return; at = Math.max(0, Math.min(rows.length - 1, i)); rows[at].focus(); }
  function pickCurrent() { const box = rows[at] && rows[at].querySelector(".lz-pick"); if (box && !document.querySelector(".lz-pick:checked")) box.checked = true; }
  document.addEventListener("keydown", function (e) {
    if (["INPUT", "SELECT", "TEXTAREA"].includes(e.target.tagName) && e.target.type !== "checkbox") return;
    if (e.key === "j") focus(at + 1);
    else if (e.key === "k") focus(at - 1);
    else if (e.key === "x" && rows[at]) { const b = rows[at].querySelector(".lz-pick"); b.checked = !b.checked; }
    else if (e.key === "a") { pickCurrent(); document.getElementById("lz-accept").click(); }
    else if (e.key === "r") { pickCurrent(); document.getElementById("lz-reject").click(); }
  });
  focus(0);
});
