// The points map: tiles from the configured server, points fetched for the visible bounding
// box; when tiles cannot be loaded, a plain background with region centres and a notice.
(function () {
  "use strict";
  var el = document.getElementById("wm-map");
  if (!el || typeof L === "undefined") { return; }
  var regionsEl = document.getElementById("wm-map-regions");
  var regions = regionsEl ? JSON.parse(regionsEl.textContent) : [];
  var map = L.map(el, { preferCanvas: true });
  var tiles = L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, attribution: el.dataset.attribution });
  var loaded = 0, failed = 0, plain = false;
  tiles.on("tileload", function () { loaded += 1; });
  tiles.on("tileerror", function () {
    failed += 1;
    if (!plain && loaded === 0 && failed >= 3) { fallback(); }
  });
  tiles.addTo(map);
  // A tile server that never answers fires no error: give it a few seconds.
  window.setTimeout(function () { if (loaded === 0 && !plain) { fallback(); } }, 6000);

  function fallback() {
    plain = true;
    map.removeLayer(tiles);
    el.classList.add("wm-map-plain");
    var notice = el.parentNode.querySelector(".wm-map-notice");
    if (notice) { notice.classList.remove("d-none"); }
    regions.forEach(function (r) {
      L.circle([r.lat, r.lon], { radius: 2500, color: "#8a7a5c", weight: 1, fillOpacity: 0.05 })
        .addTo(map)
        .bindTooltip(text(r.name), { permanent: true, direction: "center", className: "wm-region-label" });
    });
  }

  // Names are data: Leaflet reads a string given to bindPopup/bindTooltip as HTML, so every
  // popup and tooltip gets a DOM node whose text is set, never markup.
  function text(value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span;
  }

  function popup(props) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = props.url;
    link.textContent = props.name;
    box.appendChild(link);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(props.type_name + " · " + props.region_name));
    return box;
  }

  if (el.dataset.lat) {
    var here = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
    map.setView(here, 16);
    L.marker(here).addTo(map).bindPopup(text(el.dataset.label));
    return;
  }

  var layer = L.layerGroup().addTo(map);
  var truncated = el.parentNode.querySelector(".wm-map-truncated");
  var pending = null;
  function refresh() {
    el.dataset.zoom = map.getZoom();  // for tests and anyone reading the page
    if (!el.dataset.dataUrl) { return; }
    var b = map.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) {
      return Math.max(-180, Math.min(180, v)).toFixed(6);
    });
    bbox[1] = Math.max(-90, bbox[1]); bbox[3] = Math.min(90, bbox[3]);
    var url = el.dataset.dataUrl + (el.dataset.dataUrl.indexOf("?") >= 0 ? "&" : "?") + "bbox=" + bbox.join(",");
    if (pending) { pending.abort(); }
    pending = new AbortController();
    fetch(url, { credentials: "same-origin", signal: pending.signal })
      .then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .then(function (data) {
        layer.clearLayers();
        data.features.forEach(function (f) {
          var c = f.geometry.coordinates;
          L.circleMarker([c[1], c[0]], {
            radius: 5, weight: 1, color: "#7a1c16",
            fillColor: f.properties.is_active ? "#d9412f" : "#999", fillOpacity: 0.8
          }).bindPopup(popup(f.properties)).addTo(layer);
        });
        if (truncated) { truncated.classList.toggle("d-none", !data.truncated); }
      })
      .catch(function () { /* a newer request replaced this one */ });
  }
  if (regions.length === 1) {
    map.setView([regions[0].lat, regions[0].lon], 13);
  } else if (regions.length) {
    // Regions whose centres (nearly) coincide would otherwise zoom to street level and hide
    // every point: a city overview never zooms in further than a district.
    map.fitBounds(L.latLngBounds(regions.map(function (r) { return [r.lat, r.lon]; })).pad(0.1),
                  { maxZoom: 13 });
  } else {
    map.setView([38.914, 121.614], 11);
  }
  map.on("moveend", refresh);
  refresh();
}());
