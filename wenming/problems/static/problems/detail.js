// The problem's place on a Leaflet map (no inline script: the CSP forbids it). When tiles
// cannot be loaded the marker stays on a plain background.
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("wm-problem-map");
    if (!el || el.dataset.drawn || typeof L === "undefined") { return; }
    el.dataset.drawn = "1";
    var here = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
    var map = L.map(el).setView(here, 17);
    var tiles = L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, attribution: el.dataset.attribution });
    var loaded = 0;
    tiles.on("tileload", function () { loaded += 1; });
    tiles.addTo(map);
    window.setTimeout(function () {
      if (loaded === 0) { map.removeLayer(tiles); el.classList.add("wm-map-plain"); }
    }, 6000);
    // Set as text: a string given to bindPopup is read as HTML.
    var label = document.createElement("span");
    label.textContent = el.dataset.label || "";
    L.marker(here).addTo(map).bindPopup(label);
  }
  draw();
  document.body.addEventListener("htmx:afterSwap", draw);
})();

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
