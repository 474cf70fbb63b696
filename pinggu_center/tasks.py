"""Background work of the organisation app: outbox delivery and its safety-net sweep."""

from celery import shared_task

from . import outbox


@shared_task(acks_late=True)
def deliver_outbox(outbox_id: int) -> str:
    """Deliver one outbox row; a redelivered or duplicate task finds the row done and does nothing."""
    return outbox.deliver(outbox_id)


@shared_task
def sweep_outbox() -> int:
    """Re-send rows left pending because the broker was down or a worker died."""
    ids = outbox.due_ids()
    for outbox_id in ids:
        outbox.hand_to_worker(outbox_id, 0)
    return len(ids)
