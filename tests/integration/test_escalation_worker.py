"""Escalation crosses processes: the web commits an outbox row, a real Celery worker routes the case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services
from cases.models import Case, CaseEvent
from pinggu_center.models import Level, Notification, Outbox
from pinggu_center.tasks import deliver_outbox, sweep_outbox
from tests.cases.helpers import register

from .helpers import wait_until

pytestmark = pytest.mark.integration


def _holder(case_id: int) -> tuple[str, int]:
    case = Case.objects.get(pk=case_id)
    return case.level, case.holder_id


def test_village_to_town_to_district_within_seconds(org, cadre, director, town_user, district_admin, celery_worker):
    case = register(org.center, cadre)
    services.escalate_case(case_id=case.pk, from_level=Level.VILLAGE, actor=director, reason="涉及多户，村级难以化解")
    wait_until(lambda: _holder(case.pk) == (Level.TOWN, org.town.pk), timeout=20, message="routing to the town")
    assert Notification.objects.filter(recipient=town_user, key__startswith="routed:").count() == 1
    assert Case.objects.visible_to(town_user).filter(pk=case.pk, holder=org.town).exists()

    services.escalate_case(case_id=case.pk, from_level=Level.TOWN, actor=town_user, reason="跨镇街")
    wait_until(lambda: _holder(case.pk) == (Level.DISTRICT, org.district.pk), timeout=20, message="to the district")
    assert Notification.objects.filter(recipient=district_admin).count() == 1
    assert CaseEvent.objects.filter(case_id=case.pk, kind=CaseEvent.Kind.ROUTED).count() == 2


def test_overdue_case_is_escalated_by_the_sweep(org, cadre, celery_worker):
    from cases.tasks import sweep_deadlines

    case = register(org.center, cadre)
    Case.objects.filter(pk=case.pk).update(resolution_due=timezone.now() - timedelta(hours=1))
    sweep_deadlines.delay()
    wait_until(lambda: _holder(case.pk) == (Level.TOWN, org.town.pk), timeout=20, message="automatic escalation")
    escalated = CaseEvent.objects.get(case_id=case.pk, kind=CaseEvent.Kind.ESCALATED)
    assert escalated.automatic is True and escalated.actor is None


def test_outbox_row_survives_redis_outage_and_is_delivered_once(
    settings, org, cadre, director, redis_control, celery_worker
):
    redis_control.stop()
    case = register(org.center, cadre)
    services.escalate_case(case_id=case.pk, from_level=Level.VILLAGE, actor=director, reason="上报")
    row = Outbox.objects.get(topic="route_escalation", payload__case_id=case.pk)
    assert row.status == Outbox.Status.PENDING  # the broker was down: the row waits
    redis_control.start()
    if not celery_worker.is_alive():
        celery_worker.start()  # a supervisor restarts a worker that lost its broker
    settings.OUTBOX_STALE_SECONDS = 0  # the sweep runs a minute later in production; the row is stale by then
    assert sweep_outbox() >= 1  # this row, and the similar-case index's rows of the case
    wait_until(lambda: Outbox.objects.get(pk=row.pk).status == Outbox.Status.DONE, timeout=30, message="delivery")
    # Running the routing again, directly or through the task, changes nothing: wait for the worker's answer.
    again = deliver_outbox.delay(row.pk)
    result = wait_until(lambda: celery_worker.task_result(again.id), timeout=20, message="the second delivery")
    assert result == "'already-done'"
    assert services.route_escalation(case_id=case.pk, level=Level.TOWN) is False
    assert CaseEvent.objects.filter(case_id=case.pk, kind=CaseEvent.Kind.ESCALATED).count() == 1
    assert CaseEvent.objects.filter(case_id=case.pk, kind=CaseEvent.Kind.ROUTED).count() == 1
    assert _holder(case.pk) == (Level.TOWN, org.town.pk)
