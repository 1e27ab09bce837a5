// Send the CSRF token with every htmx request (no inline scripts: the CSP forbids them).
document.body.addEventListener("htmx:configRequest", function (event) {
  event.detail.headers["X-CSRFToken"] = document.body.dataset.csrf;
});
// htmx 2 drops 4xx answers. A page that refuses an action (400 bad input, 403, 404, 409)
// answers with the fragment that says why, meant for the same target: swap it like a success,
// or the click silently does nothing. A full page (an error page) is not swapped into a block.
document.body.addEventListener("htmx:beforeSwap", function (event) {
  var xhr = event.detail.xhr;
  if (xhr.status < 400 || xhr.status > 499) { return; }
  var type = xhr.getResponseHeader("Content-Type") || "";
  var body = xhr.responseText || "";
  if (type.indexOf("text/html") === 0 && body.trim() && !/<html[\s>]/i.test(body)) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
// A form that cannot be undone asks first: `data-wm-confirm="question"` on the form (an inline
// `onsubmit` would be refused by the CSP).
document.body.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.dataset && form.dataset.wmConfirm;
  if (question && !window.confirm(question)) { event.preventDefault(); }
});
