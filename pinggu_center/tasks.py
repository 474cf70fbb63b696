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
    """Re-send rows left pending because the broker was down or a worker died; only stale ones (no doubles)."""
    ids = outbox.stale_ids()
    for outbox_id in ids:
        outbox.hand_to_worker(outbox_id, 0)
    return len(ids)


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
