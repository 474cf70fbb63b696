"""The overdue sweep hands the cases over in batches and escalates each once, through escalate_case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import tasks
from cases.models import Case, CaseEvent
from pinggu_center.models import Level

from .factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_sweep_enqueues_batches_of_overdue_cases(org, monkeypatch):
    late = timezone.now() - timedelta(hours=1)
    overdue = CaseFactory.create_batch(5, center=org.center, status=Case.Status.HANDLING, resolution_due=late)
    CaseFactory(center=org.center, status=Case.Status.HANDLING, resolution_due=timezone.now() + timedelta(days=1))
    CaseFactory(center=org.center, status=Case.Status.TRANSFERRED, resolution_due=late)  # waits on a department
    queued = []
    monkeypatch.setattr(tasks, "SWEEP_BATCH", 2)
    monkeypatch.setattr(tasks.escalate_overdue_cases, "delay", lambda ids, level: queued.append((ids, level)))
    assert tasks.sweep_deadlines()["escalated"] == 5
    assert [len(ids) for ids, _level in queued] == [2, 2, 1]
    assert sorted(i for ids, _level in queued for i in ids) == sorted(case.pk for case in overdue)


def test_a_batch_run_twice_escalates_each_case_once(org):
    late = timezone.now() - timedelta(hours=1)
    ids = [case.pk for case in CaseFactory.create_batch(3, center=org.center, status=Case.Status.HANDLING,
                                                        resolution_due=late)]
    assert tasks.escalate_overdue_cases(ids, Level.VILLAGE) == 3
    assert tasks.escalate_overdue_cases(ids, Level.VILLAGE) == 0  # a redelivery changes nothing
    events = CaseEvent.objects.filter(kind=CaseEvent.Kind.ESCALATED, case_id__in=ids)
    assert events.count() == 3 and all(event.automatic for event in events)
