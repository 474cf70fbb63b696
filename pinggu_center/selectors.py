"""Reads of the organisation app that pages compose: outbox rows that need a person's attention."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Outbox


def delivery_problems() -> QuerySet[Outbox]:
    """Rows that failed for good, and rows still pending long after they were written (README: "Outbox")."""
    long_ago = timezone.now() - timedelta(minutes=settings.OUTBOX_ALERT_PENDING_MINUTES)
    return Outbox.objects.filter(
        Q(status=Outbox.Status.FAILED) | Q(status=Outbox.Status.PENDING, created_at__lt=long_ago)
    ).order_by("-pk")


def delivery_problem_count() -> int:
    """One query over the failed rows and the partial index of pending ones."""
    return delivery_problems().count()
