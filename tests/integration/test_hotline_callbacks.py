"""12345 progress reaches the hotline through a REAL Celery worker: once per change, in order, across a Redis outage."""

from __future__ import annotations

import json

import pytest
from django.conf import settings as django_settings
from django.test import Client

from cases import services
from cases.hotline.signing import signature
from cases.models import Case
from pinggu_center.models import Outbox
from pinggu_center.tasks import sweep_outbox
from tests.hotline.helpers import ORDERS_URL, order, post
from tests.hotline.receiver import Receiver

from .helpers import wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def receiver(monkeypatch, settings):
    """A hotline that fails its first two calls; the worker (started after this fixture) is pointed at it."""
    with Receiver(fail_first=2) as hotline:
        for name, value in {"HOTLINE_CALLBACK_URL": hotline.url, "OUTBOX_BACKOFF_SECONDS": "1"}.items():
            monkeypatch.setenv(name, value)
        settings.HOTLINE_CALLBACK_URL = hotline.url
        settings.OUTBOX_BACKOFF_SECONDS = 1
        yield hotline


def _delivered(hotline: Receiver) -> list[dict]:
    """What the hotline kept, each change once (it drops repeats by event_id), in arrival order."""
    seen, messages = set(), []
    for request in list(hotline.received):
        message = json.loads(request.body)
        if message["event_id"] not in seen:
            seen.add(message["event_id"])
            messages.append(message)
    return messages


def test_progress_reaches_the_hotline_once_per_change_in_order(
    settings, receiver, org, director, redis_control, celery_worker
):
    assert post(Client(), ORDERS_URL, order()).status_code == 201
    case = Case.objects.get(hotline_order_no=order()["order_no"])
    services.choose_path(case_id=case.pk, actor=director, path="direct")
    services.archive_case(case_id=case.pk, actor=director, outcome="resolved", summary="路灯已修复。")
    wait_until(lambda: len(_delivered(receiver)) == 2, timeout=40, message="two callbacks past two failures")
    assert receiver.calls >= 4  # two refused, then both delivered

    redis_control.stop()
    services.record_follow_up(case_id=case.pk, actor=director, performance="na", risk="", satisfaction="satisfied",
                              note="群众满意")
    row = Outbox.objects.filter(topic="hotline_callback").order_by("-pk").first()
    assert row.status == Outbox.Status.PENDING  # the broker is down: the row waits in the database
    redis_control.start()
    if not celery_worker.is_alive():
        celery_worker.start()  # a supervisor restarts a worker that lost its broker
    settings.OUTBOX_STALE_SECONDS = 0  # the sweep runs a minute later in production; the row is stale by then
    sweep_outbox()
    wait_until(lambda: len(_delivered(receiver)) == 3, timeout=40, message="the follow-up after Redis came back")

    messages = _delivered(receiver)
    assert [m["kind"] for m in messages] == ["path_chosen", "archived", "follow_up"]
    assert [m["status"] for m in messages] == ["handling", "closed", "closed"]
    assert messages[-1]["satisfaction"] == "satisfied"
    assert all(m["order_no"] == "BJ12345-20261124-000123" and m["case_number"] == case.number for m in messages)
    for request in receiver.received:
        stamp = request.headers["X-Hotline-Timestamp"]
        assert request.headers["X-Hotline-Signature"] == signature(django_settings.HOTLINE_SECRET, stamp, request.body)
    # The receiver hears a message a moment before the worker's transaction marks its row done.
    wait_until(
        lambda: not Outbox.objects.filter(topic="hotline_callback").exclude(status=Outbox.Status.DONE).exists(),
        timeout=10, message="every callback row marked done",
    )
