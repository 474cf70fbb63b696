"""Work without signal: the service worker and web app manifest served from the site root, the state a phone
asks for before sending its drafts, the own village's households, and the drafts page."""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import selectors

SERVICE_WORKER = "js/sw.js"
STORE_SCRIPT = "js/offline-store.js"


@cache
def _static_text(name: str) -> str:
    """A file of our static folder (or of STATIC_ROOT after collectstatic), read once per process."""
    path = finders.find(name)
    if path:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    with staticfiles_storage.open(name) as handle:
        return handle.read().decode("utf-8")


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """Our own service worker, served at the root so that its scope covers every cadre page."""
    source = _static_text(SERVICE_WORKER)
    store = _static_text(STORE_SCRIPT)
    config = {
        "version": hashlib.sha256((source + store).encode()).hexdigest()[:12],
        "storeScript": static(STORE_SCRIPT),
        "staticUrl": settings.STATIC_URL,
        "unavailableUrl": reverse("offline:unavailable"),
        "draftsUrl": reverse("offline:drafts"),
        "householdsUrl": reverse("offline:households"),
        # The first is the intake form; a draft posted to it is a case, to the other a visit.
        "formPaths": [reverse("cases:case_create"), reverse("visits:visit_create")],
        # Only these pages go through the worker; every other page is left to the browser as it is.
        "pagePaths": selectors.field_paths(),
    }
    body = f"self.PINGGU_OFFLINE = {json.dumps(config)};\n{source}"
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: the cadre's pages install as an app on the phone's home screen."""
    icons = [
        {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {"src": static("icons/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
    ]
    data = {
        "name": _("平谷区说事评理议事普法中心"),
        "short_name": _("说事评理"),
        "lang": request.LANGUAGE_CODE,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f8f9fa",
        "theme_color": "#b3261e",
        "icons": icons,
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@never_cache
@require_GET
def state(request: HttpRequest) -> JsonResponse:
    """Who is signed in, a CSRF token for sending drafts, and what the phone should keep; never cached."""
    user = request.user
    if not user.is_authenticated:
        return JsonResponse({"authenticated": False})
    data: dict = {"authenticated": True, "user": user.pk, "csrf": get_token(request),
                  "enabled": selectors.offline_enabled(user)}
    if data["enabled"]:
        data.update(
            precache=selectors.precache_urls(user),
            householdPaths=selectors.household_paths(),
            visitPath=reverse("visits:visit_create"),
            householdMaxAgeMs=selectors.household_max_age_ms(),
            uploadMaxBytes=settings.UPLOAD_MAX_BYTES,
            staticUrl=settings.STATIC_URL,
        )
    return JsonResponse(data)


@login_required
@require_GET
def households(request: HttpRequest) -> JsonResponse:
    """The own village's households (id, head, address) for choosing one on the phone without signal."""
    if not selectors.offline_enabled(request.user):
        raise Http404
    rows = selectors.own_households(request.user).order_by("address").values("pk", "head_name", "address")
    return JsonResponse({"households": [
        {"id": row["pk"], "name": row["head_name"], "address": row["address"]}
        for row in rows[: selectors.MAX_HOUSEHOLDS]
    ]}, json_dumps_params={"ensure_ascii": False})


@login_required
@require_GET
def drafts(request: HttpRequest) -> HttpResponse:
    """The list of what waits on this phone; the rows come from the phone's own store (offline.js)."""
    if not selectors.offline_enabled(request.user):
        raise Http404
    return render(request, "offline/drafts.html")


@login_required
@require_GET
def unavailable(request: HttpRequest) -> HttpResponse:
    """Shown by the service worker for a page that was not kept on the phone."""
    return render(request, "offline/unavailable.html")
