// Dashboards: draws every chart from the JSON endpoint's ECharts options (no code travels in the
// JSON), toggles each chart's table view, refreshes the big screen, and adds clusters and a heat
// layer to the map component's map. A static file: the CSP forbids inline scripts.
(function () {
  "use strict";
  var charts = {};

  function draw(el, chart, theme) {
    var instance = charts[chart.id + (theme || "")];
    if (!instance || instance.getDom() !== el) {
      instance = window.echarts.init(el, theme || null, { renderer: "canvas" });
      charts[chart.id + (theme || "")] = instance;
    }
    var option = chart.option;
    if (theme === "dark") {
      // Read across a room: larger axis and legend type on the big screen.
      option = Object.assign({ backgroundColor: "transparent", textStyle: { fontSize: 16 } }, option);
      ["xAxis", "yAxis"].forEach(function (axis) {
        if (option[axis]) {
          option[axis] = Object.assign({}, option[axis], {
            axisLabel: Object.assign({}, option[axis].axisLabel || {}, { fontSize: 15 })
          });
        }
      });
      if (option.legend) { option.legend = Object.assign({}, option.legend, { textStyle: { fontSize: 15 } }); }
    }
    instance.setOption(option, true);
    el.dataset.drawn = "1";
    return instance;
  }

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); });
  }

  // --- The overview: the tables are in the page; the charts come from the endpoint. ---
  function overview(root) {
    fetchJson(root.dataset.url).then(function (data) {
      data.charts.forEach(function (chart) {
        var box = root.querySelector('[data-wm-chart="' + chart.id + '"]');
        var table = root.querySelector('[data-wm-chart-table="' + chart.id + '"]');
        if (!box) { return; }
        box.hidden = false;
        if (table) { table.hidden = true; }
        draw(box, chart);
        var toggle = box.parentNode.querySelector("[data-wm-table-toggle]");
        if (toggle && table) {
          toggle.hidden = false;
          toggle.setAttribute("aria-expanded", "false");
          toggle.addEventListener("click", function () {
            var showTable = table.hidden;
            table.hidden = !showTable;
            box.hidden = showTable;
            toggle.textContent = showTable ? toggle.dataset.hide : toggle.dataset.show;
            toggle.setAttribute("aria-expanded", showTable ? "true" : "false");
            if (!showTable) { charts[chart.id].resize(); }
          });
        }
      });
      root.dataset.ready = "1";
    }).catch(function () { root.dataset.ready = "error"; });
  }

  // --- The big screen: everything from the endpoint, again every `data-refresh` seconds. ---
  function bigscreen(root) {
    var grid = root.querySelector("[data-wm-bs-charts]");
    var error = root.querySelector("[data-wm-bs-error]");
    var asof = root.querySelector("[data-wm-asof]");
    function render(data) {
      Object.keys(data.totals).forEach(function (key) {
        var el = root.querySelector('[data-total="' + key + '"]');
        if (!el) { return; }
        var value = data.totals[key];
        el.textContent = value === null || value === undefined ? "—" : value + (el.dataset.unit || "");
      });
      // Every card first, then the drawing: a chart sized while it was the grid's only card
      // would keep the whole row's width.
      data.charts.forEach(function (chart) {
        var card = grid.querySelector('[data-card="' + chart.id + '"]');
        if (!card) {
          card = document.createElement("div");
          card.className = "wm-bs-card";
          card.dataset.card = chart.id;
          var title = document.createElement("h2");
          var box = document.createElement("div");
          box.className = "wm-chart";
          box.setAttribute("role", "img");
          box.dataset.wmChart = chart.id;
          card.appendChild(title);
          card.appendChild(box);
          grid.appendChild(card);
        }
        card.querySelector("h2").textContent = chart.title;
        card.querySelector(".wm-chart").setAttribute("aria-label", chart.title);
      });
      data.charts.forEach(function (chart) {
        var box = grid.querySelector('[data-card="' + chart.id + '"] .wm-chart');
        draw(box, chart, "dark").resize();
      });
      if (asof) { asof.textContent = new Date().toLocaleTimeString(); }
      error.hidden = true;
      root.dataset.ready = String((parseInt(root.dataset.ready || "0", 10) || 0) + 1);
    }
    function load() {
      fetchJson(root.dataset.url).then(render).catch(function () { error.hidden = false; });
    }
    load();
    var every = Math.max(10, parseInt(root.dataset.refresh, 10) || 60) * 1000;
    window.setInterval(load, every);
  }

  // --- The map: clusters and heat on the map component's Leaflet map. ---
  function mapLayers(controls) {
    var el = document.querySelector("#" + controls.dataset.map + " [data-wm-map]");
    var map = el && window.WenmingMap && window.WenmingMap.get(el);
    if (!map) { window.setTimeout(function () { mapLayers(controls); }, 100); return; }
    fetchJson(controls.dataset.url).then(function (data) {
      var cluster = L.markerClusterGroup({ chunkedLoading: true });
      var points = [];
      data.features.forEach(function (f) {
        var c = f.geometry.coordinates;
        var here = el.dataset.gcj02 ? window.WenmingMap.toDisplay(c[1], c[0]) : [c[1], c[0]];
        points.push([here[0], here[1], 0.6]);
        var link = document.createElement("a");
        link.href = f.properties.url;
        link.textContent = f.properties.name + " · " + f.properties.status;
        cluster.addLayer(L.marker(here).bindPopup(link));
      });
      var heat = L.heatLayer(points, { radius: 22, blur: 18, maxZoom: 15 });
      var layers = { clusters: cluster, heat: heat };
      Object.keys(layers).forEach(function (name) {
        var box = controls.querySelector('[data-layer="' + name + '"]');
        if (!box || box.checked) { layers[name].addTo(map); }
        if (box) {
          box.addEventListener("change", function () {
            if (box.checked) { layers[name].addTo(map); } else { map.removeLayer(layers[name]); }
          });
        }
      });
      if (points.length) { map.fitBounds(L.latLngBounds(points.map(function (p) { return [p[0], p[1]]; })).pad(0.1), { maxZoom: 15 }); }
      var count = controls.querySelector("[data-wm-map-count]");
      if (count) { count.textContent = count.dataset.template.replace("{n}", String(points.length)); }
      var more = controls.querySelector("[data-wm-map-more]");
      if (more) { more.classList.toggle("d-none", !data.truncated); }
      controls.dataset.ready = "1";
    });
  }

  function init() {
    document.querySelectorAll("[data-wm-dashboard]").forEach(overview);
    document.querySelectorAll("[data-wm-bigscreen]").forEach(bigscreen);
    document.querySelectorAll("[data-wm-map-layers]").forEach(mapLayers);
    window.addEventListener("resize", function () {
      Object.keys(charts).forEach(function (k) { charts[k].resize(); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
