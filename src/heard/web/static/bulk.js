// The queue's bulk actions: a checkbox on each conversation row (ol.queue li[data-conversation-id]), and the bulk
// bar (#bulk-form) that appears once one is ticked and sends the ticked ids with the chosen action.
// Rows are redrawn by htmx (live updates): ticks are kept by id across redraws. No inline script (CSP).
(function () {
  "use strict";

  const chosen = new Set();

  function bar() {
    return document.getElementById("bulk-form");
  }

  function refresh() {
    const form = bar();
    if (!form) return;
    form.hidden = chosen.size === 0;
    const label = form.querySelector(".chosen");
    if (label) label.textContent = chosen.size + " chosen";
    form.querySelectorAll('input[name="ids"]').forEach(function (input) { input.remove(); });
    chosen.forEach(function (id) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = "ids";
      input.value = id;
      form.appendChild(input);
    });
  }

  function addBoxes(root) {
    if (!bar()) return;
    root.querySelectorAll("ol.queue li[data-conversation-id]").forEach(function (row) {
      if (row.querySelector("input.pick")) return;
      const id = row.getAttribute("data-conversation-id");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.className = "pick";
      box.checked = chosen.has(id);
      const handle = row.querySelector(".handle");
      box.setAttribute("aria-label", "Choose " + (handle ? handle.textContent : "conversation " + id));
      box.addEventListener("change", function () {
        if (box.checked) chosen.add(id);
        else chosen.delete(id);
        refresh();
      });
      row.insertBefore(box, row.firstChild);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    addBoxes(document);
    refresh();
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    addBoxes(event.target instanceof Element ? event.target : document);
  });
})();
