// Work without signal, on every page of a cadre (base.html loads it with offline-store.js): registers the service
// worker, keeps the cadre's pages on the phone, keeps a form submitted without signal as a draft, shows how many
// drafts wait, lists them (open, edit, send, discard), sends them when the signal returns, and clears everything
// at sign-out after warning about what was not sent.
(function () {
  "use strict";
  var store = window.PingguOffline;
  var userId = Number(document.body.dataset.offlineUser || 0);
  var stringsNode = document.getElementById("offline-strings");
  if (!store || !userId || !stringsNode || !("indexedDB" in window) || !("caches" in window)) { return; }
  var T = JSON.parse(stringsNode.textContent);
  var DRAFTS_URL = document.body.dataset.offlineUrlDrafts;
  var REFRESH_EVERY_MS = 10 * 60 * 1000;
  var config = null;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function flash(text, kind) {
    var main = document.querySelector("main");
    var box = el("div", { "class": "alert alert-" + (kind || "success"), role: "status", "data-testid": "offline-flash" }, text);
    main.insertBefore(box, main.firstChild);
  }

  // --- the waiting count -------------------------------------------------------------------------------------

  async function refreshCount() {
    var drafts = await store.draftsOf(userId);
    document.querySelectorAll("[data-offline-count]").forEach(function (node) {
      node.dataset.count = String(drafts.length);
      node.hidden = drafts.length === 0;
      var number = node.querySelector("[data-offline-count-number]");
      if (number) { number.textContent = String(drafts.length); }
    });
    return drafts;
  }

  // --- forms: keep on the phone when there is no signal --------------------------------------------------------

  function formAction(form) {
    var url = new URL(form.getAttribute("action") || window.location.href, window.location.href);
    return url.pathname + url.search;
  }

  function draftTitle(form) {
    if (form.dataset.offlineForm === "visit") {
      var label = document.querySelector("[data-household-label]");
      return label ? label.textContent.trim() : "";
    }
    return form.elements.title ? form.elements.title.value : "";
  }

  async function keep(form) {
    var existing = form.dataset.draftId ? await store.getDraft(form.dataset.draftId) : null;
    var draft;
    try {
      draft = await store.draftFromFormData(new FormData(form), {
        id: form.dataset.draftId, owner: userId, kind: form.dataset.offlineForm, action: formAction(form),
        title: draftTitle(form), maxBytes: config && config.uploadMaxBytes,
        createdAt: existing ? existing.createdAt : null,
      });
    } catch (error) {
      if (error instanceof store.TooLarge) { window.alert(T.tooLarge); return null; }
      throw error;
    }
    if (existing && existing.duplicate) { draft.entries.push(["confirm_not_duplicate", "on"]); }
    await store.putDraft(draft);
    store.notify();
    requestSync();
    return draft;
  }

  function requestSync() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) { return registration.sync.register(store.SYNC_TAG); }
      return null;
    }).catch(function () { /* the pages send instead */ });
  }

  function bindForms() {
    document.querySelectorAll("form[data-offline-form]").forEach(function (form) {
      var token = form.elements.client_token;
      if (token && !form.dataset.draftId) { token.value = store.uuid(); } // each filled-in form its own id
      form.addEventListener("submit", function (event) {
        // With signal a new form is posted as usual (and kept by the service worker if the server cannot be
        // reached); without signal, or when a kept draft was opened, it is kept here and sent from the phone.
        if (navigator.onLine && !form.dataset.draftId) { return; }
        event.preventDefault();
        submitKept(form);
      });
    });
  }

  async function submitKept(form) {
    var draft = await keep(form);
    if (!draft) { return; }
    if (navigator.onLine) {
      var result = await store.sendAll(draft.id);
      var mine = (result.sent || []).filter(function (item) { return item.id === draft.id; })[0];
      if (mine) { window.location.assign(mine.url); return; }
      window.location.assign(DRAFTS_URL);
      return;
    }
    window.location.assign(DRAFTS_URL + "?saved=1");
  }

  // --- a draft opened for editing ----------------------------------------------------------------------------

  function setField(form, name, value) {
    var field = form.elements.namedItem(name);
    if (!field) { return; }
    var nodes = field instanceof RadioNodeList ? Array.prototype.slice.call(field) : [field];
    nodes.forEach(function (node) {
      if (node.type === "checkbox" || node.type === "radio") {
        if (node.value === value || (nodes.length === 1 && value === "on")) { node.checked = true; }
      } else if (node.type !== "file") {
        node.value = value;
      }
    });
  }

  async function restore(form, id) {
    var draft = await store.getDraft(id);
    if (!draft || draft.owner !== userId) { return; }
    form.dataset.draftId = draft.id;
    var total = draft.entries.filter(function (entry) { return entry[0] === "parties-TOTAL_FORMS"; })[0];
    var add = document.getElementById("add-party");
    var totalField = form.elements.namedItem("parties-TOTAL_FORMS");
    while (total && add && totalField && Number(totalField.value) < Number(total[1])) { add.click(); }
    Array.prototype.forEach.call(form.elements, function (node) {
      if (node.type === "checkbox" || node.type === "radio") { node.checked = false; }
    });
    var files = {};
    draft.entries.forEach(function (entry) {
      if (entry[1] && entry[1].file) {
        (files[entry[0]] = files[entry[0]] || []).push(store.fileOf(entry[1]));
      } else {
        setField(form, entry[0], entry[1]);
      }
    });
    Object.keys(files).forEach(function (name) {
      var input = form.elements.namedItem(name);
      if (!input || typeof DataTransfer !== "function") { return; }
      var transfer = new DataTransfer();
      files[name].forEach(function (file) { transfer.items.add(file); });
      input.files = transfer.files;
    });
    if (form.elements.client_token) { form.elements.client_token.value = draft.id; }
    showErrors(form, draft);
  }

  function showErrors(form, draft) {
    var banner = el("div", { "class": "alert alert-warning", "data-testid": "draft-banner" });
    banner.appendChild(el("p", { "class": "mb-1 fw-semibold" },
      draft.state === "correction" ? T.correction : T.editing));
    Object.keys(draft.errors || {}).forEach(function (name) {
      var messages = draft.errors[name];
      var field = name === "__all__" ? null : form.elements.namedItem(name);
      var node = field instanceof RadioNodeList ? field[0] : field;
      if (!node) {
        messages.forEach(function (message) { banner.appendChild(el("div", { "class": "small" }, message)); });
        return;
      }
      node.classList.add("is-invalid");
      node.insertAdjacentElement("afterend", el("div", { "class": "invalid-feedback d-block", "data-offline-error": name },
        messages.join(" ")));
    });
    form.insertBefore(banner, form.firstChild);
  }

  // --- the visit form kept for one household, shown for another -----------------------------------------------

  async function households() {
    try {
      var response = await fetch(document.body.dataset.offlineUrlHouseholds, { credentials: "same-origin" });
      if (!response.ok) { return []; }
      return (await response.json()).households;
    } catch (error) {
      return [];
    }
  }

  async function fitVisitForm(form) {
    var wanted = new URL(window.location.href).searchParams.get("household");
    if (!wanted || wanted === form.dataset.household) { return; }
    var household = (await households()).filter(function (h) { return String(h.id) === wanted; })[0];
    var label = document.querySelector("[data-household-label]");
    if (!household) {
      if (label) { label.textContent = T.householdMissing; }
      Array.prototype.forEach.call(form.elements, function (node) { node.disabled = true; });
      return;
    }
    form.dataset.household = wanted;
    form.setAttribute("action", "?household=" + encodeURIComponent(wanted));
    if (label) { label.textContent = household.name + " · " + household.address; }
  }

  // The visit search page without signal: choose among the own village's households kept on the phone.
  async function offlinePicker(box) {
    if (navigator.onLine) { return; }
    var list = await households();
    var input = el("input", { "class": "form-control mb-2", type: "search", placeholder: T.search, "aria-label": T.search });
    var results = el("div", { "class": "list-group" });
    function show() {
      var keyword = input.value.trim();
      results.replaceChildren();
      list.filter(function (h) { return !keyword || h.name.indexOf(keyword) >= 0 || h.address.indexOf(keyword) >= 0; })
        .slice(0, 50).forEach(function (h) {
          results.appendChild(el("a", { "class": "list-group-item list-group-item-action", href: "?household=" + h.id },
            h.name + " · " + h.address));
        });
    }
    input.addEventListener("input", show);
    box.replaceChildren(el("p", { "class": "small text-secondary mb-1" }, T.pickerHint), input, results);
    box.hidden = false;
    show();
  }

  // --- the drafts page ---------------------------------------------------------------------------------------

  async function renderDrafts(box) {
    var drafts = await store.draftsOf(userId);
    // Every send attempt (the online event, Background Sync, the 20-second retry) tells the page that the store
    // changed. Redrawn each time, the list would replace the link or button a person is about to tap.
    var drawn = JSON.stringify(drafts.map(function (d) { return [d.id, d.state, d.updatedAt, d.title, d.errors]; }));
    if (box.dataset.drawn === drawn) { return; }
    box.dataset.drawn = drawn;
    box.replaceChildren();
    if (!drafts.length) { box.appendChild(el("p", { "class": "text-secondary" }, T.empty)); return; }
    if (drafts.some(function (d) { return d.state === "login"; })) {
      var login = el("div", { "class": "alert alert-warning", "data-testid": "drafts-login" }, T.loginNeeded + " ");
      login.appendChild(el("a", { href: document.body.dataset.offlineUrlLogin + "?next=" + encodeURIComponent(DRAFTS_URL) }, T.signIn));
      box.appendChild(login);
    }
    drafts.forEach(function (draft) { box.appendChild(draftCard(draft, box)); });
  }

  function draftCard(draft, box) {
    var card = el("div", { "class": "card mb-2", "data-testid": "draft", "data-draft-id": draft.id, "data-state": draft.state });
    var body = el("div", { "class": "card-body py-2" });
    body.appendChild(el("div", { "class": "fw-semibold" }, (T.kinds[draft.kind] || "") + " · " + (draft.title || T.untitled)));
    body.appendChild(el("div", { "class": "small text-secondary" }, new Date(draft.updatedAt).toLocaleString()));
    var badge = { waiting: "text-bg-secondary", correction: "text-bg-danger", login: "text-bg-warning" }[draft.state];
    body.appendChild(el("span", { "class": "badge " + (badge || "text-bg-secondary") }, T.states[draft.state] || ""));
    Object.keys(draft.errors || {}).forEach(function (name) {
      body.appendChild(el("div", { "class": "small text-danger" }, draft.errors[name].join(" ")));
    });
    var actions = el("div", { "class": "d-flex gap-2 mt-2 flex-wrap" });
    actions.appendChild(el("a", { "class": "btn btn-sm btn-primary", href: draft.action + "#draft=" + draft.id, "data-action": "open" }, T.open));
    var send = el("button", { "class": "btn btn-sm btn-outline-success", type: "button", "data-action": "send" }, T.send);
    send.addEventListener("click", async function () {
      if (draft.state === "correction") { window.location.assign(draft.action + "#draft=" + draft.id); return; }
      await store.sendAll(draft.id);
      renderDrafts(box);
    });
    var discard = el("button", { "class": "btn btn-sm btn-outline-danger", type: "button", "data-action": "discard" }, T.discard);
    discard.addEventListener("click", async function () {
      if (!window.confirm(T.discardConfirm)) { return; }
      await store.deleteDraft(draft.id);
      store.notify();
      renderDrafts(box);
    });
    actions.appendChild(send);
    actions.appendChild(discard);
    body.appendChild(actions);
    card.appendChild(body);
    return card;
  }

  // --- sign-out ------------------------------------------------------------------------------------------------

  function bindLogout() {
    document.querySelectorAll("form[data-offline-logout]").forEach(function (form) {
      form.addEventListener("submit", async function (event) {
        if (form.dataset.cleared) { return; }
        event.preventDefault();
        var waiting = (await store.allDrafts()).length;
        if (waiting && !window.confirm(T.logoutWarning.replace("%(count)s", String(waiting)))) { return; }
        await store.clearEverything();
        form.dataset.cleared = "1";
        form.submit();
      });
    });
  }

  // --- start ---------------------------------------------------------------------------------------------------

  async function online() {
    var state;
    try { state = await store.fetchState(); } catch (error) { return; }
    if (!state.authenticated || state.user !== userId) { return; }
    await store.hello(userId, state);
    config = await store.getMeta("config");
    await store.sendAll();
    var refreshedAt = await store.getMeta("refreshedAt");
    var cache = await store.openCache(store.pageCacheName(userId));
    var kept = (await cache.keys()).length;
    if (state.enabled && (!kept || !refreshedAt || Date.now() - refreshedAt > REFRESH_EVERY_MS)) {
      await store.refreshPages(state);
    }
  }

  async function start() {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(document.body.dataset.offlineUrlWorker, { scope: "/" }).catch(function () {});
    }
    bindLogout();
    bindForms();
    config = await store.getMeta("config");
    if (await store.getMeta("user") !== userId) { await store.hello(userId, null); }
    var params = new URL(window.location.href).searchParams;
    var drafts = document.querySelector("[data-offline-drafts]");
    if (drafts && params.get("saved")) { flash(T.saved); }
    var form = document.querySelector("form[data-offline-form]");
    var match = /^#draft=(.+)$/.exec(window.location.hash);
    if (form && form.dataset.offlineForm === "visit") { await fitVisitForm(form); }
    if (form && match) { await restore(form, decodeURIComponent(match[1])); }
    var picker = document.querySelector("[data-offline-households]");
    if (picker) { await offlinePicker(picker); }
    await store.purgeExpired();
    if (navigator.onLine) { await online(); }
    await refreshCount();
    if (drafts) { await renderDrafts(drafts); }
    store.onChange(function () {
      refreshCount();
      if (drafts) { renderDrafts(drafts); }
    });
    document.documentElement.dataset.offlineReady = "1";
  }

  window.addEventListener("online", function () { store.sendAll(); });
  // Where neither the online event nor Background Sync comes (a server that was down, Safari), try now and then.
  window.setInterval(function () {
    if (navigator.onLine) {
      store.draftsOf(userId).then(function (drafts) {
        if (drafts.some(function (d) { return d.state !== "correction"; })) { store.sendAll(); }
      });
    }
  }, 20000);
  start();
})();
