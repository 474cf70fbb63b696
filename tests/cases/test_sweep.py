"""The overdue sweep hands the cases over in batches and escalates each once, through escalate_case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import tasks
from cases.models import Case, CaseEvent
from pinggu_center.models import Level

from .factories import CaseFactory
from .test_tally import _counters

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


def test_a_batch_writes_the_counters_once_and_they_equal_a_rebuild(org):
    """The batch adds its cases' counter deltas up and writes them in one statement; a case refused under its
    savepoint (closed meanwhile) adds nothing, and the counters still equal a count from scratch."""
    late = timezone.now() - timedelta(hours=1)
    cases = CaseFactory.create_batch(4, center=org.center, status=Case.Status.HANDLING, resolution_due=late)
    Case.objects.filter(pk=cases[1].pk).update(status=Case.Status.CLOSED, closure=Case.Closure.ARCHIVE,
                                               outcome="resolved", closed_at=late)
    call_command("rebuild_counters", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with CaptureQueriesContext(connection) as queries:
        assert tasks.escalate_overdue_cases([case.pk for case in cases], Level.VILLAGE) == 3
    counter_writes = [q for q in queries.captured_queries if q["sql"].startswith("INSERT INTO cases_casetally")]
    assert len(counter_writes) == 1
    kept = _counters()
    call_command("rebuild_counters", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counters() == kept
    escalated = set(CaseEvent.objects.filter(kind=CaseEvent.Kind.ESCALATED).values_list("case_id", flat=True))
    assert escalated == {cases[0].pk, cases[2].pk, cases[3].pk}
