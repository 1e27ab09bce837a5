// Ledger list: "select all" for bulk dispatch (re-bound after htmx swaps the table).
(function () {
  "use strict";
  function bind() {
    var all = document.getElementById("select-all");
    if (!all || all.dataset.bound) { return; }
    all.dataset.bound = "1";
    all.addEventListener("change", function () {
      document.querySelectorAll(".wm-pick").forEach(function (box) { box.checked = all.checked; });
    });
  }
  bind();
  document.body.addEventListener("htmx:afterSwap", bind);
})();
