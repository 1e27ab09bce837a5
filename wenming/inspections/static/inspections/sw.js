// The inspections service worker (served from /inspections/sw.js, scope /inspections/): the
// visit pages and "my visits" are fetched from the network when there is one and kept; without
// a connection the kept copy answers. Static files (hashed names in production) answer from
// the cache at once and are refreshed behind. Writes (POST) and the API are never touched:
// the visit page's script keeps unsent answers and photos in IndexedDB and resends them itself.
"use strict";
var CACHE = "wenming-visits-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) {
        return n.indexOf("wenming-visits-") === 0 && n !== CACHE;
      }).map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function keep(request, response) {
  // Only a page or file answered as itself (not a redirect to the sign-in page).
  if (response && response.ok && !response.redirected && response.type === "basic") {
    var copy = response.clone();
    caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
  }
  return response;
}

function networkFirst(request) {
  return fetch(request).then(function (response) { return keep(request, response); })
    .catch(function () {
      return caches.match(request, { ignoreVary: true, ignoreSearch: false }).then(function (hit) {
        return hit || Response.error();
      });
    });
}

function cacheFirst(request) {
  return caches.match(request, { ignoreVary: true }).then(function (hit) {
    var fresh = fetch(request).then(function (response) { return keep(request, response); });
    if (hit) { fresh.catch(function () { /* offline: the kept copy stands */ }); return hit; }
    return fresh;
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(cacheFirst(request));
  } else if (/^\/inspections\/visits\/(\d+\/)?$/.test(url.pathname)) {
    event.respondWith(networkFirst(request));
  }
});
