"""Periodic work on cases: deadline reminders and the automatic escalation of overdue cases."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from pinggu_center import counters, freshness

from . import services
from .models import Case

# Overdue cases are handed to the worker in batches: one task per 200 cases instead of one per case, so the
# broker round trip and task overhead are paid 50 times for 10,000 escalations, not 10,000 times.
SWEEP_BATCH = 200
SWEEP_LIMIT = 50_000  # per run (every 5 minutes); the rest wait for the next run


@shared_task
def sweep_deadlines() -> dict[str, int]:
    """Select due cases and enqueue tasks for them; the tasks re-check under a row lock."""
    now = timezone.now()
    open_cases = Case.objects.filter(status__in=[Case.Status.REGISTERED, Case.Status.HANDLING])
    overdue = overdue_case_ids(now)
    for level, case_ids in overdue.items():
        for start in range(0, len(case_ids), SWEEP_BATCH):
            escalate_overdue_cases.delay(case_ids[start : start + SWEEP_BATCH], level)
    near = list(
        open_cases.filter(resolution_due__gte=now, resolution_due__lt=now + timedelta(hours=settings.DEADLINE_REMINDER_HOURS))
        .exclude(reminded_for_due=F("resolution_due"))
        .values_list("pk", flat=True)[:1000]
    )
    for case_id in near:
        remind_case_deadline.delay(case_id)
    return {"escalated": sum(len(ids) for ids in overdue.values()), "reminded": len(near)}


def overdue_case_ids(now) -> dict[str, list[int]]:
    """{level: ids of open cases overdue there}, for the levels that escalate automatically, oldest deadline first."""
    levels = [level for level, on in settings.AUTO_ESCALATE_OVERDUE.items() if on]
    rows = (
        Case.objects.filter(status__in=[Case.Status.REGISTERED, Case.Status.HANDLING], level__in=levels)
        .filter(resolution_due__isnull=False, resolution_due__lt=now)  # the partial index case_open_due
        .order_by("resolution_due")
        .values_list("pk", "level")[:SWEEP_LIMIT]
    )
    found: dict[str, list[int]] = {}
    for case_id, level in rows:
        found.setdefault(level, []).append(case_id)
    return found


@shared_task(acks_late=True)
def escalate_overdue_cases(case_ids: list[int], level: str) -> int:
    """Escalate each case still overdue at `level`; a redelivery skips the done ones.

    The batch is one transaction: each case's escalation runs under its own savepoint, and the counters are
    written once for the batch (a case refused under its savepoint adds nothing). Its commit queues no preparation
    of the summary figures (pinggu_center.freshness.preparations_paused). A worker killed mid-batch
    leaves nothing behind, and the redelivered task does the whole batch again.
    """
    escalated = 0
    with freshness.preparations_paused(), transaction.atomic(), counters.collected():
        for case_id in case_ids:
            try:
                with counters.collected():
                    services.escalate_case(case_id=case_id, from_level=level, actor=None, automatic=True)
            except services.CaseRuleError:
                continue  # race: closed, transferred, escalated or extended by someone in the meantime
            escalated += 1
    return escalated


@shared_task(acks_late=True)
def escalate_overdue_case(case_id: int, level: str) -> bool:
    """Escalate a case still overdue at `level`; if it has moved on, been closed or had its deadline extended
    meanwhile, do nothing (escalate_case re-checks level, status and deadline under the row lock)."""
    try:
        services.escalate_case(case_id=case_id, from_level=level, actor=None, automatic=True)
    except services.CaseRuleError:
        return False  # race: closed, transferred, escalated or extended by someone in the meantime
    return True


@shared_task(acks_late=True)
def remind_case_deadline(case_id: int) -> bool:
    """Remind once per deadline."""
    return services.remind_deadline(case_id=case_id)
