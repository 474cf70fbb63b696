"""How the aids hear of case changes without cases knowing them: a post_save receiver writes an outbox row in
the same transaction as the change, and the worker brings the similar-case index up to date."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from cases.models import Case
from pinggu_center.models import Outbox
from pinggu_center.outbox import handles

TOPIC = "aids_index_case"
# A change to any of these can change what the index holds for the case.
INDEXED_FIELDS = frozenset({"status", "title", "description", "summary", "category", "division"})


@receiver(post_save, sender=Case, dispatch_uid="aids_index_on_case_save")
def case_saved(sender: type[Case], instance: Case, created: bool, update_fields: Any = None, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    if created or update_fields is None or INDEXED_FIELDS & set(update_fields):
        Outbox.enqueue(TOPIC, case_id=instance.pk)


@handles(TOPIC)
def index_case(payload: dict[str, Any]) -> None:
    from .similar import index_case as index

    index(payload["case_id"])
