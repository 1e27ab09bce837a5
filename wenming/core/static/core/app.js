// Send the CSRF token with every htmx request (no inline scripts: the CSP forbids them).
document.body.addEventListener("htmx:configRequest", function (event) {
  event.detail.headers["X-CSRFToken"] = document.body.dataset.csrf;
});
