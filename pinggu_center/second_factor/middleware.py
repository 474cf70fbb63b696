"""After the password, a login with an active second factor sees nothing but the code page until it passes."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from ..models import SecondFactor

VERIFIED = "second_factor_verified"
REQUIRED = "second_factor_required"
OPEN_PATHS = ("/static/", "/accounts/logout/", "/accounts/second-factor/verify/", "/i18n/")


def mark_required(request: HttpRequest, required: bool) -> None:
    request.session[REQUIRED] = required


def has_active_factor(user) -> bool:
    # Only district administrators can enrol, so nobody else costs a query.
    return user.role == "district_admin" and SecondFactor.objects.filter(user=user, confirmed_at__isnull=False).exists()


@receiver(user_logged_in)
def _decide_at_login(sender, request: HttpRequest, user, **kwargs) -> None:
    """Settle once per login whether this session must pass the code page, so requests ask nothing more."""
    if request is not None and hasattr(request, "session"):
        mark_required(request, has_active_factor(user))


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.session.get(VERIFIED):
            required = request.session.get(REQUIRED)
            if required is None:  # a session from before the factor existed: ask once, then keep it
                required = has_active_factor(user)
                mark_required(request, required)
            if required and not request.path.startswith(OPEN_PATHS):
                verify = reverse("second_factor_verify")
                return redirect(f"{verify}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
