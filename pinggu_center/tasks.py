"""Background work of the organisation app: outbox delivery and its safety-net sweep."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import outbox
from .models import AuditLog, Notification, Outbox


@shared_task(acks_late=True)
def deliver_outbox(outbox_id: int) -> str:
    """Deliver one outbox row; a redelivered or duplicate task finds the row done and does nothing."""
    return outbox.deliver(outbox_id)


@shared_task
def sweep_outbox() -> int:
    """Re-send rows whose hand-over to a worker was lost (broker down, queue lost, worker killed); returns how many.

    A row handed to the broker is delivered within seconds, unless the worker has a backlog. So a pending row is
    re-sent only once it has been due for OUTBOX_STALE_SECONDS and the queue is empty (nothing pending can be
    waiting in it then), or, while a backlog lasts, once it has been due ten times as long. Rows due more recently
    are most likely still in the queue: re-sending them would only deliver them twice. With the broker down
    nothing is re-sent (every hand-over would fail); the next sweep tries again.
    """
    backlog = outbox.broker_backlog()
    if backlog is None:
        return 0
    stale = settings.OUTBOX_STALE_SECONDS * (1 if backlog == 0 else 10)
    sent = 0
    for outbox_id in outbox.claim_stale(stale):
        if not outbox.hand_to_worker(outbox_id, 0):
            break  # the broker went away meanwhile; the claimed rows come round again after a stale period
        sent += 1
    return sent


@shared_task
def prune_queues() -> tuple[int, int]:
    """Delete delivered outbox rows and read notifications past their retention; pending and failed rows stay."""
    now = timezone.now()
    outbox_deleted, _ = Outbox.objects.filter(
        status=Outbox.Status.DONE, done_at__lt=now - timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    ).delete()
    notifications_deleted, _ = Notification.objects.filter(
        read_at__lt=now - timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
    ).delete()
    return outbox_deleted, notifications_deleted


@shared_task
def prune_audit_log() -> int:
    """Delete audit rows past the retention period (never shorter than the six months the law requires)."""
    cutoff = timezone.now() - timedelta(days=max(settings.AUDIT_RETENTION_DAYS, 183))
    deleted, _ = AuditLog.objects.filter(at__lt=cutoff).delete()
    return deleted
