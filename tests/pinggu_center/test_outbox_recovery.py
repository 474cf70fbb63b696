"""Failed and stale outbox rows: the sweep re-sends only stale ones; people see, are told of and retry failures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from pinggu_center import outbox, services, tasks
from pinggu_center.models import AuditLog, Notification, Outbox
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class Broker:
    """Stands in for the broker: records the row ids handed to it and reports a queue length."""

    def __init__(self) -> None:
        self.sent: list[int] = []
        self.backlog: int | None = 0  # None: unreachable

    def hand(self, outbox_id: int, countdown: float) -> bool:
        if self.backlog is None:
            return False
        self.sent.append(outbox_id)
        return True


@pytest.fixture
def broker(monkeypatch) -> Broker:
    fake = Broker()
    monkeypatch.setattr(outbox, "hand_to_worker", fake.hand)
    monkeypatch.setattr(services, "hand_to_worker", fake.hand)
    monkeypatch.setattr(outbox, "broker_backlog", lambda: fake.backlog)
    return fake


@pytest.fixture
def handed(broker) -> list[int]:
    """Row ids handed to the broker (the broker itself is not needed here)."""
    return broker.sent


def _row(*, status=Outbox.Status.PENDING, due_seconds_ago: float = 0, **fields) -> Outbox:
    now = timezone.now()
    return Outbox.objects.create(
        topic=fields.pop("topic", "route_escalation"),
        status=status,
        next_attempt_at=now - timedelta(seconds=due_seconds_ago),
        **fields,
    )


def test_sweep_resends_only_rows_pending_longer_than_the_stale_threshold(handed):
    stale = settings.OUTBOX_STALE_SECONDS
    fresh = _row(due_seconds_ago=1)  # handed to the broker a moment ago: most likely still in the queue
    almost = _row(due_seconds_ago=stale - 5)
    lost = _row(due_seconds_ago=stale + 5)
    _row(status=Outbox.Status.DONE, due_seconds_ago=stale * 10)
    _row(status=Outbox.Status.FAILED, due_seconds_ago=stale * 10)
    not_yet = _row(due_seconds_ago=-600)  # a retry waiting for its back-off
    assert tasks.sweep_outbox() == 1
    assert handed == [lost.pk]
    assert {fresh.pk, almost.pk, not_yet.pk}.isdisjoint(handed)
    # The re-sent row waits in the queue now: the next sweep leaves it alone for another stale period.
    assert tasks.sweep_outbox() == 0
    Outbox.objects.filter(pk=lost.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=stale + 1))
    assert tasks.sweep_outbox() == 1 and handed == [lost.pk, lost.pk]


def test_while_the_worker_has_a_backlog_only_long_lost_rows_are_resent(broker):
    stale = settings.OUTBOX_STALE_SECONDS
    queued_maybe = _row(due_seconds_ago=stale * 3)  # may well be waiting behind the backlog
    long_lost = _row(due_seconds_ago=stale * 11)
    broker.backlog = 250
    assert tasks.sweep_outbox() == 1 and broker.sent == [long_lost.pk]
    # Once the worker has caught up, anything still pending and stale was lost.
    broker.backlog = 0
    assert tasks.sweep_outbox() == 1 and broker.sent == [long_lost.pk, queued_maybe.pk]


def test_with_the_broker_down_the_sweep_resends_nothing(broker):
    lost = _row(due_seconds_ago=settings.OUTBOX_STALE_SECONDS * 2)
    broker.backlog = None
    assert tasks.sweep_outbox() == 0 and broker.sent == []
    lost.refresh_from_db()
    assert lost.next_attempt_at < timezone.now() - timedelta(seconds=settings.OUTBOX_STALE_SECONDS)


def test_broker_backlog_reads_the_real_queue():
    from pinggu_center.celery import app

    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(app.conf.task_default_queue)
    assert outbox.broker_backlog() == 0
    tasks.deliver_outbox.apply_async((0,))
    tasks.deliver_outbox.apply_async((0,))
    assert outbox.broker_backlog() == 2
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(app.conf.task_default_queue)


def test_pending_rows_have_a_partial_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'pinggu_center_outbox'")
        indexes = dict(cursor.fetchall())
    assert "WHERE ((status)::text = 'pending'::text)" in indexes["outbox_pending_due"]
    assert "WHERE ((status)::text = 'failed'::text)" in indexes["outbox_failed"]


def test_a_row_that_fails_for_good_notifies_every_district_administrator(org, district_admin, director, handed):
    other_admin = UserFactory(username="admin2", role="district_admin", division=org.district)
    row = _row(topic="no_such_topic", attempts=settings.OUTBOX_MAX_ATTEMPTS - 1)
    assert outbox.deliver(row.pk) == "no-handler"
    row.refresh_from_db()
    assert row.status == Outbox.Status.FAILED
    notified = Notification.objects.filter(key__startswith=f"outbox-failed:{row.pk}:")
    assert sorted(n.recipient.username for n in notified) == sorted([district_admin.username, other_admin.username])
    assert all(n.url == reverse("outbox_problems") and f"#{row.pk}" in n.render() for n in notified)
    assert not Notification.objects.filter(recipient=director).exists()


def test_district_review_counts_problems_and_the_list_retries_them(
    org, district_admin, client_for, handed, django_capture_on_commit_callbacks
):
    failed = _row(status=Outbox.Status.FAILED, attempts=12, last_error="ConnectionError: refused")
    long_pending = _row(due_seconds_ago=7200)
    Outbox.objects.filter(pk=long_pending.pk).update(created_at=timezone.now() - timedelta(hours=2))
    _row(status=Outbox.Status.DONE)
    _row()  # pending, just written: not a problem
    client = client_for(district_admin)

    review = client.get(reverse("dashboards:district_review"))
    assert review.status_code == 200
    assert "有 2 条后台消息投递失败或长时间未投递" in review.content.decode()

    page = client.get(reverse("outbox_problems"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "ConnectionError: refused" in body and f"<td>{long_pending.pk}</td>" in body

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("outbox_retry"), {"ids": [str(failed.pk)]})
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Outbox.Status.PENDING, 0)
    assert handed == [failed.pk]
    assert AuditLog.objects.filter(action="change", detail=f"outbox retry {failed.pk}", actor=district_admin).exists()

    # "All" re-queues what is still a problem: the long-pending row (the retried one is fresh again).
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("outbox_retry"), {"all": "1"})
    assert handed == [failed.pk, long_pending.pk]


def test_delivered_rows_are_never_retried(org, district_admin, handed):
    done = _row(status=Outbox.Status.DONE)
    assert services.retry_outbox_rows(ids=[done.pk], actor=district_admin) == 0
    done.refresh_from_db()
    assert done.status == Outbox.Status.DONE and handed == []


def test_only_district_administrators_retry(org, auditor, director, client_for, handed):
    failed = _row(status=Outbox.Status.FAILED)
    assert client_for(director).get(reverse("outbox_problems")).status_code == 404
    assert client_for(director).post(reverse("outbox_retry"), {"ids": [str(failed.pk)]}).status_code == 404
    auditor_client = client_for(auditor)
    assert auditor_client.get(reverse("outbox_problems")).status_code == 200
    auditor_client.post(reverse("outbox_retry"), {"ids": [str(failed.pk)]})
    failed.refresh_from_db()
    assert failed.status == Outbox.Status.FAILED and handed == []
    with pytest.raises(services.DeliveryRuleError) as refused:
        services.retry_outbox_rows(ids=[failed.pk], actor=auditor)
    assert refused.value.code == "district_admin_only"


def test_admin_action_retries_selected_rows(org, client_for, handed, django_capture_on_commit_callbacks):
    admin_user = UserFactory(username="root", role="district_admin", division=org.district, is_staff=True,
                             is_superuser=True)  # fmt: skip
    failed = _row(status=Outbox.Status.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin_user).post(
            reverse("admin:pinggu_center_outbox_changelist"), {"action": "retry", "_selected_action": [str(failed.pk)]}
        )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == Outbox.Status.PENDING and handed == [failed.pk]


def test_prune_keeps_what_still_matters(org, district_admin, director):
    now = timezone.now()
    old_done = _row(status=Outbox.Status.DONE, done_at=now - timedelta(days=settings.OUTBOX_RETENTION_DAYS + 1))
    recent_done = _row(status=Outbox.Status.DONE, done_at=now - timedelta(days=1))
    old_failed = _row(status=Outbox.Status.FAILED, created_at=now - timedelta(days=400))
    old_pending = _row(created_at=now - timedelta(days=400))
    old_read = Notification.objects.create(
        recipient=director, key="a", text="旧", read_at=now - timedelta(days=settings.NOTIFICATION_RETENTION_DAYS + 1)
    )
    recent_read = Notification.objects.create(recipient=director, key="b", text="近", read_at=now - timedelta(days=1))
    old_unread = Notification.objects.create(
        recipient=director, key="c", text="未读", created_at=now - timedelta(days=999)
    )
    assert tasks.prune_queues() == (1, 1)
    assert set(Outbox.objects.values_list("pk", flat=True)) == {recent_done.pk, old_failed.pk, old_pending.pk}
    assert not Outbox.objects.filter(pk=old_done.pk).exists()
    assert set(Notification.objects.values_list("pk", flat=True)) == {recent_read.pk, old_unread.pk}
    assert not Notification.objects.filter(pk=old_read.pk).exists()
