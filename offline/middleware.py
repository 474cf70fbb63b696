"""A page that showed a one-time message is not for keeping: the phone would show the message again offline."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class OneTimeMessagesNotStoredMiddleware:
    """``Cache-Control: no-store`` on a response that showed messages ("已保存…", "被退回…"); the service worker
    then keeps its earlier copy of the page (static/js/sw.js)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        shown = messages.get_messages(request)
        if getattr(shown, "used", False) and len(shown):
            patch_cache_control(response, no_store=True)
        return response
