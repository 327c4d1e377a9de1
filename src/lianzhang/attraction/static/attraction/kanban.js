/* The pipeline board: drag a lead's card to another stage. The server checks every move;
   a refused move shows its message (as text) and leaves the card where it was. */
lz.ready(function () {
  "use strict";
  const board = document.querySelector("[data-board]");
  if (!board) return;
  const token = document.querySelector("[name=csrfmiddlewaretoken]");
  const csrf = token ? token.value : JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  const errorBox = document.getElementById("lz-board-error");
  const ask = {reason: board.dataset.askReason, investment: board.dataset.askInvestment};
  let dragged = null;
  // While a card is held near the board's left or right edge the board keeps scrolling
  // (a timer, not one step per dragover: browsers fire those at different rates), so
  // columns off screen can be reached on a normal-width monitor.
  let scrollDir = 0, scrollTimer = null;
  function autoScroll(dir) {
    scrollDir = dir;
    if (dir && !scrollTimer) scrollTimer = setInterval(function () { board.scrollLeft += 20 * scrollDir; }, 25);
    if (!dir && scrollTimer) { clearInterval(scrollTimer); scrollTimer = null; }
  }
  board.addEventListener("dragover", function (e) {
    if (!dragged) return;
    const box = board.getBoundingClientRect(), edge = 80;
    autoScroll(e.clientX < box.left + edge ? -1 : (e.clientX > box.right - edge ? 1 : 0));
  });
  document.addEventListener("dragover", function (e) { if (!board.contains(e.target)) autoScroll(0); });
  board.addEventListener("drop", function () { autoScroll(0); });
  board.querySelectorAll(".lz-card[draggable=true]").forEach(function (card) {
    card.addEventListener("dragstart", function (e) { dragged = card; e.dataTransfer.setData("text/plain", card.dataset.lead); });
    card.addEventListener("dragend", function () { autoScroll(0); setTimeout(function () { dragged = null; }, 0); });
  });
  board.querySelectorAll(".lz-col").forEach(function (col) {
    const drop = col.querySelector(".lz-drop");
    col.addEventListener("dragover", function (e) { e.preventDefault(); });
    col.addEventListener("drop", function (e) {
      e.preventDefault();
      if (!dragged || dragged.closest(".lz-col") === col) return;
      const stage = col.dataset.stage, to = parseInt(col.dataset.position, 10), from = parseInt(dragged.dataset.position, 10);
      const body = new URLSearchParams({stage: stage, revision: dragged.dataset.revision});
      if (to < 0 || (from >= 0 && to < from)) { const r = window.prompt(ask.reason); if (r === null) return; body.set("reason", r); }
      if (stage === "signed" && !dragged.dataset.investment) { const v = window.prompt(ask.investment); if (v === null) return; body.set("investment", v); }
      const card = dragged;
      fetch(card.dataset.url, {method: "POST", body: body, headers: {"X-CSRFToken": csrf, "Accept": "application/json"}})
        .then(function (r) { return r.json().then(function (data) { return {ok: r.ok, data: data}; }); })
        .then(function (res) {
          if (res.ok && res.data.ok) { drop.prepend(card); card.dataset.position = col.dataset.position; errorBox.classList.add("d-none"); if (body.get("investment")) card.dataset.investment = body.get("investment"); card.dataset.revision = res.data.revision; }
          else { errorBox.textContent = res.data.error || "error"; errorBox.classList.remove("d-none"); }
        });
    });
  });
});
