"""The Celery worker outlives a Redis restart by itself, even while it holds an unacknowledged message.

With kombu's stock Redis transport (celery 5.7.0, kombu 5.7.0, redis-py 8.1.0) the worker stopped with
"Unrecoverable error: AttributeError: 'NoneType' object has no attribute 'hostname'" when Redis went away
while it held a task sent with a countdown; pinggu_center/broker.py explains the cause and the fix.
"""

from __future__ import annotations

import pytest

from cases import services
from cases.models import Case
from pinggu_center.models import Level, Outbox
from pinggu_center.tasks import deliver_outbox
from tests.cases.helpers import register

from .helpers import wait_until

pytestmark = pytest.mark.integration


def test_worker_holding_a_countdown_task_survives_a_redis_restart(org, cadre, director, redis_control, celery_worker):
    # A message the worker receives and must keep, unacknowledged, until its time comes.
    deliver_outbox.apply_async((0,), countdown=300)
    wait_until(lambda: "received" in celery_worker.log_text(), timeout=10, message="the worker to hold the task")

    redis_control.stop()
    wait_until(
        lambda: "Connection to broker lost" in celery_worker.log_text(), timeout=15, message="the worker to notice"
    )
    redis_control.start()
    assert celery_worker.is_alive(), celery_worker.log_text()[-3000:]
    assert "Unrecoverable error" not in celery_worker.log_text()

    # Reconnected on its own: an escalation made now is routed by the same process.
    case = register(org.center, cadre)
    services.escalate_case(case_id=case.pk, from_level=Level.VILLAGE, actor=director, reason="上报")
    wait_until(
        lambda: Case.objects.get(pk=case.pk).holder_id == org.town.pk, timeout=40, message="routing after the restart"
    )
    assert Outbox.objects.get(topic="route_escalation", payload__case_id=case.pk).status == Outbox.Status.DONE
    assert celery_worker.is_alive()
