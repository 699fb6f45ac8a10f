// Heard's workspace: keyboard shortcuts, the live "N new" count and the composer's glue (Apache-2.0).
// A static file: the CSP forbids inline script. The keys are listed in templates/workspace.html (press ?).
(function () {
  "use strict";

  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  function click(selector) {
    var el = document.querySelector(selector);
    if (el && !el.disabled) {
      // A key can come faster than htmx wires a freshly swapped form: wire it first (a no-op when done), or the
      // browser would post the form itself and reload the page.
      if (window.htmx && el.form) {
        window.htmx.process(el.form);
      }
      el.click();
    }
    return Boolean(el);
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#queue .row-link"));
  }

  function rowOf(id) {
    return document.querySelector('#queue .conversation[data-conversation-id="' + id + '"] .row-link');
  }

  function selectedId() {
    var ws = document.querySelector(".workspace");
    return ws ? ws.dataset.selected : "";
  }

  // j / k move the focus along the queue, starting from the selected conversation; Enter opens it.
  function moveInQueue(step) {
    var all = rows();
    if (!all.length) {
      return false;
    }
    var at = all.indexOf(document.activeElement);
    if (at < 0) {
      var selected = rowOf(selectedId());
      at = selected ? all.indexOf(selected) : -1;
    }
    var next = at < 0 ? 0 : Math.min(Math.max(at + step, 0), all.length - 1);
    all[next].focus();
    all[next].scrollIntoView({ block: "nearest" });
    return true;
  }

  function toggleHelp(show) {
    var help = document.getElementById("keys-help");
    if (!help) {
      return false;
    }
    help.hidden = show === undefined ? !help.hidden : !show;
    return true;
  }

  // Screens narrower than 1200 px keep the context pane in a drawer; it opens over the thread and gives the focus
  // back where it was when it closes.
  function drawerMode() {
    var toggle = document.querySelector(".context-toggle");
    return Boolean(toggle) && window.getComputedStyle(toggle).display !== "none";
  }
  var focusBeforeDrawer = null;
  function toggleContext(show) {
    var ws = document.querySelector(".workspace");
    var toggle = document.querySelector(".context-toggle");
    if (!ws || !toggle || !drawerMode()) {
      return false;
    }
    var open = show === undefined ? !ws.classList.contains("context-open") : show;
    ws.classList.toggle("context-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      focusBeforeDrawer = document.activeElement;
      var close = document.querySelector(".context-close");
      if (close) {
        close.focus();
      }
    } else if (focusBeforeDrawer && document.body.contains(focusBeforeDrawer)) {
      focusBeforeDrawer.focus();
    } else {
      toggle.focus();
    }
    return true;
  }
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest(".context-toggle")) {
      toggleContext();
    } else if (target && target.closest && target.closest(".context-close")) {
      toggleContext(false);
    }
  });

  var keys = {
    c: function () { return toggleContext(); },
    j: function () { return moveInQueue(1); },
    k: function () { return moveInQueue(-1); },
    r: function () {
      var box = document.getElementById("reply-text");
      if (box) {
        box.focus();
      }
      return Boolean(box);
    },
    a: function () { return click('button[name="assignee"][value="me"]'); },
    e: function () { return click('.status-form button[value="resolved"]'); },
    s: function () { return click(".snooze button[type=submit]"); },
    z: function () { return click(".undo-button"); },
    n: function () {
      var news = document.getElementById("queue-news");
      if (news && !news.hidden) {
        news.click();
        return true;
      }
      return false;
    },
    "/": function () {
      var search = document.querySelector('.filters input[name="q"]');
      if (search) {
        search.focus();
        search.select();
      }
      return Boolean(search);
    },
    "?": function () { return toggleHelp(); },
  };

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      var help = document.getElementById("keys-help");
      if (help && !help.hidden) {
        toggleHelp(false);
        return;
      }
      var ws = document.querySelector(".workspace.context-open");
      if (ws && !typing(document.activeElement)) {
        toggleContext(false);
        return;
      }
      if (typing(document.activeElement)) {
        document.activeElement.blur();
      }
      return;
    }
    // Ctrl+Enter (Cmd+Enter) sends the reply being written.
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target && event.target.id === "reply-text") {
      var form = document.getElementById("reply-form");
      if (form) {
        event.preventDefault();
        form.requestSubmit();
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    var action = keys[event.key];
    if (action && action()) {
      event.preventDefault();
    }
  });

  // Live updates never move what the agent is on: the stream's "inbox" messages are counted, and rows already
  // shown get a dot; the queue is swapped only when the agent asks (n, or the button).
  var fresh = {};
  var changed = {};
  function showNews() {
    var button = document.getElementById("queue-news");
    if (!button) {
      return;
    }
    var nFresh = Object.keys(fresh).length;
    var nChanged = Object.keys(changed).length;
    button.hidden = nFresh + nChanged === 0;
    var parts = [];
    if (nFresh) {
      parts.push(nFresh + " new");
    }
    if (nChanged) {
      parts.push(nChanged + " updated");
    }
    button.textContent = parts.join(", ") + " · show (n)";
  }
  // Conversations the stream named that the queue does not show yet are "new" only when the agent's view holds
  // them: the server answers which of them match the current filters and search (a batch every 300 ms at most).
  var unseen = {};
  var asking = null;
  function askWhichBelong() {
    asking = null;
    var button = document.getElementById("queue-news");
    var ids = Object.keys(unseen);
    unseen = {};
    if (!button || !ids.length) {
      return;
    }
    // At most 150 ids a request: the server reads 200 at most, and a busy replay names many in 300 ms.
    for (var start = 0; start < ids.length; start += 150) {
      askAbout(button, ids.slice(start, start + 150));
    }
  }
  function askAbout(button, ids) {
    var url = button.dataset.news + (button.dataset.news.indexOf("?") < 0 ? "?" : "&") + "ids=" + ids.join(",");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { matching: [] }; })
      .then(function (data) {
        (data.matching || []).forEach(function (id) {
          if (!rowOf(String(id))) {
            fresh[id] = true;
          }
        });
        showNews();
        // An empty queue has no row or focus to disturb: it fills in by itself.
        if (!rows().length && !button.hidden && !button.dataset.loading) {
          button.dataset.loading = "1";
          button.click();
        }
      })
      .catch(function () {
        // Offline for a moment: these ids are asked about again with the next message.
        ids.forEach(function (id) { unseen[id] = true; });
      });
  }
  document.addEventListener("htmx:sseMessage", function (event) {
    if (!event.target || event.target.id !== "queue-feed") {
      return;
    }
    var data;
    try {
      data = JSON.parse(event.detail.data);
    } catch (e) {
      return;
    }
    (data.conversations || []).forEach(function (id) {
      var row = document.querySelector('#queue .conversation[data-conversation-id="' + id + '"]');
      if (row) {
        row.classList.add("changed");
        changed[id] = true;
      } else if (!fresh[id]) {
        unseen[id] = true;
      }
    });
    showNews();
    if (Object.keys(unseen).length && !asking) {
      asking = window.setTimeout(askWhichBelong, 300);
    }
  });

  // When the agent takes the news, the focus goes back to the row it was on (and the selection stays marked).
  var focusedId = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "queue") {
      var li = document.activeElement && document.activeElement.closest ? document.activeElement.closest(".conversation") : null;
      focusedId = li ? li.dataset.conversationId : null;
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "queue") {
      return;
    }
    fresh = {};
    changed = {};
    var news = document.getElementById("queue-news");
    if (news) {
      delete news.dataset.loading;
    }
    showNews();
    var selected = rowOf(selectedId());
    if (selected) {
      selected.setAttribute("aria-current", "true");
      selected.parentNode.classList.add("selected");
    }
    var back = focusedId ? rowOf(focusedId) : null;
    (back || selected || rows()[0] || document.body).focus();
  });

  // The composer counts as the network does (the server's heard.lengths, mirrored here between reviews), and
  // refuses to send over the limit, with the reason beside the Send button.
  var X_LINK = 23;
  var URL_RE = /https?:\/\/[^\s<>"')\]]+/gi;
  function counted(text, network) {
    text = text.trim();
    if (network === "x" || network === "twitter") {
      text = text.replace(URL_RE, new Array(X_LINK + 1).join("x"));
    }
    return Array.from(text).length;
  }
  function measure(form) {
    var box = form.querySelector("#reply-text");
    var limit = parseInt(form.dataset.limit, 10);
    var length = counted(box ? box.value : "", form.dataset.network);
    return { length: length, limit: limit, over: length > limit,
      reason: form.dataset.where + " allows " + limit + " characters; this reply has " + length };
  }
  function drawCounter(form) {
    var counter = document.getElementById("counter");
    if (!counter) {
      return;
    }
    var m = measure(form);
    counter.textContent = "";
    var count = document.createElement("span");
    count.className = "count" + (m.over ? " over" : "");
    count.textContent = m.length + " / " + m.limit;
    counter.appendChild(count);
    if (m.over) {
      var why = document.createElement("span");
      why.className = "over-reason";
      why.textContent = " " + m.reason;
      counter.appendChild(why);
    }
  }
  document.addEventListener("input", function (event) {
    if (event.target && event.target.id === "reply-text") {
      drawCounter(event.target.form);
    }
  });
  function refuse(form, text) {
    var spot = form.querySelector(".refusal");
    spot.textContent = text;
    spot.hidden = false;
  }
  document.addEventListener("htmx:confirm", function (event) {
    var form = event.detail.elt;
    if (!form || form.id !== "reply-form" || event.detail.verb !== "post" || event.detail.path !== form.getAttribute("hx-post")) {
      return;
    }
    var m = measure(form);
    if (m.over) {
      event.preventDefault();
      drawCounter(form);
      refuse(form, "Not sent: " + m.reason + ". Shorten it by " + (m.length - m.limit) + ".");
    }
  });

  // A colleague answered a moment ago (409): say who and what beside Send, and let the agent send anyway.
  document.addEventListener("htmx:responseError", function (event) {
    var form = event.detail.elt;
    if (!form || form.id !== "reply-form" || event.detail.xhr.status !== 409) {
      return;
    }
    var spot = form.querySelector(".refusal");
    var anyway = document.createElement("button");
    anyway.type = "button";
    anyway.className = "confirm";
    anyway.textContent = "Send anyway";
    anyway.addEventListener("click", function () {
      form.querySelector('input[name="confirm_collision"]').value = "yes";
      form.requestSubmit();
    });
    spot.appendChild(anyway);
  });

  // Undo is a request of #thread (not of the form, which its own answer replaces), queued after any live refresh
  // of the thread that is under way, so an older refresh can never land after it and show the undone state.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("undo") || !window.htmx) {
      return;
    }
    event.preventDefault();
    var values = {};
    new FormData(form).forEach(function (value, name) { values[name] = value; });
    window.htmx.ajax("POST", form.getAttribute("action"), { source: "#thread", target: "#thread", swap: "innerHTML", values: values });
  });

  // Once a reply is queued the composer empties itself, and the coach goes back to its hint.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!event.detail.successful || !form || form.id !== "reply-form") {
      return;
    }
    form.querySelector('input[name="confirm_collision"]').value = "";
    var box = document.getElementById("reply-text");
    if (box && !document.querySelector("#outbox .notice")) {
      box.value = "";
      box.dispatchEvent(new Event("input", { bubbles: true }));
    }
  });
})();
