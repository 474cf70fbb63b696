"""Login lockout that an attacker cannot turn against the district (README: "Login lockout").

Two limits, both released after ``LOGIN_LOCKOUT_MINUTES``:

- a (username, address) pair is locked after ``LOGIN_FAILURE_LIMIT`` wrong passwords (axes' own
  count, ``AXES_LOCKOUT_PARAMETERS``): someone guessing the district administrator's password from
  one address locks only themselves, and the administrator signs in from their own desk;
- an address is locked after ``LOGIN_FAILURE_LIMIT_PER_ADDRESS`` wrong passwords summed over every
  username, so one address cannot try a few passwords against every login. The limit is well above
  the per-pair one because a whole village sits behind one NAT address.

The address is the client's, through the trusted proxies (``pinggu_center.client_address``).
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def address_failures(request) -> int:
    """Wrong passwords from the request's address within the lockout period, over all usernames."""
    address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    if not address:
        return 0
    total = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return total or 0


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler plus the per-address limit across usernames."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return address_failures(request) >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        # axes marks the request locked only for its own count; the address limit shows the same page.
        if (
            request is not None
            and not getattr(request, "axes_locked_out", False)
            and self.is_locked(request, credentials)
        ):
            request.axes_locked_out = True
