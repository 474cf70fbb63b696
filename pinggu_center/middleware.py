"""Project middleware: a strict Content-Security-Policy (every script and style from our own static files),
requests carrying a NUL character refused with a 400, and idle sessions renewed at most once a minute."""

import time
from collections.abc import Callable

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from .error_pages import bad_request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # ECharts and Bootstrap set style attributes on elements they draw.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class RejectNulMiddleware:
    """A NUL character in the path or the query string is answered 400 before any view sees it.

    PostgreSQL refuses NUL in text, so a search box or a token that reached a query with one would fail with a
    500; forms already refuse it field by field (Django's ProhibitNullCharactersValidator), this covers the rest.
    The signed machine interfaces under /api/ are left to their own checks: their answers are fixed by contract
    (an order number that cannot exist is a 404 there).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            return self.get_response(request)
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            return bad_request(request)
        return self.get_response(request)


class IdleSessionMiddleware:
    """A signed-in session expires after SESSION_COOKIE_AGE without a request; each request renews it, at most
    once a minute.

    Django's own way (SESSION_SAVE_EVERY_REQUEST) writes the session row on every request: a write on every
    GET, and a row lock that one user's parallel requests (the page, its charts, the offline refresh) queue on.
    Renewed once a minute, the idle limit holds to within that minute and most requests write nothing.
    """

    RENEW_AFTER_SECONDS = 60
    KEY = "_renewed_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if session.session_key is not None:  # a visitor without a session does not get one here
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= self.RENEW_AFTER_SECONDS:
                session[self.KEY] = now  # modified: saved, and its cookie re-sent, with a new expiry
        return self.get_response(request)


@receiver(user_logged_in)
def _renewed_at_sign_in(sender, request: HttpRequest, user, **kwargs) -> None:
    """Signing in saves the new session: that is its first renewal."""
    if hasattr(request, "session"):
        request.session[IdleSessionMiddleware.KEY] = int(time.time())
