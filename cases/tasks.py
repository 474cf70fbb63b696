"""Periodic work on cases: deadline reminders and the automatic escalation of overdue cases."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from . import services
from .models import Case


@shared_task
def sweep_deadlines() -> dict[str, int]:
    """Select due cases and enqueue one task each; the tasks re-check under a row lock."""
    now = timezone.now()
    open_cases = Case.objects.filter(status__in=[Case.Status.REGISTERED, Case.Status.HANDLING])
    levels = [level for level, on in settings.AUTO_ESCALATE_OVERDUE.items() if on]
    overdue = list(open_cases.filter(level__in=levels, resolution_due__lt=now).values_list("pk", "level")[:1000])
    for case_id, level in overdue:
        escalate_overdue_case.delay(case_id, level)
    near = list(
        open_cases.filter(resolution_due__gte=now, resolution_due__lt=now + timedelta(hours=settings.DEADLINE_REMINDER_HOURS))
        .exclude(reminded_for_due=F("resolution_due"))
        .values_list("pk", flat=True)[:1000]
    )
    for case_id in near:
        remind_case_deadline.delay(case_id)
    return {"escalated": len(overdue), "reminded": len(near)}


@shared_task(acks_late=True)
def escalate_overdue_case(case_id: int, level: str) -> bool:
    """Escalate a case still overdue at `level`; if it has moved on or been closed meanwhile, do nothing."""
    case = Case.objects.filter(pk=case_id).values("level", "status", "resolution_due").first()
    if case is None or case["level"] != level or case["resolution_due"] is None or case["resolution_due"] >= timezone.now():
        return False
    try:
        services.escalate_case(case_id=case_id, from_level=level, actor=None, automatic=True,
                               reason=gettext("超过本层级办结期限，系统自动提级上报。"))
    except services.CaseRuleError:
        return False  # race: closed, transferred or escalated by someone in the meantime
    return True


@shared_task(acks_late=True)
def remind_case_deadline(case_id: int) -> bool:
    """Remind once per deadline."""
    return services.remind_deadline(case_id=case_id)
