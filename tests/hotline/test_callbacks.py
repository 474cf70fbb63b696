"""The hotline_callback outbox handler: the contract's body, signed; failures raise so the outbox retries."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from cases import services
from cases.hotline.callbacks import deliver_hotline_callback
from cases.hotline.signing import signature
from cases.models import Case, CaseEvent
from pinggu_center.models import Outbox

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
    with Receiver() as receiver:
        settings.HOTLINE_CALLBACK_URL = receiver.url
        deliver_hotline_callback({"event_id": event.pk})
    (request,) = receiver.received
    assert json.loads(request.body) == {
        "event_id": f"{hotline_case.number}-{event.pk}", "order_no": "BJ12345-20261124-000123",
        "case_number": hotline_case.number, "at": event.at.isoformat(), "status": "closed", "level": "village",
        "kind": "follow_up", "note": "满意。群众满意", "satisfaction": "satisfied",
    }
    assert request.headers["X-Hotline-Signature"] == signature(
        settings.HOTLINE_SECRET, request.headers["X-Hotline-Timestamp"], request.body
    )


def test_a_non_2xx_answer_raises(hotline_case, director, settings):
    event = services.choose_path(case_id=hotline_case.pk, actor=director, path="direct").events.last()
    with Receiver(fail_first=1) as receiver:
        settings.HOTLINE_CALLBACK_URL = receiver.url
        with pytest.raises(Exception, match="500"):
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
