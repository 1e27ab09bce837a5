// The one map component: every element marked [data-wm-map] (core/_map.html) becomes a Leaflet
// map, when the page loads and again after each htmx swap, history restore included. htmx
// replaces the element a map was drawn on with a new one, so the old map is removed and the new
// element drawn once (a map remembers its element; an element never carries two maps). Leaflet
// CSS comes with the markup, and map.css keeps the map inside its box.
//
// Datums: data-lat/lon, the markers fetched from data-markers-url and the region centres are in
// the tile server's datum (GCJ-02 when data-gcj02 is set, else WGS-84); the pick inputs hold
// WGS-84 as the ledger stores it, so picking shifts back (the same transform as points/geo.py).
(function () {
  "use strict";
  var instances = [];
  var popups = {};
  var MIN_ZOOM = 0, MAX_ZOOM = 19;  // the tile servers' range (OpenStreetMap's and most others')

  // --- WGS-84 ↔ GCJ-02 (public-domain approximation; identity outside mainland China) ---
  var A = 6378245.0, EE = 0.00669342162296594323;
  function outOfChina(lat, lon) { return !(lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271); }
  function tLat(x, y) {
    var r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin(y / 3.0 * Math.PI)) * 2.0 / 3.0;
    r += (160.0 * Math.sin(y / 12.0 * Math.PI) + 320 * Math.sin(y * Math.PI / 30.0)) * 2.0 / 3.0;
    return r;
  }
  function tLon(x, y) {
    var r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin(x / 3.0 * Math.PI)) * 2.0 / 3.0;
    r += (150.0 * Math.sin(x / 12.0 * Math.PI) + 300.0 * Math.sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;
    return r;
  }
  function wgsToGcj(lat, lon) {
    if (outOfChina(lat, lon)) { return [lat, lon]; }
    var dLat = tLat(lon - 105.0, lat - 35.0), dLon = tLon(lon - 105.0, lat - 35.0);
    var rad = lat / 180.0 * Math.PI, magic = 1 - EE * Math.sin(rad) * Math.sin(rad);
    var sq = Math.sqrt(magic);
    dLat = (dLat * 180.0) / ((A * (1 - EE)) / (magic * sq) * Math.PI);
    dLon = (dLon * 180.0) / (A / sq * Math.cos(rad) * Math.PI);
    return [lat + dLat, lon + dLon];
  }
  function gcjToWgs(lat, lon) {
    var w = [lat, lon];
    for (var i = 0; i < 5; i += 1) {
      var g = wgsToGcj(w[0], w[1]);
      w = [w[0] - (g[0] - lat), w[1] - (g[1] - lon)];
    }
    return w;
  }
  function toDisplay(el, lat, lon) { return el.dataset.gcj02 ? wgsToGcj(lat, lon) : [lat, lon]; }
  function toStored(el, lat, lon) { return el.dataset.gcj02 ? gcjToWgs(lat, lon) : [lat, lon]; }

  // Names are data: Leaflet reads a string given to bindPopup/bindTooltip as HTML, so every
  // popup and tooltip gets a DOM node whose text is set, never markup.
  function text(value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span;
  }
  function defaultPopup(props) {
    if (!props.url) { return text(props.name); }
    var link = document.createElement("a");
    link.href = props.url;
    link.textContent = props.name == null ? "" : String(props.name);
    return link;
  }

  function box(el) { return el.closest(".wm-map-box") || el.parentNode; }

  // Elements htmx removed, or a history snapshot replaced: their maps go, timers and all.
  function sweep() {
    instances = instances.filter(function (item) {
      if (item.el.isConnected) { return true; }
      if (item.observer) { item.observer.disconnect(); }
      item.map.remove();
      item.el._wmMap = null;
      return false;
    });
  }

  function setup(el) {
    // A history snapshot holds the HTML Leaflet generated, without its map: start clean.
    el.innerHTML = "";
    el.className = el.className.replace(/(^|\s)leaflet-\S+/g, "").trim();
    el.classList.remove("wm-map-plain");
    var notice = box(el).querySelector("[data-wm-map-notice]");
    if (notice) { notice.classList.add("d-none"); }
    var regionsEl = el.dataset.regions ? document.getElementById(el.dataset.regions) : null;
    var regions = regionsEl ? JSON.parse(regionsEl.textContent) : [];
    // The zoom range belongs to the map, not to its tile layer: the fallback removes the tiles,
    // and layers that need a finite range (Leaflet.markercluster throws "Map has no maxZoom
    // specified" without one) still find it.
    var map = L.map(el, { preferCanvas: !!el.dataset.markersUrl, minZoom: MIN_ZOOM, maxZoom: MAX_ZOOM });
    var item = { el: el, map: map, observer: null };
    el._wmMap = map;
    instances.push(item);
    var tiles = L.tileLayer(el.dataset.tileUrl, { maxZoom: MAX_ZOOM, attribution: el.dataset.attribution });
    var loaded = 0, failed = 0, plain = false;
    tiles.on("tileload", function () { loaded += 1; });
    tiles.on("tileerror", function () {
      failed += 1;
      if (!plain && loaded === 0 && failed >= 3) { fallback(); }
    });
    tiles.addTo(map);
    // A tile server that never answers fires no error: give it a few seconds.
    window.setTimeout(function () {
      if (el._wmMap === map && loaded === 0 && !plain) { fallback(); }
    }, 6000);

    function fallback() {
      plain = true;
      map.removeLayer(tiles);
      el.classList.add("wm-map-plain");
      if (notice) { notice.classList.remove("d-none"); }
      regions.forEach(function (r) {
        L.circle([r.lat, r.lon], { radius: 2500, color: "#8a7a5c", weight: 1, fillOpacity: 0.05 })
          .addTo(map)
          .bindTooltip(text(r.name), { permanent: true, direction: "center", className: "wm-region-label" });
      });
    }

    map.on("zoomend moveend", function () { el.dataset.zoom = map.getZoom(); });
    var zoom = parseInt(el.dataset.zoom, 10);
    if (el.dataset.lat && el.dataset.lon) {
      var here = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
      map.setView(here, isNaN(zoom) ? 16 : zoom);
      if (!el.dataset.pickLat) { L.marker(here).addTo(map).bindPopup(text(el.dataset.label)); }
    } else if (regions.length === 1) {
      map.setView([regions[0].lat, regions[0].lon], isNaN(zoom) ? 13 : zoom);
    } else if (regions.length) {
      // Regions whose centres (nearly) coincide would otherwise zoom to street level and hide
      // every mark: a city overview never zooms in further than a district.
      map.fitBounds(L.latLngBounds(regions.map(function (r) { return [r.lat, r.lon]; })).pad(0.1),
                    { maxZoom: 13 });
    } else {
      map.setView([38.914, 121.614], isNaN(zoom) ? 11 : zoom);
    }
    if (el.dataset.markersUrl) { markers(el, map); }
    if (el.dataset.pickLat) { pick(el, map); }
    // A map drawn while its box was hidden or narrower (a folded panel, a turned phone).
    if (window.ResizeObserver) {
      item.observer = new ResizeObserver(function () { if (el._wmMap === map) { map.invalidateSize(); } });
      item.observer.observe(el);
    }
  }

  // Marks fetched for the visible box, redrawn as the user pans and zooms.
  function markers(el, map) {
    var layer = L.layerGroup().addTo(map);
    var truncated = box(el).parentNode.querySelector(".wm-map-truncated");
    var build = popups[el.dataset.popup] || defaultPopup;
    var pending = null;
    function refresh() {
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) {
        return Math.max(-180, Math.min(180, v)).toFixed(6);
      });
      bbox[1] = Math.max(-90, bbox[1]); bbox[3] = Math.min(90, bbox[3]);
      var url = el.dataset.markersUrl + (el.dataset.markersUrl.indexOf("?") >= 0 ? "&" : "?") + "bbox=" + bbox.join(",");
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
              fillColor: f.properties.is_active === false ? "#999" : "#d9412f", fillOpacity: 0.8
            }).bindPopup(build(f.properties)).addTo(layer);
          });
          if (truncated) { truncated.classList.toggle("d-none", !data.truncated); }
        })
        .catch(function () { /* a newer request replaced this one */ });
    }
    map.on("moveend", refresh);
    refresh();
  }

  // Pick mode: a pin the user drops (tap) or drags fills two inputs with WGS-84 and tells the
  // page through a `wm:map-pick` event {lat, lon}; typing in the inputs moves the pin.
  function pick(el, map) {
    var latIn = document.querySelector(el.dataset.pickLat);
    var lonIn = document.querySelector(el.dataset.pickLon);
    if (!latIn || !lonIn) { return; }
    var pin = null;
    function place(display) {
      if (pin) { pin.setLatLng(display); return; }
      pin = L.marker(display, { draggable: true, autoPan: true }).addTo(map);
      pin.on("dragend", function () { chosen(pin.getLatLng()); });
    }
    function chosen(latlng) {
      var w = toStored(el, latlng.lat, latlng.lng);
      var lat = parseFloat(w[0].toFixed(6)), lon = parseFloat(w[1].toFixed(6));
      latIn.value = lat.toFixed(6);
      lonIn.value = lon.toFixed(6);
      [latIn, lonIn].forEach(function (input) {
        input.dispatchEvent(new Event("input", { bubbles: true }));
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
      el.dispatchEvent(new CustomEvent("wm:map-pick", { bubbles: true, detail: { lat: lat, lon: lon } }));
    }
    function fromInputs() {
      if (el._wmMap !== map) { return false; }
      var lat = parseFloat(latIn.value), lon = parseFloat(lonIn.value);
      if (isNaN(lat) || isNaN(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) { return false; }
      place(toDisplay(el, lat, lon));
      return true;
    }
    map.on("click", function (event) { place(event.latlng); chosen(event.latlng); });
    latIn.addEventListener("change", fromInputs);
    lonIn.addEventListener("change", fromInputs);
    if (fromInputs()) { map.setView(pin.getLatLng(), Math.max(map.getZoom(), 16)); }
    el._wmPick = function (lat, lon) {  // WGS-84, from the phone's position
      var display = toDisplay(el, lat, lon);
      place(display);
      map.setView(display, Math.max(map.getZoom(), 17));
      chosen(L.latLng(display[0], display[1]));
    };
    locate(el);
  }

  // "Use my position": the phone's GPS (WGS-84) drops the pin. Hidden without geolocation.
  function locate(el) {
    var holder = box(el).querySelector("[data-wm-map-locate-box]");
    var button = holder && holder.querySelector("[data-wm-map-locate]");
    if (!button || !navigator.geolocation) { return; }
    var status = holder.querySelector("[data-wm-map-locate-status]");
    holder.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      if (status) { status.textContent = "…"; }
      navigator.geolocation.getCurrentPosition(function (position) {
        button.disabled = false;
        if (status) { status.textContent = "± " + Math.round(position.coords.accuracy) + " m"; }
        if (el._wmPick) { el._wmPick(position.coords.latitude, position.coords.longitude); }
      }, function () {
        button.disabled = false;
        if (status) { status.textContent = button.dataset.failed || ""; }
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  function init(root) {
    sweep();
    if (typeof L === "undefined") { return; }
    root = root && root.querySelectorAll ? root : document;
    var found = Array.prototype.slice.call(root.querySelectorAll("[data-wm-map]"));
    if (root.matches && root.matches("[data-wm-map]")) { found.unshift(root); }
    found.forEach(function (el) { if (!el._wmMap && el.isConnected) { setup(el); } });
  }

  window.WenmingMap = {
    init: init,
    /** The Leaflet map drawn on `el` (a [data-wm-map] element), or null. */
    get: function (el) { return (el && el._wmMap) || null; },
    /** Register a popup builder for maps marked data-popup="name": props → DOM node. */
    popup: function (name, build) { popups[name] = build; },
    /** In pick mode, put the pin at a WGS-84 place and fill the inputs. */
    pick: function (el, lat, lon) { if (el && el._wmPick) { el._wmPick(lat, lon); } },
    toDisplay: wgsToGcj,
    toWgs84: gcjToWgs,
    count: function () { sweep(); return instances.length; }
  };

  // Page scripts after this one (popup builders) register before the first drawing.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  // After htmx has settled the swapped content (its attributes final), draw what is new.
  document.addEventListener("htmx:afterSettle", function () { init(document); });
  document.addEventListener("htmx:historyRestore", function () { init(document); });
})();
