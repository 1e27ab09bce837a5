// The report form's live character counter under the description: hidden without this script
// (the server checks the length either way). It counts as the server does (characters, not
// UTF-16 units; a line break as one) and groups digits with the language's separator.
(function () {
  "use strict";
  document.querySelectorAll("[data-wm-count-for]").forEach(function (counter) {
    var field = document.getElementById(counter.dataset.wmCountFor);
    var limit = field && parseInt(field.getAttribute("maxlength"), 10);
    if (!limit) { return; }
    var separator = counter.dataset.wmCountSeparator || "";

    function format(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, separator); }

    function update() {
      var count = Array.from(field.value).length;
      counter.textContent = counter.dataset.wmCountText
        .replace("{count}", format(count)).replace("{limit}", format(limit));
      counter.classList.toggle("wm-p-over", count > limit);
    }

    field.addEventListener("input", update);
    update();
    counter.hidden = false;
  });
})();
