"""What travels between processes: every outbox topic, with the handler that delivers it named beside it.

A service records an `Outbox` row with one of these topics in the transaction of its change
(`Outbox.enqueue(topics.ROUTE_ESCALATION, ...)`); the worker (`pinggu_center.outbox.deliver`) looks the row's
topic up here and calls its handler with the row's payload. Handlers are named by dotted path and imported
when a row is delivered, so this module imports no app (the organisation knows nothing of cases) and no
registry is filled by importing anything. A system check (`pinggu_center.checks`) fails start-up when a
handler cannot be imported.

A handler is idempotent (a redelivered row changes nothing the second time) and raises on failure, so the
row is retried with back-off. `network=True` marks a handler that waits on another system: it runs after
the row has been claimed and that short transaction has committed, holding no lock while it waits.

The route of an escalation, from the button to the notification (ROUTE_ESCALATION):

1. The holder presses 提级上报 on the case page (`templates/cases/case_detail.html`, shown when
   `cases.permissions.can_escalate` allows it) and posts the reason: `cases.views.work.case_action`
   with the `escalate` action calls `cases.services.escalate_case` (the overdue sweep
   `cases.tasks.sweep_deadlines` → `escalate_overdue_case` calls the same service with `automatic=True`).
2. `escalate_case`, in one transaction: locks the case, asks `can_escalate` again, moves the case one level
   up with status `registered`, writes the `escalated` CaseEvent, and records an Outbox row
   ROUTE_ESCALATION `{case_id, level}`; on commit the row id is handed to Celery (`deliver_outbox`).
3. The worker's `pinggu_center.tasks.deliver_outbox` → `outbox.deliver` locks the row and calls
   `cases.handlers.deliver_escalation`, which calls `cases.services.route_escalation`.
4. `route_escalation`, in the row's transaction: locks the case; if it was already routed (or escalated
   further) it does nothing; otherwise it hands the case to the body at the new level (the town, or the
   district), sets the response and resolution deadlines, writes the `routed` CaseEvent and notifies the
   users of that body (`pinggu_center.notifications.notify_division`, one Notification per user and key).
5. The row is marked done. Had the broker been down or the worker died, the beat sweep
   (`pinggu_center.tasks.sweep_outbox`, every minute) hands pending rows to the worker again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string

Handler = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Topic:
    name: str
    handler: str  # dotted path of a function taking the row's payload
    network: bool = False  # waits on another system: runs outside the row's transaction

    def __str__(self) -> str:
        return self.name

    def load(self) -> Handler:
        return import_string(self.handler)


# An escalated case is handed to the body at its new level, which is notified (the route above).
ROUTE_ESCALATION = Topic("route_escalation", "cases.handlers.deliver_escalation")
# One change of a 12345 order, POSTed to the hotline (docs/hotline-api.md); rows of one order share a key.
HOTLINE_CALLBACK = Topic("hotline_callback", "cases.hotline.callbacks.deliver_hotline_callback", network=True)
# A 三协同 transfer sent to the enforcement platform (docs/enforcement-api.md).
ENFORCEMENT_TRANSFER = Topic(
    "enforcement_transfer", "cases.hotline.callbacks.deliver_enforcement_transfer", network=True
)

# A case was registered, closed or reopened: its rows of the similar-case index (aids/similar.py) are brought up
# to date. Recorded by aids' post_save receiver, so cases knows nothing of the index.
SIMILAR_INDEX = Topic("aids_index_case", "aids.handlers.index_case")

TOPICS: dict[str, Topic] = {
    topic.name: topic for topic in (ROUTE_ESCALATION, HOTLINE_CALLBACK, ENFORCEMENT_TRANSFER, SIMILAR_INDEX)
}


def get(name: str | Topic) -> Topic:
    """The topic of that name; an unknown name is a programming error, refused when the row is written."""
    if isinstance(name, Topic):
        return name
    try:
        return TOPICS[name]
    except KeyError:
        raise LookupError(f"unknown outbox topic {name!r}; add it to pinggu_center/topics.py") from None
