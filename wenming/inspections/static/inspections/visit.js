// The visit on a phone, with or without a connection.
//
// Every answer and photo is first written to IndexedDB (database "wenming-inspections"), each
// with a fresh client id (crypto.randomUUID), then sent; what could not be sent stays there,
// survives a reload, and is sent when the connection returns (the "online" event, the next
// change, or Submit). The server treats a resend with the same client id as a no-op, so a send
// whose answer was lost on the way is simply repeated. The service worker (sw.js, registered
// by offline.js) keeps this page and its files so that it opens offline.
(function () {
  "use strict";
  var root = document.querySelector("[data-wm-visit]");
  if (!root) { return; }
  if (window.WenmingOffline) { window.WenmingOffline.register(root); }
  var visitId = parseInt(root.dataset.wmVisit, 10);
  var editable = root.dataset.editable === "1";
  var csrf = document.body.dataset.csrf;
  var statusBox = root.querySelector("[data-sync-status]");
  function msg(name) { return root.dataset["msg" + name] || ""; }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  // --- IndexedDB: answers keyed [visit, item], photos keyed by their client id -------------
  var opened = null;
  function db() {
    if (!opened) {
      opened = new Promise(function (resolve, reject) {
        var req = indexedDB.open("wenming-inspections", 1);
        req.onupgradeneeded = function () {
          var d = req.result;
          d.createObjectStore("answers", { keyPath: ["visit", "item"] }).createIndex("visit", "visit");
          d.createObjectStore("photos", { keyPath: "client_id" }).createIndex("visit", "visit");
        };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return opened;
  }
  function run(store, mode, work) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction(store, mode);
        var req = work(t.objectStore(store));
        t.oncomplete = function () { resolve(req ? req.result : undefined); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
      });
    });
  }
  function all(store) { return run(store, "readonly", function (s) { return s.index("visit").getAll(visitId); }); }
  function put(store, record) { return run(store, "readwrite", function (s) { return s.put(record); }); }
  function remove(store, key) { return run(store, "readwrite", function (s) { return s.delete(key); }); }

  // --- The form -----------------------------------------------------------------------------
  function fieldset(code) { return root.querySelector('[data-item="' + CSS.escape(code) + '"]'); }
  function read(fs) {
    var code = fs.dataset.item;
    var checked = fs.querySelector('input[type=radio]:checked');
    function num(prefix) {
      var input = fs.querySelector('[name="' + prefix + "-" + code + '"]');
      return input && input.value !== "" ? parseInt(input.value, 10) : null;
    }
    var note = fs.querySelector("textarea");
    return {
      visit: visitId, item: code, answer: checked ? checked.value : "",
      note: note ? note.value : "", places_observed: num("observed"), places_failed: num("failed")
    };
  }
  function apply(record) {
    var fs = fieldset(record.item);
    if (!fs) { return; }
    if (record.answer) {
      var radio = fs.querySelector('input[type=radio][value="' + record.answer + '"]');
      if (radio) { radio.checked = true; }
    }
    var note = fs.querySelector("textarea");
    if (note) { note.value = record.note || ""; }
    [["observed", record.places_observed], ["failed", record.places_failed]].forEach(function (pair) {
      var input = fs.querySelector('[name="' + pair[0] + "-" + record.item + '"]');
      if (input) { input.value = pair[1] == null ? "" : String(pair[1]); }
    });
  }
  // The item's state is also its data-state (kept, sending, sent, refused, unanswered).
  var STATES = { Kept: "kept", Sending: "sending", Sent: "sent", Unanswered: "unanswered" };
  function itemStatus(code, text, bad) {
    var fs = fieldset(code);
    var out = fs && fs.querySelector("[data-item-status]");
    if (!out) { return; }
    var state = bad ? "refused" : "";
    Object.keys(STATES).forEach(function (k) { if (!bad && msg(k) === text) { state = STATES[k]; } });
    fs.dataset.state = state;
    out.textContent = text;
    out.classList.toggle("text-danger", !!bad);
    out.classList.toggle("text-secondary", !bad);
    fs.classList.toggle("border-danger", !!bad);
  }
  function overall(text, tone) {
    if (!statusBox) { return; }
    statusBox.textContent = text;
    statusBox.className = "alert py-1 px-2 small mb-2 alert-" + (tone || "secondary");
  }

  // --- Photos: a preview from the kept blob, its state, a remove button while unsent ---------
  var urls = {};
  function preview(record) {
    var fs = fieldset(record.item);
    if (!fs) { return; }
    var box = fs.querySelector("[data-photo-previews]");
    var thumb = box.querySelector('[data-photo="' + record.client_id + '"]');
    if (!thumb) {
      thumb = document.createElement("figure");
      thumb.className = "wm-thumb m-0";
      thumb.dataset.photo = record.client_id;
      thumb.dataset.testid = "photo-thumb";
      var img = document.createElement("img");
      urls[record.client_id] = URL.createObjectURL(record.blob);
      img.src = urls[record.client_id];
      img.alt = record.name || "";
      thumb.appendChild(img);
      var caption = document.createElement("figcaption");
      caption.className = "small";
      thumb.appendChild(caption);
      box.appendChild(thumb);
    }
    thumb.dataset.sent = record.sent ? "1" : "";
    var cap = thumb.querySelector("figcaption");
    cap.textContent = record.error ? record.error : (record.sent ? msg("PhotoSent") : msg("PhotoKept"));
    cap.classList.toggle("text-danger", !!record.error);
    var button = thumb.querySelector("button");
    if (!record.sent && !button) {
      button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm btn-outline-secondary";
      button.textContent = msg("Remove");
      button.addEventListener("click", function () {
        remove("photos", record.client_id).then(function () {
          URL.revokeObjectURL(urls[record.client_id]);
          thumb.remove();
          refreshOverall();
        });
      });
      thumb.appendChild(button);
    } else if (record.sent && button) {
      button.remove();
    }
  }

  // --- Sending --------------------------------------------------------------------------------
  function Offline() { this.offline = true; }
  function send(url, body, type) {
    var headers = { "X-CSRFToken": csrf, "Accept": "application/json" };
    if (type) { headers["Content-Type"] = type; }
    return fetch(url, { method: "POST", body: body, headers: headers, credentials: "same-origin" })
      .catch(function () { throw new Offline(); })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return { ok: response.ok, status: response.status, data: data };
        });
      });
  }

  function sendAnswers() {
    return all("answers").then(function (rows) {
      var pending = rows.filter(function (r) { return !r.sent && r.answer; });
      if (!pending.length) { return; }
      pending.forEach(function (r) { itemStatus(r.item, msg("Sending")); });
      var body = JSON.stringify({ answers: pending.map(function (r) {
        return { item: r.item, answer: r.answer, note: r.note, places_observed: r.places_observed,
                 places_failed: r.places_failed, client_id: r.client_id };
      }) });
      return send(root.dataset.answersUrl, body, "application/json").catch(function (error) {
        pending.forEach(function (r) { itemStatus(r.item, msg("Kept")); });  // offline: kept
        throw error;
      }).then(function (res) {
        if (!res.ok) {
          var code = (res.data.message || "").split(":")[0];
          pending.forEach(function (r) { itemStatus(r.item, msg("Kept")); });
          if (fieldset(code)) { itemStatus(code, res.data.message, true); }
          overall(res.data.message || String(res.status), "danger");
          throw new Error("refused");
        }
        // Marked sent only if nothing newer was written for the item in the meantime.
        return Promise.all(pending.map(function (r) {
          return run("answers", "readwrite", function (s) {
            var get = s.get([visitId, r.item]);
            get.onsuccess = function () {
              var now = get.result;
              if (now && now.client_id === r.client_id) { now.sent = true; s.put(now); }
            };
            return get;
          }).then(function () { itemStatus(r.item, msg("Sent")); });
        }));
      });
    });
  }

  function sendPhotos() {
    return all("photos").then(function (rows) {
      var pending = rows.filter(function (r) { return !r.sent && !r.error; });
      return pending.reduce(function (chain, r) {
        return chain.then(function () {
          var form = new FormData();
          form.append("item", r.item);
          form.append("client_id", r.client_id);
          form.append("file", r.blob, r.name || "photo.jpg");
          return send(root.dataset.photosUrl, form).then(function (res) {
            if (res.ok) { r.sent = true; } else { r.error = res.data.message || String(res.status); }
            return put("photos", r).then(function () { preview(r); });
          });
        });
      }, Promise.resolve());
    });
  }

  var running = null, again = false;
  function sync() {
    if (!editable) { return Promise.resolve(); }
    if (running) { again = true; return running; }
    running = sendAnswers().then(sendPhotos).then(function () {
      return refreshOverall();
    }, function (error) {
      if (error instanceof Offline) { return refreshOverall(true); }
      return null;  // a refusal: its message stays shown
    }).then(function () {
      running = null;
      if (again) { again = false; return sync(); }
      return null;
    });
    return running;
  }

  function pendingCount() {
    return Promise.all([all("answers"), all("photos")]).then(function (lists) {
      return lists[0].filter(function (r) { return !r.sent && r.answer; }).length +
        lists[1].filter(function (r) { return !r.sent && !r.error; }).length;
    });
  }
  function refreshOverall(offline) {
    return pendingCount().then(function (n) {
      root.dataset.pending = String(n);
      if (n) {
        overall(offline ? msg("Offline") + " " + msg("Pending").replace("{n}", n)
                        : msg("Pending").replace("{n}", n), "warning");
      } else {
        overall(msg("AllSent"), "success");
      }
    });
  }

  // --- Wiring ---------------------------------------------------------------------------------
  function changed(fs) {
    var record = read(fs);
    record.client_id = uuid();
    record.sent = false;
    return put("answers", record).then(function () {
      itemStatus(record.item, record.answer ? msg("Kept") : msg("Unanswered"));
      return sync();
    });
  }

  var timers = {};
  function setUp() {
    var form = root.querySelector("[data-checklist]");
    if (form) {
      form.addEventListener("submit", function (event) { event.preventDefault(); sync(); });
      root.querySelectorAll("[data-item]").forEach(function (fs) {
        fs.addEventListener("change", function (event) {
          if (event.target.matches("[data-photo-input]")) { return; }
          changed(fs);
        });
        fs.addEventListener("input", function (event) {
          if (!event.target.matches("textarea, input[type=number]")) { return; }
          window.clearTimeout(timers[fs.dataset.item]);
          timers[fs.dataset.item] = window.setTimeout(function () { changed(fs); }, 500);
        });
      });
      root.querySelectorAll("[data-photo-input]").forEach(function (input) {
        input.addEventListener("change", function () {
          var code = input.closest("[data-item]").dataset.item;
          var files = Array.prototype.slice.call(input.files || []);
          input.value = "";  // kept in IndexedDB now; the form itself never sends it
          files.reduce(function (chain, file) {
            var record = { visit: visitId, item: code, client_id: uuid(), blob: file,
                           name: file.name, sent: false, error: "" };
            return chain.then(function () { return put("photos", record); })
              .then(function () { preview(record); });
          }, Promise.resolve()).then(sync);
        });
      });
    }
    var submitForm = root.querySelector("[data-submit-form]");
    if (submitForm) { submitForm.addEventListener("submit", submit); }
    window.addEventListener("online", function () { sync(); });
    window.addEventListener("offline", function () { refreshOverall(true); });
  }

  function submit(event) {
    event.preventDefault();
    var form = event.target;
    var out = form.querySelector("[data-submit-error]");
    var button = form.querySelector("button[type=submit]");
    function refuse(text) {
      out.textContent = text;
      out.classList.remove("d-none");
      button.disabled = false;
    }
    out.classList.add("d-none");
    button.disabled = true;
    if (running) { again = true; }
    (running || Promise.resolve()).then(sync).then(pendingCount).then(function (n) {
      if (n) { throw new Offline(); }
      return send(root.dataset.submitUrl, new FormData(form));
    }).then(function (res) {
      if (!res.ok) {
        var details = res.data.details || {};
        (details.unanswered || []).forEach(function (code) { itemStatus(code, msg("Unanswered"), true); });
        if (details.item) { itemStatus(details.item, res.data.message, true); }
        refuse(res.data.message || String(res.status));
        return;
      }
      return clearVisit().then(function () { location.reload(); });
    }).catch(function (error) {
      refuse(error instanceof Offline ? msg("SubmitOffline") : String(error));
    });
  }

  function clearVisit() {
    return Promise.all([all("answers"), all("photos")]).then(function (lists) {
      return Promise.all(lists[0].map(function (r) { return remove("answers", [r.visit, r.item]); })
        .concat(lists[1].map(function (r) { return remove("photos", r.client_id); })));
    });
  }

  function restore() {
    if (root.dataset.done === "1") { return clearVisit(); }  // the server has it all now
    if (!editable) { return Promise.resolve(); }
    return all("answers").then(function (rows) {
      rows.forEach(function (r) {
        apply(r);
        if (!r.sent) { itemStatus(r.item, r.answer ? msg("Kept") : msg("Unanswered")); }
      });
      return all("photos");
    }).then(function (photos) {
      photos.forEach(preview);
      return sync();
    });
  }

  // Start: the browser's position goes with the time (none when it has none: still started).
  var start = root.querySelector("[data-start-form]");
  if (start) {
    start.addEventListener("submit", function (event) {
      if (!navigator.geolocation || start.dataset.located) { return; }
      event.preventDefault();
      start.querySelector("button").disabled = true;
      function go() { start.dataset.located = "1"; HTMLFormElement.prototype.submit.call(start); }
      navigator.geolocation.getCurrentPosition(function (position) {
        start.elements.lat.value = position.coords.latitude.toFixed(6);
        start.elements.lon.value = position.coords.longitude.toFixed(6);
        go();
      }, go, { enableHighAccuracy: true, timeout: 10000, maximumAge: 30000 });
    });
  }

  if (!window.indexedDB) { return; }  // the form posts as it is, without the offline keeping
  setUp();
  restore().then(function () { root.dataset.ready = "1"; }, function () { root.dataset.ready = "1"; });
})();
