// "Already reported nearby" on the report form: when the category and the pin are both chosen,
// ask the server for open problems of that category near the pin (public details only) and show
// them under the map, so a citizen can follow an existing report instead of sending it again.
(function () {
  "use strict";
  var box = document.querySelector("[data-wm-nearby]");
  if (!box) { return; }
  var form = box.closest("form");
  var category = form.querySelector("[name=category]");
  var lat = form.querySelector("[name=lat]");
  var lon = form.querySelector("[name=lon]");
  var pending = null;
  var timer = null;

  function refresh() {
    if (!category.value || !lat.value || !lon.value) { box.innerHTML = ""; return; }
    var url = box.dataset.wmNearby + "?" + new URLSearchParams({
      category: category.value, lat: lat.value, lon: lon.value
    }).toString();
    if (pending) { pending.abort(); }
    pending = new AbortController();
    fetch(url, { credentials: "same-origin", signal: pending.signal })
      .then(function (r) { return r.ok ? r.text() : ""; })
      // The fragment is our own server's template output (escaped by Django).
      .then(function (html) { box.innerHTML = html; })
      .catch(function () { /* replaced by a newer request, or offline: the form still works */ });
  }

  function later() { clearTimeout(timer); timer = setTimeout(refresh, 250); }

  category.addEventListener("change", refresh);
  lat.addEventListener("input", later);
  lon.addEventListener("input", later);
  form.addEventListener("wm:map-pick", later);
  refresh();
})();
