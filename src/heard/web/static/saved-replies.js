// Reply composer: saved replies by keyboard.
// Type "/" and a shortcut in the reply (#reply-text, inside [data-conversation-id]); a menu lists the matching
// saved replies; ArrowUp/ArrowDown choose, Enter or Tab inserts, Escape closes. The server makes the reply
// personal for this conversation (name, incident, article link, signature) and the coach reviews it: the
// "input" event this module sends makes the composer ask for the review, as typing does.
// No inline script and no eval, so it runs under the CSP.
(function () {
  "use strict";

  const TOKEN = /(^|\s)\/([a-z0-9_-]{0,32})$/;
  let menu = null;
  let items = [];
  let active = 0;
  let area = null;
  let asked = 0;

  function csrf() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") || "" : "";
  }

  function token(textarea) {
    const before = textarea.value.slice(0, textarea.selectionStart ?? textarea.value.length);
    const found = TOKEN.exec(before);
    return found ? { query: found[2], start: before.length - found[2].length - 1 } : null;
  }

  function close() {
    if (menu) menu.remove();
    menu = null;
    items = [];
    active = 0;
  }

  function render() {
    if (!area) return;
    if (!menu) {
      menu = document.createElement("ul");
      menu.id = "saved-reply-menu";
      menu.className = "saved-reply-menu";
      menu.setAttribute("role", "listbox");
      menu.setAttribute("aria-label", "Saved replies");
      area.setAttribute("aria-controls", menu.id);
      area.insertAdjacentElement("afterend", menu);
    }
    menu.replaceChildren();
    if (!items.length) {
      const empty = document.createElement("li");
      empty.className = "empty";
      empty.textContent = "No saved reply by that shortcut";
      menu.appendChild(empty);
      return;
    }
    items.forEach(function (item, index) {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", index === active ? "true" : "false");
      li.dataset.savedReply = String(item.id);
      const shortcut = document.createElement("code");
      shortcut.textContent = "/" + item.shortcut;
      const title = document.createElement("span");
      title.textContent = " " + item.title;
      li.append(shortcut, title);
      li.addEventListener("mousedown", function (event) {
        event.preventDefault();
        active = index;
        choose();
      });
      menu.appendChild(li);
    });
  }

  async function look(textarea, query) {
    const mine = ++asked;
    const response = await fetch("/saved-replies.json?q=" + encodeURIComponent(query), {
      credentials: "same-origin",
    });
    if (!response.ok || mine !== asked) return;
    area = textarea;
    items = await response.json();
    active = Math.min(active, Math.max(items.length - 1, 0));
    render();
  }

  async function choose() {
    const item = items[active];
    const textarea = area;
    if (!item || !textarea) return;
    const at = token(textarea);
    const box = textarea.closest("[data-conversation-id]");
    close();
    if (!at || !box) return;
    const url = "/conversations/" + box.getAttribute("data-conversation-id") + "/saved-replies/" + item.id;
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf() },
    });
    if (!response.ok) return;
    const inserted = await response.json();
    const end = at.start + 1 + at.query.length;
    textarea.setRangeText(inserted.text, at.start, end, "end");
    textarea.dataset.coachScore = String(inserted.review.score);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    textarea.focus();
  }

  document.addEventListener("input", function (event) {
    const textarea = event.target;
    if (!(textarea instanceof HTMLTextAreaElement) || textarea.id !== "reply-text") return;
    const at = token(textarea);
    if (at) look(textarea, at.query);
    else close();
  });

  document.addEventListener(
    "keydown",
    function (event) {
      if (!menu || event.target !== area) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        active = items.length ? (active + step + items.length) % items.length : 0;
        render();
      } else if ((event.key === "Enter" || event.key === "Tab") && items.length) {
        event.preventDefault();
        event.stopPropagation();
        choose();
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation(); // the menu closes; the reply keeps the focus (keys.js would blur it)
        close();
      }
    },
    true,
  );

  document.addEventListener("focusout", function (event) {
    if (event.target === area) setTimeout(close, 150);
  });
})();
