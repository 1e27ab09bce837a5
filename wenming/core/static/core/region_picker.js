// The region picker: a <select data-wm-region-picker data-search-url> (every region in the
// user's scope, which is what a page without JavaScript shows) becomes a search box. Typing
// asks the server (org/places.py region_search: scoped, every word matched against the code,
// the names and the path) and lists regions with their paths, "中山区 › 桃源街道 › 胜利社区", so
// the 35 communities named 胜利社区 read apart. Choosing one sets the select, which is what the
// form sends; setting the select from elsewhere (a pin's suggestion) updates the box.
(function () {
  "use strict";
  var counter = 0;

  function optionLabel(select) {
    var option = select.options[select.selectedIndex];
    return option && option.value ? option.textContent.trim() : "";
  }

  function enhance(select) {
    if (select._wmPicker) { return; }
    counter += 1;
    var id = select.id || ("wm-rp-" + counter);
    var wrap = document.createElement("div");
    wrap.className = "wm-rp";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id + "_search";
    input.className = "form-control";
    input.autocomplete = "off";
    input.placeholder = select.dataset.placeholder || "";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("data-testid", "region-search");
    var list = document.createElement("ul");
    list.className = "wm-rp-list";
    list.id = id + "_list";
    list.hidden = true;
    list.setAttribute("role", "listbox");
    list.setAttribute("data-testid", "region-results");
    input.setAttribute("aria-controls", list.id);
    wrap.appendChild(input);
    wrap.appendChild(list);
    select.parentNode.insertBefore(wrap, select.nextSibling);
    select.classList.add("d-none");
    select.setAttribute("tabindex", "-1");
    select.setAttribute("aria-hidden", "true");
    var label = document.querySelector('label[for="' + select.id + '"]');
    if (label) { label.htmlFor = input.id; }
    input.value = optionLabel(select);

    var results = [], active = -1, timer = null, pending = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) { return; }
      active = (index + items.length) % items.length;
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }
    function choose(region) {
      var value = String(region.id);
      var option = Array.prototype.find.call(select.options, function (o) { return o.value === value; });
      if (!option) {  // in scope (the server said so) but not among the page's options
        option = new Option(region.path, value);
        select.add(option);
      }
      select.value = value;
      input.value = region.path;
      close();
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function render() {
      list.innerHTML = "";
      if (!results.length) {
        var none = document.createElement("li");
        none.className = "wm-rp-empty";
        none.textContent = select.dataset.empty || "";
        list.appendChild(none);
      }
      results.forEach(function (region, i) {
        var item = document.createElement("li");
        item.id = list.id + "_" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.dataset.code = region.code;
        var name = document.createElement("strong");
        name.textContent = region.name;
        var path = document.createElement("span");
        path.className = "wm-rp-path";
        path.textContent = region.path;
        item.appendChild(name);
        item.appendChild(path);
        // mousedown, not click: it comes before the input's blur closes the list.
        item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(region); });
        list.appendChild(item);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }
    function search() {
      var q = input.value.trim();
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(select.dataset.searchUrl + "?q=" + encodeURIComponent(q), {
        credentials: "same-origin", signal: pending.signal, headers: { Accept: "application/json" }
      })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { results = data.results || []; render(); })
        .catch(function () { /* replaced by a newer search */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 150);
    });
    input.addEventListener("focus", function () { if (!input.value || input.value === optionLabel(select)) { search(); } });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); if (list.hidden) { search(); } else { highlight(active + 1); } }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter" && !list.hidden) {
        event.preventDefault();  // choosing, not sending the form
        if (active >= 0 && results[active]) { choose(results[active]); }
        else if (results.length === 1) { choose(results[0]); }
      } else if (event.key === "Escape") { close(); input.value = optionLabel(select); }
    });
    input.addEventListener("blur", function () {
      close();
      if (!input.value.trim()) { select.value = ""; select.dispatchEvent(new Event("change", { bubbles: true })); }
      else { input.value = optionLabel(select); }
    });
    select.addEventListener("change", function () { input.value = optionLabel(select); });
    select._wmPicker = input;
  }

  function init(root) {
    (root || document).querySelectorAll("select[data-wm-region-picker]").forEach(enhance);
  }
  window.WenmingRegionPicker = { init: init };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  document.addEventListener("htmx:afterSettle", function () { init(document); });
})();
