// "My visits": the distance from here to each visit (the browser's position, computed here,
// never sent), the cards ordered by it when known (open visits still first), and the map
// fitted to the visits.
(function () {
  "use strict";
  var root = document.querySelector("[data-wm-visits]");
  if (!root) { return; }
  if (window.WenmingOffline) { window.WenmingOffline.register(root); }
  var list = root.querySelector("[data-visit-cards]");
  var cards = list ? Array.prototype.slice.call(list.querySelectorAll("[data-visit-card]")) : [];

  function metres(lat1, lon1, lat2, lon2) {
    var r = 6371008.8, rad = Math.PI / 180;
    var dLat = (lat2 - lat1) * rad, dLon = (lon2 - lon1) * rad;
    var a = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 2 * r * Math.asin(Math.min(1, Math.sqrt(a)));
  }
  function open(card) { return card.dataset.open === "1" ? 1 : 0; }
  function label(m) {
    if (m < 1000) { return (root.dataset.msgM || "{n} m").replace("{n}", Math.round(m)); }
    return (root.dataset.msgKm || "{n} km").replace("{n}", (m / 1000).toFixed(1));
  }

  function fitMap() {
    var el = document.querySelector("[data-testid=visits-map]");
    var map = window.WenmingMap && window.WenmingMap.get(el);
    if (!map || !cards.length || typeof L === "undefined") { return; }
    var shift = el.dataset.gcj02 ? window.WenmingMap.toDisplay : function (a, b) { return [a, b]; };
    var bounds = L.latLngBounds(cards.map(function (card) {
      return shift(parseFloat(card.dataset.lat), parseFloat(card.dataset.lon));
    }));
    map.fitBounds(bounds.pad(0.2), { maxZoom: 16 });
  }

  function located(position) {
    var here = position.coords;
    cards.forEach(function (card) {
      var m = metres(here.latitude, here.longitude, parseFloat(card.dataset.lat), parseFloat(card.dataset.lon));
      card.dataset.distance = String(m);
      var out = card.querySelector("[data-distance]");
      if (out) { out.textContent = "· " + label(m); }
    });
    // Open visits (the server's data-open) stay before the finished ones, as the server sent
    // them; each group nearest first (ties keep the server's order).
    cards.slice().sort(function (a, b) {
      return (open(b) - open(a)) ||
        (parseFloat(a.dataset.distance) - parseFloat(b.dataset.distance)) ||
        (parseInt(a.dataset.order, 10) - parseInt(b.dataset.order, 10));
    }).forEach(function (card) { list.appendChild(card); });
    var note = root.querySelector("[data-distance-note]");
    if (note) { note.hidden = true; }
    root.dataset.sorted = "1";
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fitMap);
  } else {
    fitMap();
  }
  if (cards.length && navigator.geolocation) {
    navigator.geolocation.getCurrentPosition(located, function () { /* no position: page order */ },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 120000 });
  }
})();
