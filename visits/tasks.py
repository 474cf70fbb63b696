"""Background work of the visit system: the Monday quota record, and the statistics after a write."""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone, translation

from pinggu_center import freshness
from pinggu_center.models import User

from . import selectors, services
from .selectors import week_start_of


@shared_task(acks_late=True)
def record_weekly_quota(week_start: str | None = None) -> int:
    """Record last week's (or the given Monday's) result per cadre; a second run for the same week changes nothing."""
    start = date.fromisoformat(week_start) if week_start else week_start_of(timezone.localdate()) - timedelta(weeks=1)
    return services.record_week_quota(week_start=start)


@shared_task
def prepare_statistics(names: list[str]) -> int:
    """The visit statistics of the divisions a commit wrote (pinggu_center.freshness.written), computed before anyone
    views them: for one user of each division, since every user of a division sees the same; run twice, it finds them
    ready. How many divisions' statistics were computed or found ready."""
    freshness.preparing(prepare_statistics.name, names)
    ids = [int(name) for name in names if name.isdigit()]
    viewers: dict[int, User] = {}
    for user in User.objects.filter(division_id__in=ids, is_active=True).select_related("division").order_by("pk"):
        viewers.setdefault(user.division_id, user)
    with translation.override(settings.LANGUAGE_CODE):
        for user in viewers.values():
            selectors.shared_statistics(user)
    return len(viewers)
