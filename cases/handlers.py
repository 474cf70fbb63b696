"""Outbox handlers of the cases app that work on the database; `pinggu_center.topics` names each beside its topic."""

from typing import Any

from . import services


def deliver_escalation(payload: dict[str, Any]) -> None:
    """ROUTE_ESCALATION: hand the escalated case to the body at its new level (the whole route: pinggu_center.topics)."""
    services.route_escalation(case_id=payload["case_id"], level=payload["level"])
