"""The overdue sweep escalates a case only if it is still overdue once its row is locked (issue 10, item 12)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from cases import services
from cases.models import Case, CaseEvent
from cases.tasks import escalate_overdue_case
from pinggu_center.models import Level
from tests.rules import refused

from .helpers import register


def _overdue(org, cadre) -> Case:
    case = register(org.center, cadre)
    Case.objects.filter(pk=case.pk).update(resolution_due=timezone.now() - timedelta(hours=1))
    return case


@pytest.mark.django_db
def test_an_automatic_escalation_of_a_case_not_overdue_is_refused(org, cadre):
    case = register(org.center, cadre)  # due in ten working days
    with refused("not_overdue", services.CaseRuleError):
        services.escalate_case(case_id=case.pk, from_level=Level.VILLAGE, actor=None, reason="自动", automatic=True)
    assert escalate_overdue_case(case.pk, Level.VILLAGE) is False
    assert not CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.ESCALATED).exists()


@pytest.mark.django_db(transaction=True)
def test_an_extension_made_while_the_sweep_waits_for_the_lock_wins(org, cadre, director):
    """The director holds the case's lock while extending its deadline; the sweep's task waits, then sees it."""
    case = _overdue(org, cadre)
    locked = threading.Event()
    results: list[bool] = []

    def sweep_task() -> None:
        try:
            locked.wait(timeout=10)
            results.append(escalate_overdue_case(case.pk, Level.VILLAGE))
        finally:
            connection.close()

    task = threading.Thread(target=sweep_task)
    task.start()
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case.pk)
        locked.set()
        task.join(timeout=1)  # the task reads the case meanwhile, and waits for the lock if it wants it
        services.extend_deadline(case_id=case.pk, actor=director, new_due=timezone.now() + timedelta(days=20),
                                 consent="双方同意延期")
    task.join(timeout=20)
    assert results == [False]
    case.refresh_from_db()
    assert case.level == Level.VILLAGE and case.resolution_due > timezone.now()
    assert not CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.ESCALATED).exists()
