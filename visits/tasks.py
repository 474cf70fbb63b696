"""Background work of the visit system: the Monday quota record."""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.utils import timezone

from . import services
from .selectors import week_start_of


@shared_task(acks_late=True)
def record_weekly_quota(week_start: str | None = None) -> int:
    """Record last week's (or the given Monday's) result per cadre; a second run for the same week changes nothing."""
    start = date.fromisoformat(week_start) if week_start else week_start_of(timezone.localdate()) - timedelta(weeks=1)
    return services.record_week_quota(week_start=start)
