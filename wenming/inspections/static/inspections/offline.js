// Shared by the inspections pages: register the service worker and put this page and the
// files it loaded into the worker's cache, so that it opens without a connection next time.
// (The files this first load fetched went to the network before the worker existed.)
(function () {
  "use strict";
  var CACHE = "wenming-visits-v1";  // the same name as in sw.js
  window.WenmingOffline = {
    cacheName: CACHE,
    register: function (root) {
      if (!root || !root.dataset.sw || !("serviceWorker" in navigator)) { return Promise.resolve(false); }
      return navigator.serviceWorker.register(root.dataset.sw, { scope: root.dataset.swScope })
        .then(function () {
          if (!window.caches) { return false; }
          var urls = [location.pathname];
          document.querySelectorAll("script[src], link[rel=stylesheet][href], link[rel=manifest][href]")
            .forEach(function (el) {
              var url = new URL(el.src || el.href, location.href);
              if (url.origin === location.origin) { urls.push(url.pathname + url.search); }
            });
          return caches.open(CACHE).then(function (cache) {
            return Promise.all(urls.map(function (url) {
              return cache.match(url, { ignoreVary: true }).then(function (hit) {
                if (hit && url !== location.pathname) { return null; }
                return fetch(url, { credentials: "same-origin" }).then(function (response) {
                  if (response.ok && !response.redirected) { return cache.put(url, response); }
                  return null;
                });
              }).catch(function () { return null; });
            }));
          }).then(function () { document.documentElement.dataset.offlineReady = "1"; return true; });
        })
        .catch(function () { return false; });
    }
  };
})();
