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

// Refusals (400, 403, 404...) are shown as text; htmx does not swap error responses into the page.
document.addEventListener("htmx:responseError", function (event) {
  var flash = document.getElementById("flash");
  if (!flash) {
    return;
  }
  flash.textContent = event.detail.xhr.responseText || "Something went wrong.";
  flash.hidden = false;
});
document.addEventListener("htmx:afterSwap", function () {
  var flash = document.getElementById("flash");
  if (flash) {
    flash.hidden = true;
  }
});
