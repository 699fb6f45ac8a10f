// Heard's own script (Apache-2.0). Loaded from /static so the Content-Security-Policy can forbid inline code.

// Every htmx request carries the CSRF token from the page's meta tag.
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    event.detail.headers["X-CSRF-Token"] = meta.content;
  }
});

// A form marked data-reset-on-success empties itself once the server took it (the note box, for one).
document.addEventListener("htmx:afterRequest", function (event) {
  var form = event.detail.elt;
  if (event.detail.successful && form.matches && form.matches("form[data-reset-on-success]")) {
    form.reset();
  }
});

// Refusals (400, 403, 404, 409...) are shown as text next to the control the agent used: in a `.refusal` line
// of the form that made the request (made when the form has none), else in the page's #flash. htmx does not swap
// error responses into the page, and the server's text is the action's own reason.
function refusalSpot(elt) {
  var form = elt && elt.closest ? elt.closest("form") || elt : null;
  if (!form || !form.parentNode) {
    return document.getElementById("flash");
  }
  var spot = form.querySelector(".refusal");
  if (!spot) {
    spot = document.createElement("p");
    spot.className = "refusal";
    spot.setAttribute("role", "alert");
    form.appendChild(spot);
  }
  return spot;
}
document.addEventListener("htmx:responseError", function (event) {
  var spot = refusalSpot(event.detail.elt);
  if (!spot) {
    return;
  }
  spot.textContent = event.detail.xhr.responseText || "Something went wrong.";
  spot.hidden = false;
  if (spot.scrollIntoView) {
    spot.scrollIntoView({ block: "nearest" });
  }
});
// A refusal stays until the form that drew it is sent again and succeeds: live swaps, the coach's reviews and
// the typing beacon (requests of other elements) leave it alone, so a "Send anyway" stays to be pressed.
document.addEventListener("htmx:afterRequest", function (event) {
  var elt = event.detail.elt;
  if (!event.detail.successful || !elt || elt.tagName !== "FORM") {
    return;
  }
  var spot = elt.querySelector(".refusal");
  if (spot) {
    spot.hidden = true;
  }
});
