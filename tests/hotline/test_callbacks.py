"""The hotline_callback outbox handler: the contract's body, signed; failures raise so the outbox retries."""

from __future__ import annotations

import json
from urllib.error import HTTPError

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from cases import services
from cases.hotline.callbacks import deliver_hotline_callback
from cases.hotline.signing import signature
from cases.models import Case, CaseEvent
from pinggu_center import outbox
from pinggu_center.models import Level, Outbox

from .helpers import ORDERS_URL, order, post
from .receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def hotline_case(org, settings) -> Case:
    settings.HOTLINE_CALLBACK_URL = "http://127.0.0.1:9/unused"
    post(Client(), ORDERS_URL, order())
    return Case.objects.get()


def test_status_changes_of_a_hotline_case_are_queued_in_order(hotline_case, director):
    services.choose_path(case_id=hotline_case.pk, actor=director, path="direct")
    services.archive_case(case_id=hotline_case.pk, actor=director, outcome="resolved", summary="路灯已修复。")
    rows = Outbox.objects.filter(topic="hotline_callback").order_by("pk")
    assert {row.ordering_key for row in rows} == {"hotline:BJ12345-20261124-000123"}
    kinds = [CaseEvent.objects.get(pk=row.payload["event_id"]).kind for row in rows]
    assert kinds == ["path_chosen", "archived"]


def test_the_callback_body_and_signature(hotline_case, director, settings):
    services.choose_path(case_id=hotline_case.pk, actor=director, path="direct")
    services.archive_case(case_id=hotline_case.pk, actor=director, outcome="resolved", summary="路灯已修复。")
    services.record_follow_up(case_id=hotline_case.pk, actor=director, performance="na", risk="",
                              satisfaction="satisfied", note="群众满意")
    event = hotline_case.events.get(kind="follow_up")
    row = Outbox.objects.get(topic="hotline_callback", payload__event_id=event.pk)
    with Receiver() as receiver:
        settings.HOTLINE_CALLBACK_URL = receiver.url
        deliver_hotline_callback(row.payload)
    (request,) = receiver.received
    at = timezone.localtime(event.at).isoformat()
    assert at.endswith("+08:00")
    assert json.loads(request.body) == {
        "event_id": f"{hotline_case.number}-{event.pk}", "order_no": "BJ12345-20261124-000123",
        "case_number": hotline_case.number, "at": at, "status": "closed", "level": "village",
        "kind": "follow_up", "note": "满意。群众满意", "satisfaction": "satisfied",
    }
    assert request.headers["X-Hotline-Signature"] == signature(
        settings.HOTLINE_SECRET, request.headers["X-Hotline-Timestamp"], request.body
    )


def test_a_non_2xx_answer_raises(hotline_case, director, settings):
    event = services.choose_path(case_id=hotline_case.pk, actor=director, path="direct").events.last()
    with Receiver(fail_first=1) as receiver:
        settings.HOTLINE_CALLBACK_URL = receiver.url
        with pytest.raises(HTTPError, match="500"):
            deliver_hotline_callback({"event_id": event.pk})


def test_no_answer_raises(hotline_case, director, settings):
    event = services.choose_path(case_id=hotline_case.pk, actor=director, path="direct").events.last()
    settings.HOTLINE_CALLBACK_URL = "http://127.0.0.1:9/closed-port"
    with pytest.raises(OSError):
        deliver_hotline_callback({"event_id": event.pk})


def test_nothing_is_sent_or_queued_without_a_callback_url(hotline_case, director, settings):
    settings.HOTLINE_CALLBACK_URL = ""
    event = services.choose_path(case_id=hotline_case.pk, actor=director, path="direct").events.last()
    assert not Outbox.objects.filter(topic="hotline_callback").exists()
    deliver_hotline_callback({"event_id": event.pk})  # a row queued earlier is dropped quietly


def test_a_row_written_before_bodies_were_snapshotted_is_still_delivered(hotline_case, director, settings):
    event = services.choose_path(case_id=hotline_case.pk, actor=director, path="direct").events.last()
    with Receiver() as receiver:
        settings.HOTLINE_CALLBACK_URL = receiver.url
        deliver_hotline_callback({"event_id": event.pk})
    (request,) = receiver.received
    assert json.loads(request.body)["status"] == "handling"


def _deliver_due_rows() -> None:
    """What the worker does, one pass: try every callback row in order (a row behind a pending one waits)."""
    pending = Outbox.objects.filter(topic="hotline_callback", status=Outbox.Status.PENDING).order_by("pk")
    for row_id in pending.values_list("pk", flat=True):
        outbox.deliver(row_id)


def test_callbacks_delayed_behind_a_failing_receiver_report_the_status_of_their_own_change(
    hotline_case, director, town_user, settings
):
    """Five changes while the hotline refuses; each callback still says what the case was right after it."""
    settings.OUTBOX_BACKOFF_SECONDS = 1
    changes = [
        lambda: services.choose_path(case_id=hotline_case.pk, actor=director, path="direct"),
        lambda: services.escalate_case(case_id=hotline_case.pk, from_level=Level.VILLAGE, actor=director,
                                       reason="涉及多户"),
        lambda: services.route_escalation(case_id=hotline_case.pk, level=Level.TOWN),
        lambda: services.choose_path(case_id=hotline_case.pk, actor=town_user, path="direct"),
        lambda: services.archive_case(case_id=hotline_case.pk, actor=town_user, outcome="resolved",
                                      summary="路灯已修复。"),
    ]
    expected = []
    with Receiver(fail_first=6) as receiver, time_machine.travel(timezone.now(), tick=False) as clock:
        settings.HOTLINE_CALLBACK_URL = receiver.url
        for change in changes:
            change()
            case = Case.objects.get(pk=hotline_case.pk)
            expected.append((case.status, case.level))
            _deliver_due_rows()  # refused: the receiver is down the whole time the changes are made
            clock.shift(60)
        assert receiver.received == [] and receiver.calls == 5
        while Outbox.objects.filter(topic="hotline_callback", status=Outbox.Status.PENDING).exists():
            _deliver_due_rows()
            clock.shift(3600)
    delivered = [json.loads(request.body) for request in receiver.received]
    assert [m["kind"] for m in delivered] == ["path_chosen", "escalated", "routed", "path_chosen", "archived"]
    assert [(m["status"], m["level"]) for m in delivered] == expected == [
        ("handling", "village"), ("registered", "town"), ("registered", "town"), ("handling", "town"),
        ("closed", "town"),
    ]
