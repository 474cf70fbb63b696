"""In-app notifications; one per (user, key), so a redelivered task notifies nobody twice."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Division, Notification, User


def notify_users(users: Iterable[User], *, key: str, text: str, url: str = "") -> int:
    rows = [Notification(recipient=user, key=key[:120], text=text[:300], url=url) for user in users]
    return len(Notification.objects.bulk_create(rows, ignore_conflicts=True))


def notify_division(division: Division, *, roles: Iterable[str], key: str, text: str, url: str = "") -> int:
    users = User.objects.filter(division=division, role__in=list(roles), is_active=True)
    return notify_users(users, key=key, text=text, url=url)
