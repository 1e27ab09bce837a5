// The problem page. Its map is the shared component (core/map.js), redrawn after each swap.

// htmx 2 drops 4xx answers by default; the action endpoint answers a refusal (400 bad input,
// 403 not yours, 409 changed meanwhile) with the problem re-rendered and the reason on top,
// so swap it in like a success: otherwise the click silently does nothing.
(function () {
  "use strict";
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var status = event.detail.xhr.status;
    if (target && target.id === "problem-main" && (status === 400 || status === 403 || status === 409)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
