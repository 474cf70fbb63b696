// Work without signal: what the pages (offline.js) and the service worker (sw.js) share.
//
// Drafts are forms kept on the phone (IndexedDB "pinggu-offline", store "drafts"), one per client token: the id
// the form carried when it was filled in, which the server uses to create at most one case or visit. Cached pages
// live in one Cache Storage cache per signed-in user; household pages carry the time they were cached and are
// dropped after the server's OFFLINE_HOUSEHOLD_MAX_AGE_DAYS. Signing out deletes all of it.
(function (scope) {
  "use strict";

  var DB_NAME = "pinggu-offline";
  var PAGE_CACHE_PREFIX = "pinggu-pages-";
  var STATIC_CACHE = "pinggu-static";
  var STATE_URL = "/offline/state.json";
  var SYNC_TAG = "pinggu-drafts";
  var CACHED_AT = "X-Offline-Cached-At";
  var dbPromise = null;
  var sending = null;
  // Set at sign-out: from then on nothing on this page (or in this service worker) may open the database or a
  // cache again, or a send still under way would re-create what was just deleted.
  var signedOut = false;
  var channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("pinggu-offline") : null;

  function promisify(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function openDb() {
    if (signedOut) { return Promise.reject(new Error("signed out")); }
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          request.result.createObjectStore("drafts", { keyPath: "id" });
          request.result.createObjectStore("meta");
        };
        request.onsuccess = function () {
          var db = request.result;
          // Signing out deletes the database: let go of it at once, wherever it is open.
          db.onversionchange = function () { db.close(); dbPromise = null; };
          resolve(db);
        };
        request.onerror = function () { dbPromise = null; reject(request.error); };
      });
    }
    return dbPromise;
  }

  function openCache(name) {
    if (signedOut) { return Promise.reject(new Error("signed out")); }
    return caches.open(name);
  }

  async function store(name, mode) {
    var db = await openDb();
    return db.transaction(name, mode).objectStore(name);
  }

  var api = {
    SYNC_TAG: SYNC_TAG,
    allDrafts: async function () { return promisify((await store("drafts", "readonly")).getAll()); },
    getDraft: async function (id) { return promisify((await store("drafts", "readonly")).get(id)); },
    putDraft: async function (draft) { return promisify((await store("drafts", "readwrite")).put(draft)); },
    deleteDraft: async function (id) { return promisify((await store("drafts", "readwrite")).delete(id)); },
    getMeta: async function (key) { return promisify((await store("meta", "readonly")).get(key)); },
    setMeta: async function (key, value) { return promisify((await store("meta", "readwrite")).put(value, key)); },
  };

  api.openCache = openCache;

  api.uuid = function () {
    if (scope.crypto && scope.crypto.randomUUID) { return scope.crypto.randomUUID(); }
    var bytes = scope.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  };

  var listeners = [];
  // Other pages and the service worker hear of a change through the channel; this page through its listeners.
  api.notify = function () {
    if (channel) { channel.postMessage({ type: "changed" }); }
    listeners.forEach(function (callback) { callback(); });
  };
  api.onChange = function (callback) {
    listeners.push(callback);
    if (channel) { channel.addEventListener("message", callback); }
  };

  api.draftsOf = async function (owner) {
    return (await api.allDrafts()).filter(function (d) { return d.owner === owner; })
      .sort(function (a, b) { return a.createdAt - b.createdAt; });
  };

  // --- a form into a draft, and back ---------------------------------------------------------------------------

  function TooLarge(name) { this.name = "TooLarge"; this.file = name; }
  api.TooLarge = TooLarge;

  // The whole form: every field, every party of the formset, and the chosen files as bytes (Safari keeps bytes
  // in IndexedDB more reliably than File objects). The CSRF token is left out: a fresh one is used when sending.
  api.draftFromFormData = async function (formData, options) {
    var entries = [];
    var pairs = Array.from(formData.entries());
    for (var i = 0; i < pairs.length; i++) {
      var name = pairs[i][0], value = pairs[i][1];
      if (name === "csrfmiddlewaretoken") { continue; }
      if (typeof value === "string") { entries.push([name, value]); continue; }
      if (!value.name && !value.size) { continue; } // an empty file input
      if (options.maxBytes && value.size > options.maxBytes) { throw new TooLarge(value.name); }
      entries.push([name, { file: true, name: value.name, type: value.type, buffer: await value.arrayBuffer() }]);
    }
    var id = options.id || formData.get("client_token") || api.uuid();
    var now = Date.now();
    return {
      id: String(id), owner: options.owner, kind: options.kind, action: options.action, title: options.title || "",
      entries: entries, state: "waiting", errors: {}, createdAt: options.createdAt || now, updatedAt: now,
    };
  };

  api.fileOf = function (value) {
    return new File([value.buffer], value.name, { type: value.type });
  };

  function body(draft, csrf) {
    var data = new FormData();
    draft.entries.forEach(function (entry) {
      if (entry[0] === "client_token") { return; }
      data.append(entry[0], entry[1] && entry[1].file ? api.fileOf(entry[1]) : entry[1]);
    });
    data.append("client_token", draft.id);
    data.append("csrfmiddlewaretoken", csrf);
    return data;
  }

  // --- sending ----------------------------------------------------------------------------------------------

  api.fetchState = async function () {
    var response = await fetch(STATE_URL, { credentials: "same-origin", cache: "no-store", redirect: "manual" });
    if (!response.ok) { throw new Error("state " + response.status); }
    return response.json();
  };

  // One draft to the server. The answer says what became of it: "sent" (made now or already made by the same
  // id), "correction" (the server refused the content: kept, marked, with the errors), "login" (the session
  // ended: kept until the cadre signs in again) or "later" (no network, or the server is unwell).
  api.sendDraft = async function (draft, csrf) {
    var response;
    try {
      response = await fetch(draft.action, {
        method: "POST", body: body(draft, csrf), credentials: "same-origin", redirect: "manual",
        headers: { "X-Offline-Draft": "1", "X-CSRFToken": csrf },
      });
    } catch (error) {
      return { outcome: "later" };
    }
    if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
      return { outcome: "login" };
    }
    var data = null;
    try { data = await response.json(); } catch (error) { data = null; }
    if (response.ok && data && (data.status === "created" || data.status === "exists")) {
      return { outcome: "sent", url: data.url, label: data.label };
    }
    if (response.status === 422 || response.status === 404 || response.status === 400) {
      return { outcome: "correction", errors: (data && data.errors) || {}, duplicate: !!(data && data.status === "duplicate") };
    }
    return { outcome: "later" };
  };

  async function sendAllNow(onlyId) {
    var drafts = (await api.allDrafts()).filter(function (d) {
      return onlyId ? d.id === onlyId : d.state !== "correction";
    });
    if (!drafts.length) { return { sent: [] }; }
    var state;
    try { state = await api.fetchState(); } catch (error) { return { offline: true, sent: [] }; }
    if (!state.authenticated) {
      for (var i = 0; i < drafts.length; i++) {
        if (drafts[i].state !== "correction") { drafts[i].state = "login"; await api.putDraft(drafts[i]); }
      }
      api.notify();
      return { login: true, sent: [] };
    }
    var sent = [];
    for (var j = 0; j < drafts.length; j++) {
      var draft = drafts[j];
      if (draft.owner !== state.user) { continue; } // another cadre's: only they may send it
      var result = await api.sendDraft(draft, state.csrf);
      if (result.outcome === "sent") {
        await api.deleteDraft(draft.id);
        sent.push({ id: draft.id, url: result.url });
      } else if (result.outcome === "correction") {
        draft.state = "correction";
        draft.errors = result.errors;
        draft.duplicate = result.duplicate;
        await api.putDraft(draft);
      } else if (result.outcome === "login") {
        draft.state = "login";
        await api.putDraft(draft);
        break;
      } else {
        if (draft.state === "login") { draft.state = "waiting"; await api.putDraft(draft); }
        break;
      }
      api.notify();
    }
    api.notify();
    return { sent: sent };
  }

  // Sends every waiting draft (or one); a page and the service worker may both try: one runs at a time here,
  // and the server's client-token check makes a draft sent twice still one case.
  api.sendAll = function (onlyId) {
    if (sending) { return sending.then(function () { return onlyId ? sendAllNow(onlyId) : { sent: [] }; }); }
    var run = function () { return sendAllNow(onlyId); };
    sending = (scope.navigator && scope.navigator.locks
      ? scope.navigator.locks.request("pinggu-offline-send", run)
      : run()
    ).finally(function () { sending = null; });
    return sending;
  };

  // --- cached pages -----------------------------------------------------------------------------------------

  api.pageCacheName = function (user) { return PAGE_CACHE_PREFIX + user; };
  api.STATIC_CACHE = STATIC_CACHE;

  async function stamped(response) {
    var headers = new Headers(response.headers);
    headers.set(CACHED_AT, String(Date.now()));
    return new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers: headers });
  }

  api.putPage = async function (cacheName, url, response) {
    var cache = await openCache(cacheName);
    await cache.put(url, await stamped(response));
  };

  function isHouseholdPage(url, config) {
    var path = new URL(url, scope.location.href).pathname;
    return (config.householdPaths || []).some(function (prefix) { return path.indexOf(prefix) === 0; });
  }

  function expired(response, url, config) {
    if (!config || !isHouseholdPage(url, config)) { return false; }
    var at = Number(response.headers.get(CACHED_AT) || 0);
    return Date.now() - at > config.householdMaxAgeMs;
  }

  // The cached copy of a page of the signed-in user, unless it shows households and is older than allowed.
  api.matchPage = async function (url) {
    var user = await api.getMeta("user");
    if (!user) { return null; }
    var cache = await openCache(api.pageCacheName(user));
    var response = await cache.match(url);
    if (!response) { return null; }
    if (expired(response, url, await api.getMeta("config"))) {
      await cache.delete(url);
      return null;
    }
    return response;
  };

  // The visit form kept for one household stands for every household of the village (offline.js fills it in).
  api.visitShell = async function (url) {
    var user = await api.getMeta("user");
    var config = await api.getMeta("config");
    if (!user || !config || !config.visitPath || new URL(url).pathname !== config.visitPath) { return null; }
    var cache = await openCache(api.pageCacheName(user));
    var keys = await cache.keys();
    for (var i = 0; i < keys.length; i++) {
      var key = new URL(keys[i].url);
      if (key.pathname === config.visitPath && key.searchParams.has("household")) {
        return api.matchPage(keys[i].url);
      }
    }
    return null;
  };

  // After each sign-in the phone belongs to one cadre: pages kept for anybody else are dropped.
  api.hello = async function (user, state) {
    if (channel) { channel.postMessage({ type: "signed-in" }); }
    await api.setMeta("user", user);
    if (state && state.enabled) {
      await api.setMeta("config", {
        householdPaths: state.householdPaths, householdMaxAgeMs: state.householdMaxAgeMs,
        visitPath: state.visitPath, uploadMaxBytes: state.uploadMaxBytes,
      });
    }
    var keys = await caches.keys();
    await Promise.all(keys.filter(function (key) {
      return key.indexOf(PAGE_CACHE_PREFIX) === 0 && key !== api.pageCacheName(user);
    }).map(function (key) { return caches.delete(key); }));
  };

  // The scripts, styles and fonts a kept page needs (static files only: they hold no resident's data).
  async function keepAssets(text, base, staticUrl, seen) {
    var pattern = /(?:src|href)="([^"]+)"|url\(["']?([^"')]+)["']?\)/g;
    var match;
    var found = [];
    while ((match = pattern.exec(text))) {
      var url = new URL((match[1] || match[2]).replace(/&amp;/g, "&"), base);
      if (url.origin === scope.location.origin && url.pathname.indexOf(staticUrl) === 0 && !seen[url.href]) {
        seen[url.href] = true;
        found.push(url.href);
      }
    }
    var cache = await openCache(STATIC_CACHE);
    for (var i = 0; i < found.length; i++) {
      if (await cache.match(found[i])) { continue; }
      try {
        var response = await fetch(found[i]);
        if (!response.ok) { continue; }
        if (/\.css(\?|$)/.test(found[i])) { await keepAssets(await response.clone().text(), found[i], staticUrl, seen); }
        await cache.put(found[i], response);
      } catch (error) { /* next time */ }
    }
  }

  // Fetch and keep the pages the cadre needs without signal; pages no longer on the list are dropped.
  api.refreshPages = async function (state) {
    var cacheName = api.pageCacheName(state.user);
    var cache = await openCache(cacheName);
    var wanted = state.precache.map(function (url) { return new URL(url, scope.location.href).href; });
    var queue = wanted.slice();
    var seen = {};
    async function worker() {
      while (queue.length) {
        var url = queue.shift();
        try {
          var response = await fetch(url, {
            credentials: "same-origin", cache: "no-store", redirect: "manual", headers: { "X-Offline-Keep": "1" },
          });
          if (!response.ok || response.type !== "basic") { continue; }
          if ((response.headers.get("Content-Type") || "").indexOf("text/html") === 0) {
            await keepAssets(await response.clone().text(), url, state.staticUrl, seen);
          }
          await api.putPage(cacheName, url, response);
        } catch (error) { /* no signal: keep what is cached */ }
      }
    }
    await Promise.all([worker(), worker()]); // two at a time: a phone on a weak signal, a small server
    var keys = await cache.keys();
    await Promise.all(keys.filter(function (request) { return wanted.indexOf(request.url) < 0; })
      .map(function (request) { return cache.delete(request); }));
    await api.setMeta("refreshedAt", Date.now());
  };

  api.purgeExpired = async function () {
    var user = await api.getMeta("user");
    var config = await api.getMeta("config");
    if (!user || !config) { return; }
    var cache = await openCache(api.pageCacheName(user));
    var keys = await cache.keys();
    for (var i = 0; i < keys.length; i++) {
      var response = await cache.match(keys[i]);
      if (response && expired(response, keys[i].url, config)) { await cache.delete(keys[i]); }
    }
  };

  // Signing out: every draft and every cached page leaves the phone. The page's own listeners are not told (they
  // would open the database again to count drafts); the service worker is told to let go, then unregistered, so
  // the sign-in page after it is served without it.
  api.clearEverything = async function () {
    signedOut = true;
    if (dbPromise) {
      try { (await dbPromise).close(); } catch (error) { /* already closed */ }
      dbPromise = null;
    }
    if (channel) { channel.postMessage({ type: "signed-out" }); }
    if (scope.navigator && scope.navigator.serviceWorker) {
      try {
        var registrations = await scope.navigator.serviceWorker.getRegistrations();
        await Promise.all(registrations.map(function (registration) { return registration.unregister(); }));
      } catch (error) { /* the server's Clear-Site-Data header removes it as well */ }
    }
    var deleted = new Promise(function (resolve) {
      var request = indexedDB.deleteDatabase(DB_NAME);
      request.onsuccess = request.onerror = function () { resolve(); };
    });
    var keys = await caches.keys();
    await Promise.all(keys.map(function (key) { return caches.delete(key); }));
    // A connection held elsewhere is closed by its versionchange handler; never hold up the sign-out for long.
    await Promise.race([deleted, new Promise(function (resolve) { setTimeout(resolve, 3000); })]);
  };

  // Another page signed out: this one (or the service worker) stops touching the phone's storage too, until a
  // page says somebody signed in again.
  if (channel) {
    channel.addEventListener("message", function (event) {
      var type = event.data && event.data.type;
      if (type === "signed-out") {
        signedOut = true;
        if (dbPromise) { dbPromise.then(function (db) { db.close(); }, function () {}); dbPromise = null; }
      } else if (type === "signed-in") {
        signedOut = false;
      }
    });
  }

  scope.PingguOffline = api;
})(self);
