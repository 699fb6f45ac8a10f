// Heard's keyboard shortcuts and composer glue (Apache-2.0). A static file: the CSP forbids inline script.
//   j / k  next / previous conversation (in the inbox: move along the queue; Enter opens)
//   r      write a reply        a  assign to me        e  resolve        Esc  leave the text box
(function () {
  "use strict";

  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  function click(selector) {
    var el = document.querySelector(selector);
    if (el) {
      el.click();
    }
    return Boolean(el);
  }

  function moveInQueue(step) {
    var rows = Array.prototype.slice.call(document.querySelectorAll(".queue .row-link"));
    if (!rows.length) {
      return false;
    }
    var at = rows.indexOf(document.activeElement);
    var next = at < 0 ? 0 : Math.min(Math.max(at + step, 0), rows.length - 1);
    rows[next].focus();
    return true;
  }

  function moveConversation(step) {
    var composer = document.getElementById("composer");
    if (composer && composer.dataset.conversationId) {
      window.location.href = "/conversations/" + composer.dataset.conversationId + "/neighbour?step=" + step;
      return true;
    }
    return moveInQueue(step);
  }

  var keys = {
    j: function () { return moveConversation(1); },
    k: function () { return moveConversation(-1); },
    r: function () {
      var box = document.getElementById("reply-text");
      if (box) {
        box.focus();
      }
      return Boolean(box);
    },
    a: function () { return click('button[name="assignee"][value="me"]'); },
    e: function () { return click('.status-form button[value="resolved"]'); },
  };

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && typing(document.activeElement)) {
      document.activeElement.blur();
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

  // Once a reply is queued the composer empties itself, and the coach goes back to its hint.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!event.detail.successful || !form || form.id !== "reply-form") {
      return;
    }
    var box = document.getElementById("reply-text");
    if (box && !document.querySelector("#outbox .notice")) {
      box.value = "";
      box.dispatchEvent(new Event("input", { bubbles: true }));
    }
  });
})();
