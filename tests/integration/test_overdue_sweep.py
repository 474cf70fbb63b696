"""The overdue sweep escalates each overdue case exactly once, through escalate_case, even if the worker dies mid-sweep."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Case, CaseEvent
from cases.tasks import sweep_deadlines
from pinggu_center.models import Level
from tests.cases.factories import CaseFactory

from .helpers import wait_until

pytestmark = pytest.mark.integration

CASES = 60


def _escalated() -> int:
    return CaseEvent.objects.filter(kind=CaseEvent.Kind.ESCALATED, automatic=True).count()


def test_worker_killed_mid_sweep_then_restarted_escalates_each_case_once(org, celery_worker, monkeypatch):
    late = timezone.now() - timedelta(hours=2)
    CaseFactory.create_batch(CASES, center=org.center, status=Case.Status.HANDLING, resolution_due=late)
    monkeypatch.setattr("cases.tasks.SWEEP_BATCH", 5)
    sweep_deadlines()  # as beat's run does: select here, twelve batches to the worker
    wait_until(lambda: _escalated() > 0, timeout=60, message="the first escalations")
    celery_worker.stop(kill=True)  # kill -9, in the middle of the sweep
    assert _escalated() < CASES, "the sweep finished before the kill: nothing was tested"
    celery_worker.start()
    sweep_deadlines.delay()  # the next beat run picks up what is still overdue
    wait_until(lambda: _escalated() == CASES, timeout=300, message="every case escalated")
    per_case = CaseEvent.objects.filter(kind=CaseEvent.Kind.ESCALATED).values_list("case_id", flat=True)
    assert len(per_case) == len(set(per_case)) == CASES
    assert not Case.objects.filter(level=Level.VILLAGE).exists()
