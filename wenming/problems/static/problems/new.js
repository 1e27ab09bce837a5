// The report form. Four jobs, each optional (without JavaScript the form posts as a page):
// - the 12345 ticket field shows only for the sources that have one;
// - a pin (core/map.js pick mode) or typed coordinates ask the server what lies there: the
//   region it suggests (shown for the reporter to confirm; filled in when none is chosen yet),
//   open problems already reported nearby, or that the place is outside the city;
// - chosen photos are previewed;
// - the form is sent with fetch, so a refusal swaps in only the error boxes ([data-wm-errors],
//   by id) and everything entered stays, chosen photos included.
(function () {
  "use strict";
  var form = document.getElementById("wm-report-form");
  if (!form) { return; }
  var latIn = form.querySelector("#id_lat");
  var lonIn = form.querySelector("#id_lon");
  var regionSelect = form.querySelector("#id_region");
  var categorySelect = form.querySelector("#id_category");
  // The server checks every field and its answer names each one in the summary (the region's
  // select is hidden behind its picker, where the browser's own check could not point).
  form.noValidate = true;

  // --- the ticket field ---
  var source = form.querySelector("#id_source");
  var ticketBox = form.querySelector("[data-wm-ticket-sources]");
  function showTicket() {
    if (!source || !ticketBox) { return; }
    var shown = ticketBox.dataset.wmTicketSources.split(" ").indexOf(source.value) >= 0;
    ticketBox.hidden = !shown;
    ticketBox.querySelectorAll("input").forEach(function (input) { input.disabled = !shown; });
  }
  if (source) { source.addEventListener("change", showTicket); }
  showTicket();

  // --- what lies at the pin ---
  var suggestionBox = document.getElementById("wm-region-suggestion");
  var nearbyBox = document.getElementById("wm-nearby");
  var whereMessage = document.getElementById("wm-where-message");
  var suggested = null, pending = null, timer = null;

  // Shown whenever the pin suggests a region (filled in or not), so the reporter confirms it;
  // "use this region" only while another one is chosen.
  function showSuggestion() {
    if (!suggestionBox) { return; }
    suggestionBox.hidden = !suggested;
    if (!suggested) { return; }
    suggestionBox.querySelector("[data-wm-suggested-path]").textContent = suggested.path;
    suggestionBox.querySelector("[data-wm-suggested-note]").textContent = "(" + suggested.note + ")";
    var use = suggestionBox.querySelector("[data-wm-use-suggestion]");
    use.hidden = !regionSelect || regionSelect.value === String(suggested.id);
  }
  function chooseRegion(region) {
    if (!regionSelect) { return; }
    var value = String(region.id);
    var known = Array.prototype.some.call(regionSelect.options, function (o) { return o.value === value; });
    if (!known) { regionSelect.add(new Option(region.path, value)); }
    regionSelect.value = value;
    regionSelect.dispatchEvent(new Event("change", { bubbles: true }));
  }
  function showNearby(items) {
    if (!nearbyBox) { return; }
    var list = nearbyBox.querySelector("[data-wm-nearby-list]");
    list.innerHTML = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "py-1";
      var link = document.createElement("a");
      link.href = item.url;
      link.target = "_blank";  // the form stays as it is
      link.rel = "noopener";
      link.textContent = item.code + " " + item.title;
      var facts = document.createElement("span");
      facts.className = "wm-muted ms-1";
      facts.textContent = "· " + [item.category, item.status_label, item.distance_m + " m"].join(" · ");
      li.appendChild(link);
      li.appendChild(facts);
      list.appendChild(li);
    });
    nearbyBox.hidden = !items.length;
  }
  function ask() {
    var lat = parseFloat(latIn.value), lon = parseFloat(lonIn.value);
    if (isNaN(lat) || isNaN(lon)) { return; }
    var url = form.dataset.whereUrl + "?lat=" + lat + "&lon=" + lon +
      (categorySelect && categorySelect.value ? "&category=" + encodeURIComponent(categorySelect.value) : "");
    if (pending) { pending.abort(); }
    pending = new AbortController();
    fetch(url, { credentials: "same-origin", signal: pending.signal, headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        whereMessage.textContent = data.message || "";
        suggested = data.region || null;
        if (suggested && regionSelect && !regionSelect.value) { chooseRegion(suggested); }
        showSuggestion();
        showNearby(data.nearby || []);
      })
      .catch(function () { /* replaced by a newer question, or offline: nothing to show */ });
  }
  function askSoon() { window.clearTimeout(timer); timer = window.setTimeout(ask, 250); }
  if (latIn && lonIn && form.dataset.whereUrl) {
    form.addEventListener("wm:map-pick", ask);
    latIn.addEventListener("change", askSoon);
    lonIn.addEventListener("change", askSoon);
    if (categorySelect) { categorySelect.addEventListener("change", askSoon); }
    if (regionSelect) { regionSelect.addEventListener("change", showSuggestion); }
    var use = suggestionBox && suggestionBox.querySelector("[data-wm-use-suggestion]");
    if (use) { use.addEventListener("click", function () { if (suggested) { chooseRegion(suggested); } }); }
    if (latIn.value && lonIn.value) { ask(); }
  }

  // --- photo previews ---
  var photos = form.querySelector("#id_photos");
  var previews = document.getElementById("wm-photo-previews");
  var urls = [];
  function preview() {
    if (!photos || !previews) { return; }
    urls.forEach(function (u) { URL.revokeObjectURL(u); });
    urls = [];
    previews.innerHTML = "";
    Array.prototype.forEach.call(photos.files || [], function (file) {
      var li = document.createElement("li");
      li.className = "wm-photo-preview";
      li.setAttribute("data-testid", "photo-preview");
      if (/^image\//.test(file.type)) {
        var img = document.createElement("img");
        var url = URL.createObjectURL(file);
        urls.push(url);
        img.src = url;
        img.alt = file.name;
        li.appendChild(img);
      }
      var name = document.createElement("span");
      name.className = "small d-block text-truncate";
      name.textContent = file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " KB)";
      li.appendChild(name);
      previews.appendChild(li);
    });
  }
  if (photos) { photos.addEventListener("change", preview); }

  // --- sending: a refusal swaps the error boxes only ---
  var status = document.getElementById("wm-report-status");
  var submit = form.querySelector("[type=submit]");
  function swapErrors(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    form.querySelectorAll("[data-wm-errors]").forEach(function (box) {
      var fresh = doc.getElementById(box.id);
      box.innerHTML = fresh ? fresh.innerHTML : "";
      var field = box.closest("[data-wm-field]");
      if (!field) { return; }
      var invalid = !!box.textContent.trim();
      field.classList.toggle("wm-invalid", invalid);
      field.querySelectorAll("input, select, textarea").forEach(function (control) {
        if (invalid) { control.setAttribute("aria-invalid", "true"); } else { control.removeAttribute("aria-invalid"); }
      });
    });
    var summary = document.getElementById("wm-errors-summary");
    if (summary) { summary.focus(); summary.scrollIntoView({ block: "start" }); }
  }
  form.addEventListener("submit", function (event) {
    if (!window.fetch || !window.FormData || !window.DOMParser) { return; }
    event.preventDefault();
    submit.disabled = true;
    status.textContent = "…";
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "HX-Request": "true" }
    })
      .then(function (r) {
        var target = r.headers.get("HX-Redirect");
        if (r.ok && target) { window.location.assign(target); return null; }
        var html = (r.headers.get("Content-Type") || "").indexOf("text/html") === 0;
        if (r.status >= 400 && r.status < 600 && html) {
          return r.text().then(function (text) {
            if (text.indexOf("wm-errors-summary") < 0) { throw new Error("not the form"); }
            swapErrors(text);
            status.textContent = "";
          });
        }
        throw new Error("unexpected answer");
      })
      .catch(function () { status.textContent = form.dataset.failed; })
      .then(function () { submit.disabled = false; });
  });
})();
