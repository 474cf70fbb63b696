"""How the aids hear of case changes without cases knowing them: a post_save receiver records an outbox row
(topics.SIMILAR_INDEX) in the same transaction as the change, and the worker brings the similar-case index up
to date for that case."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from cases.models import Case
from pinggu_center import topics
from pinggu_center.models import Outbox

# A change to any of these changes what the index holds for the case; so does closing or reopening it (a status
# saved as closed, or with closed_at: reopening clears it). Other status moves (path chosen, escalated,
# transferred) leave an open case open, and the overdue sweep's escalations add no row.
TEXT_FIELDS = frozenset({"title", "description", "summary", "category", "division"})


@receiver(post_save, sender=Case, dispatch_uid="aids_index_on_case_save")
def case_saved(sender: type[Case], instance: Case, created: bool, update_fields: Any = None, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    fields = set(update_fields or ())
    closing_or_reopening = "status" in fields and (instance.status == Case.Status.CLOSED or "closed_at" in fields)
    if created or update_fields is None or TEXT_FIELDS & fields or closing_or_reopening:
        Outbox.enqueue(topics.SIMILAR_INDEX, case_id=instance.pk)


def index_case(payload: dict[str, Any]) -> None:
    """SIMILAR_INDEX: bring the case's rows of the similar-case index in line with the case (idempotent)."""
    from .similar import index_case as index

    index(payload["case_id"])
