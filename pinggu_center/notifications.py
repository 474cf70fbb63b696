"""In-app notifications; one per (user, key), so a redelivered task notifies nobody twice.

A notification stores its message as the untranslated source string (marked with gettext_noop where it is
written) and its params; `Notification.render()` translates it when read, so each recipient reads it in
their own language. `text=` is still accepted for a message that is already final (a person's words).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .models import Division, Notification, User


def notify_users(users: Iterable[User], *, key: str, message: str = "", params: dict[str, Any] | None = None,
                 text: str = "", url: str = "") -> int:
    """Notify each user once per key; `message` is a source string (gettext_noop) filled with `params` when read."""
    params = {name: str(value) for name, value in (params or {}).items()}
    rows = [Notification(recipient=user, key=key[:120], message=message, params=params, text=text[:300], url=url)
            for user in users]
    return len(Notification.objects.bulk_create(rows, ignore_conflicts=True))


def notify_division(division: Division, *, roles: Iterable[str], key: str, message: str = "",
                    params: dict[str, Any] | None = None, text: str = "", url: str = "") -> int:
    users = User.objects.filter(division=division, role__in=list(roles), is_active=True)
    return notify_users(users, key=key, message=message, params=params, text=text, url=url)
