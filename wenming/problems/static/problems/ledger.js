// Ledger list: the bulk form's "select all" and selected count, a refused filter swapped in
// place, and the filter form kept in step with what the list shows (no inline scripts: CSP).
(function () {
  "use strict";

  function picks() {
    return Array.prototype.slice.call(document.querySelectorAll(".wm-pick"));
  }

  function count() {
    var badge = document.querySelector("[data-testid=selected-count]");
    if (!badge) { return; }
    var codes = {};
    picks().forEach(function (box) { if (box.checked) { codes[box.value] = true; } });
    var n = Object.keys(codes).length;
    // The server wrote "0 selected" in the user's language; only the number changes.
    badge.textContent = badge.textContent.replace(/\d+/, String(n));
  }

  function bind() {
    var all = document.getElementById("select-all");
    if (all && !all.dataset.bound) {
      all.dataset.bound = "1";
      all.addEventListener("change", function () {
        picks().forEach(function (box) { box.checked = all.checked; });
        count();
      });
    }
    var form = document.getElementById("bulk-form");
    if (form && !form.dataset.bound) {
      form.dataset.bound = "1";
      form.addEventListener("change", function (event) {
        if (event.target.classList.contains("wm-pick")) { count(); }
      });
    }
    count();
  }

  // The filter form shows the filter the list was drawn with, also after a status chip, the
  // "reported today" shortcut or Back changed it, so "Apply" never drops what is on screen.
  function syncForm() {
    var form = document.querySelector("[data-testid=ledger-filter]");
    if (!form) { return; }
    var params = new URLSearchParams(window.location.search);
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name) { return; }
      var value = params.get(field.name) || "";
      if (field.type === "checkbox") {
        field.checked = value === field.value;
      } else {
        // Several statuses at once have no option of their own: "any" (the chips say which).
        field.value = value.indexOf(",") >= 0 ? "" : value;
      }
    });
  }

  // A filter that cannot be read answers 400 with the list (empty) and each message beside
  // its field: swap it like a 200 instead of dropping it as htmx does with errors.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "ledger-table" && event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    bind();
    if (!event.detail.target || event.detail.target.id !== "ledger-table") { return; }
    // A message inside the folded filters unfolds them, so a phone shows it.
    var more = document.getElementById("wm-more-filters");
    var wrong = more && Array.prototype.some.call(
      more.querySelectorAll(".wm-field-error"), function (slot) { return slot.textContent.trim(); });
    if (wrong && window.bootstrap) { window.bootstrap.Collapse.getOrCreateInstance(more, { toggle: false }).show(); }
  });
  document.body.addEventListener("htmx:pushedIntoHistory", syncForm);
  document.body.addEventListener("htmx:historyRestore", function () { bind(); syncForm(); });
  bind();
})();
