// Places the timeline's bars, progress fills, milestones and today's line from their data
// attributes (percent of the track): styles set from a script file, which the CSP allows.
(function () {
  "use strict";
  function place(root) {
    root.querySelectorAll(".wm-gantt [data-left]").forEach(function (el) {
      el.style.left = el.dataset.left + "%";
      if (el.dataset.width) el.style.width = el.dataset.width + "%";
    });
    root.querySelectorAll(".wm-gantt-done[data-width]").forEach(function (el) {
      el.style.width = el.dataset.width + "%";
    });
    // Today's line spans the tracks only: shift it by the label column's width.
    var gantt = root.querySelector(".wm-gantt");
    var track = root.querySelector(".wm-gantt-track");
    var today = root.querySelector(".wm-gantt-today");
    if (gantt && track && today) {
      var offset = track.getBoundingClientRect().left - gantt.getBoundingClientRect().left;
      var width = track.getBoundingClientRect().width;
      today.style.left = offset + (width * parseFloat(today.dataset.left)) / 100 + "px";
    }
  }
  document.addEventListener("DOMContentLoaded", function () { place(document); });
  document.addEventListener("htmx:afterSwap", function (e) { place(e.target); });
  window.addEventListener("resize", function () { place(document); });
})();
