// The service worker of the cadre's pages (served at /sw.js by offline.views.service_worker, which puts
// self.PINGGU_OFFLINE in front of this file). Pages come from the network when there is signal and from the
// phone when there is not; a form posted while the server cannot be reached is kept as a draft; drafts are sent
// by Background Sync where the browser has it (Chrome, Android WebViews) — elsewhere the pages send them when
// they load and when the browser comes back online (offline.js).
/* global PingguOffline */
"use strict";

var CONFIG = self.PINGGU_OFFLINE;
importScripts(CONFIG.storeScript);
var store = self.PingguOffline;
var NAVIGATION_TIMEOUT_MS = 8000;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "GET") {
    if (url.pathname.indexOf(CONFIG.staticUrl) === 0) {
      event.respondWith(staticFile(event, request));
    } else if (request.mode === "navigate" && isFieldPage(url)) {
      event.respondWith(page(request, url));
    } else if (url.pathname === CONFIG.householdsUrl) {
      event.respondWith(page(request, url));
    }
    return;
  }
  if (request.method === "POST" && request.mode === "navigate" && isFormPath(url)) {
    event.respondWith(postOrKeep(request, url));
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag === store.SYNC_TAG) {
    event.waitUntil(store.sendAll().then(function (result) {
      if (result.offline) { throw new Error("no signal yet"); } // the browser tries the sync again later
    }));
  }
});

self.addEventListener("message", function (event) {
  if (event.data === "send") { event.waitUntil(store.sendAll()); }
});

function isFieldPage(url) {
  return CONFIG.pagePaths.some(function (path) { return url.pathname.indexOf(path) === 0; });
}

function isFormPath(url) {
  return CONFIG.formPaths.some(function (path) { return url.pathname === path; });
}

// Static files: the cached copy at once, refreshed in the background (they hold no resident's data).
async function staticFile(event, request) {
  var cache;
  try { cache = await store.openCache(store.STATIC_CACHE); } catch (signedOut) { return fetch(request); }
  var cached = await cache.match(request);
  var fresh = fetch(request).then(function (response) {
    if (response.ok) { return cache.put(request, response.clone()).then(function () { return response; }); }
    return response;
  });
  if (cached) {
    event.waitUntil(fresh.catch(function () { return null; }));
    return cached;
  }
  return fresh;
}

function withTimeout(promise, ms) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("timeout")); }, ms);
    promise.then(function (value) { clearTimeout(timer); resolve(value); },
      function (error) { clearTimeout(timer); reject(error); });
  });
}

// A page: from the network (refreshing the copy kept on the phone), else the copy, else "not kept".
async function page(request, url) {
  // The drafts page is one page whatever its query (?saved=1 after keeping a form).
  var key = url.pathname === CONFIG.draftsUrl ? url.origin + url.pathname : url.href;
  // After sign-out the store refuses to open anything: such a page simply comes from the network.
  var cached = await nothingIfSignedOut(store.matchPage(key));
  try {
    var network = fetch(request);
    var response = await (cached ? withTimeout(network, NAVIGATION_TIMEOUT_MS) : network);
    // A page that showed a one-time message ("已保存…") says no-store: the copy kept before it stays.
    var keep = response.ok && response.type === "basic" && !/no-store/.test(response.headers.get("Cache-Control") || "");
    if (cached && keep) {
      var user = await nothingIfSignedOut(store.getMeta("user"));
      if (user) { await nothingIfSignedOut(store.putPage(store.pageCacheName(user), key, response.clone())); }
    }
    return response;
  } catch (error) {
    if (cached) { return cached; }
    var shell = await nothingIfSignedOut(store.visitShell(url.href));
    if (shell) { return shell; }
    var unavailable = await nothingIfSignedOut(store.matchPage(new URL(CONFIG.unavailableUrl, self.location.href).href));
    return unavailable || new Response("", { status: 503 });
  }
}

function nothingIfSignedOut(promise) {
  return promise.catch(function () { return null; });
}

// A form posted while the server cannot be reached is kept on the phone, and the drafts page says so.
async function postOrKeep(request, url) {
  var copy = request.clone();
  try {
    return await fetch(request);
  } catch (error) {
    var user = await store.getMeta("user");
    if (!user) { throw error; }
    var config = (await store.getMeta("config")) || {};
    var form = await copy.formData();
    var draft;
    try {
      draft = await store.draftFromFormData(form, {
        owner: user, kind: url.pathname === CONFIG.formPaths[0] ? "case" : "visit", action: url.pathname + url.search,
        title: form.get("title") || "", maxBytes: config.uploadMaxBytes,
      });
    } catch (tooLarge) {
      return (await store.matchPage(new URL(CONFIG.unavailableUrl, self.location.href).href)) || new Response("", { status: 503 });
    }
    await store.putDraft(draft);
    store.notify();
    if (self.registration.sync) {
      try { await self.registration.sync.register(store.SYNC_TAG); } catch (syncError) { /* pages send instead */ }
    }
    return Response.redirect(new URL(CONFIG.draftsUrl + "?saved=1", self.location.href).href, 303);
  }
}
