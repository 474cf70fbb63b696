"""Delivery of outbox rows: each topic's idempotent handler is named beside it in `pinggu_center.topics`."""

from __future__ import annotations

import logging
from contextlib import nullcontext
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from . import topics
from .models import Outbox, User
from .notifications import notify_users

logger = logging.getLogger(__name__)

# How long a row whose network handler is running is left alone (HTTP handlers time out after 10 s). A worker that
# dies meanwhile leaves the row pending, due again once the claim lapses.
CLAIM_SECONDS = 60


def deliver(outbox_id: int) -> str:
    """Run one row's handler at most once to success; returns what happened, for logs and tests.

    A database handler runs inside the transaction that locks the row, so its work and the row's "done" commit
    together. A network handler runs after the row has been claimed and that short transaction has committed:
    while it waits on the other system it holds no transaction and no lock.
    """
    with transaction.atomic():
        row = Outbox.objects.select_for_update(skip_locked=True).filter(pk=outbox_id).first()
        if row is None:
            return "locked-or-missing"
        if row.status != Outbox.Status.PENDING:
            return "already-" + row.status
        if row.next_attempt_at > timezone.now():
            return "not-due"  # not yet due, or claimed by a network delivery still running
        if row.ordering_key and _earlier_pending(row):
            # Not an attempt: the earlier row hands this one to the worker when it is done or has failed
            # for good (_kick_next), and the sweep re-sends it should that hand-over be lost.
            return "waiting"
        row.attempts += 1
        topic = topics.TOPICS.get(row.topic)
        if topic is None:
            _schedule_retry(row, f"no handler for topic {row.topic!r}")
            return "no-handler"
        handler = topic.load()
        if not topic.network:
            return _record(row, _attempt(row, handler, savepoint=True))
        row.next_attempt_at = timezone.now() + timedelta(seconds=CLAIM_SECONDS)
        row.save(update_fields=["attempts", "next_attempt_at"])
    error = _attempt(row, handler, savepoint=False)
    with transaction.atomic():
        row = Outbox.objects.select_for_update().get(pk=outbox_id)
        if row.status != Outbox.Status.PENDING:
            return "already-" + row.status
        return _record(row, error)


def _attempt(row: Outbox, handler: topics.Handler, *, savepoint: bool) -> str | None:
    """Run the handler once: None on success, else the error (a failed database handler's writes are undone)."""
    try:
        with transaction.atomic() if savepoint else nullcontext():
            handler(row.payload)
    except Exception as exc:  # noqa: BLE001 - any failure is retried with back-off, then marked failed.
        logger.warning("Outbox %s (%s) failed: %s", row.pk, row.topic, exc)
        return f"{type(exc).__name__}: {exc}"
    return None


def _record(row: Outbox, error: str | None) -> str:
    """Mark the locked row done, or schedule its next attempt."""
    if error is not None:
        _schedule_retry(row, error)
        return "retry"
    row.status = Outbox.Status.DONE
    row.done_at = timezone.now()
    row.save(update_fields=["status", "done_at", "attempts"])
    if row.ordering_key:
        transaction.on_commit(lambda: _kick_next(row))
    return "done"


def _earlier_pending(row: Outbox) -> bool:
    return Outbox.objects.filter(
        ordering_key=row.ordering_key, pk__lt=row.pk, status=Outbox.Status.PENDING
    ).exists()


def _schedule_retry(row: Outbox, error: str) -> None:
    """After a failed attempt (already counted): back off, or give up after the last one."""
    row.last_error = error[:2000]
    if row.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        row.status = Outbox.Status.FAILED
        _tell_district_admins(row)
        if row.ordering_key:
            transaction.on_commit(lambda: _kick_next(row))
    else:
        row.next_attempt_at = timezone.now() + row.backoff()
    row.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
    if row.status == Outbox.Status.PENDING:
        countdown = max((row.next_attempt_at - timezone.now()).total_seconds(), 0)
        transaction.on_commit(lambda: hand_to_worker(row.pk, countdown))


def _tell_district_admins(row: Outbox) -> None:
    """A row that failed for good needs a person: every district administrator is notified, once per failure."""
    admins = User.objects.filter(role=User.Role.DISTRICT_ADMIN, is_active=True)
    key = f"outbox-failed:{row.pk}:{int(timezone.now().timestamp())}"
    notify_users(admins, key=key, url=reverse("outbox_problems"),
                 message=gettext_noop("待投递消息 %(topic)s#%(id)s 多次投递失败，已停止重试，请到“投递异常”页面查看并重新投递。"),
                 params={"topic": row.topic, "id": row.pk})


def _kick_next(row: Outbox) -> None:
    following = (
        Outbox.objects.filter(ordering_key=row.ordering_key, status=Outbox.Status.PENDING, pk__gt=row.pk)
        .order_by("pk")
        .first()
    )
    if following is not None:
        Outbox.objects.filter(pk=following.pk).update(next_attempt_at=timezone.now())
        hand_to_worker(following.pk, 0)


def hand_to_worker(outbox_id: int, countdown: float) -> bool:
    """Queue the row's delivery; False (logged) when the broker cannot be reached: the sweep re-sends it."""
    from .tasks import deliver_outbox

    try:
        deliver_outbox.apply_async((outbox_id,), countdown=countdown)
    except Exception:  # noqa: BLE001 - the broker may be down; the sweep re-sends pending rows.
        logger.warning("Outbox %s not handed to the broker; the sweep will retry.", outbox_id)
        return False
    return True


def broker_backlog() -> int | None:
    """Messages waiting in the worker's queue, or None when the broker cannot be reached."""
    from .celery import app

    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1)
            declared = connection.default_channel.queue_declare(queue=app.conf.task_default_queue)
            return declared.message_count
    except Exception:  # noqa: BLE001 - any broker failure means: nothing can be re-sent now
        logger.warning("The broker cannot be reached; the outbox sweep re-sends nothing this time.")
        return None


def claim_stale(stale_seconds: float, limit: int = 500) -> list[int]:
    """Pending rows due for longer than `stale_seconds`, whose hand-over to the worker was lost; claimed.

    Each row returned is made due again from now, so the next sweep leaves it alone for another stale period
    while it waits in the queue; rows a worker is delivering right now are locked and skipped.
    """
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Outbox.objects.select_for_update(skip_locked=True)
            .filter(
                status=Outbox.Status.PENDING,
                next_attempt_at__lte=now - timedelta(seconds=stale_seconds),
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        Outbox.objects.filter(pk__in=ids).update(next_attempt_at=now)
    return ids
