// Leaflet finds its marker images by reading "marker-icon.png" out of leaflet.css; collected
// with hashed names (leaflet.3f2a….css, marker-icon.2273….png) it finds nothing and asks for
// marker-icon.png beside the page. This script's tag names the images as the page knows them
// ({% static %}), and an empty image path makes Leaflet use those URLs as they are.
(function () {
  "use strict";
  var tag = document.currentScript;
  if (!tag || !window.L) return;
  L.Icon.Default.imagePath = "";
  L.Icon.Default.mergeOptions({
    iconUrl: tag.dataset.icon,
    iconRetinaUrl: tag.dataset.icon2x,
    shadowUrl: tag.dataset.shadow,
  });
})();
