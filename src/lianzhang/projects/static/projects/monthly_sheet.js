/* Pack the monthly sheet's rows into one field so a town with hundreds of projects stays
   within the server's limit on form fields; without this script every input is sent as is. */
lz.ready(function () {
  "use strict";
  const form = document.getElementById("sheet-form");
  if (!form) return;
  form.addEventListener("submit", function () {
    const sheet = {};
    form.querySelectorAll("tr[data-project]").forEach(function (tr) {
      const id = tr.dataset.project, row = {};
      tr.querySelectorAll("input[name]").forEach(function (input) {
        const key = input.name.split("-")[0];
        row[key] = input.type === "checkbox" ? (input.checked ? "1" : "") : input.value;
        input.removeAttribute("name");
      });
      if (Object.keys(row).length) sheet[id] = row;
    });
    form.querySelector("input[name=sheet]").value = JSON.stringify(sheet);
  });
});
