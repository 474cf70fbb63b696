"""Outbox handlers of the cases app: what a committed change asks another process to do."""

from typing import Any

from pinggu_center.outbox import handles

from . import services


@handles("route_escalation")
def route_escalation(payload: dict[str, Any]) -> None:
    services.route_escalation(case_id=payload["case_id"], level=payload["level"])


@handles("hotline_callback", network=True)
def hotline_callback(payload: dict[str, Any]) -> None:
    from .hotline.callbacks import deliver_hotline_callback

    deliver_hotline_callback(payload)


@handles("enforcement_transfer", network=True)
def enforcement_transfer(payload: dict[str, Any]) -> None:
    from .hotline.callbacks import deliver_enforcement_transfer

    deliver_enforcement_transfer(payload)
