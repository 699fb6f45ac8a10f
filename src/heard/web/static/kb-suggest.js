// Reply composer: suggested knowledge-base articles, inserted into the draft as a link.
// Wiring (no inline script, so it runs under the CSP):
//   <textarea id="reply-text" ...></textarea>
//   <div class="kb-suggest" data-kb-for="reply-text" hx-get="/kb/suggest?text=..." hx-trigger="load"></div>
//   <script src="/static/kb-suggest.js" defer></script>
// Clicking a suggestion inserts its canonical URL at the cursor of the textarea named by data-kb-for.
(function () {
  "use strict";

  function insertAtCursor(area, text) {
    const start = area.selectionStart ?? area.value.length;
    const end = area.selectionEnd ?? start;
    const before = area.value.slice(0, start);
    const spaced = (before && !/\s$/.test(before) ? " " : "") + text + " ";
    area.setRangeText(spaced, start, end, "end");
    area.dispatchEvent(new Event("input", { bubbles: true }));
    area.focus();
  }

  document.addEventListener("click", function (event) {
    const link = event.target instanceof Element ? event.target.closest("a[data-insert-link]") : null;
    if (!link) return;
    const box = link.closest("[data-kb-for]");
    const area = box ? document.getElementById(box.getAttribute("data-kb-for")) : null;
    if (!area) return;
    event.preventDefault();
    insertAtCursor(area, link.getAttribute("data-insert-link") || link.href);
  });
})();
