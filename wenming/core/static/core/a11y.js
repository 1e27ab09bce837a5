// A table wider than its box scrolls inside it (.table-responsive): keyboard users must be able
// to reach it to scroll it (WCAG 2.1.1; axe-core's scrollable-region-focusable). Only the boxes
// that actually scroll join the tab order, so a table that fits adds no extra Tab stop.
(function () {
  function reachable(root) {
    root.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.wmScrollFocus = "1";
      } else if (!scrolls && box.dataset.wmScrollFocus) {
        box.removeAttribute("tabindex");
        delete box.dataset.wmScrollFocus;
      }
    });
  }
  reachable(document);
  document.body.addEventListener("htmx:afterSettle", function () { reachable(document); });
  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () { reachable(document); }, 150);
  });
})();
