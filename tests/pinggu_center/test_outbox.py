"""Outbox delivery: idempotent, retried with back-off, in order per key, and a waiting row burns no attempts."""

from __future__ import annotations

import pytest
from django.utils import timezone

from pinggu_center import outbox, topics
from pinggu_center.models import Outbox

pytestmark = pytest.mark.django_db

calls: list[dict] = []


def _handler(payload: dict) -> None:
    calls.append(payload)
    if payload.get("fail"):
        raise RuntimeError("receiver down")


@pytest.fixture(autouse=True)
def _test_topic(monkeypatch):
    monkeypatch.setitem(topics.TOPICS, "test_topic", topics.Topic("test_topic", f"{__name__}._handler"))
    calls.clear()


def _row(**payload) -> Outbox:
    return Outbox.objects.create(topic="test_topic", ordering_key=payload.pop("key", ""), payload=payload)


def test_delivered_once(django_capture_on_commit_callbacks):
    row = _row(n=1)
    assert outbox.deliver(row.pk) == "done"
    assert outbox.deliver(row.pk) == "already-done"
    assert calls == [{"n": 1}]


def test_failure_is_retried_with_back_off_then_marked_failed(settings, django_capture_on_commit_callbacks):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    row = _row(fail=True)
    assert outbox.deliver(row.pk) == "retry"
    row.refresh_from_db()
    assert row.attempts == 1 and row.next_attempt_at > timezone.now() and "receiver down" in row.last_error
    assert outbox.deliver(row.pk) == "not-due"
    Outbox.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    outbox.deliver(row.pk)
    assert Outbox.objects.get(pk=row.pk).status == Outbox.Status.FAILED


def test_a_row_waits_for_the_earlier_row_of_its_key_without_spending_attempts(django_capture_on_commit_callbacks):
    first, second = _row(key="order-1", n=1, fail=True), _row(key="order-1", n=2)
    outbox.deliver(first.pk)
    for _ in range(20):
        assert outbox.deliver(second.pk) == "waiting"
    second.refresh_from_db()
    assert second.attempts == 0 and second.status == Outbox.Status.PENDING
    assert calls == [{"n": 1, "fail": True}]


def test_every_topic_names_a_handler_that_imports_and_the_check_says_so(monkeypatch):
    from django.core.management import call_command

    from pinggu_center.checks import outbox_handlers_import

    assert all(callable(topic.load()) for topic in topics.TOPICS.values())
    assert outbox_handlers_import() == []
    monkeypatch.setitem(topics.TOPICS, "broken", topics.Topic("broken", "cases.handlers.no_such_function"))
    assert [error.id for error in outbox_handlers_import()] == ["pinggu_center.E001"]
    with pytest.raises(Exception, match="broken"):
        call_command("check")


def test_an_unknown_topic_is_refused_when_the_row_is_written():
    with pytest.raises(LookupError, match="no_such_topic"):
        Outbox.enqueue("no_such_topic", n=1)
    assert Outbox.enqueue(topics.ROUTE_ESCALATION, case_id=1, level="town").topic == "route_escalation"
