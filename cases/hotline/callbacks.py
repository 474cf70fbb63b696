"""Outbox handlers that talk to outside systems: 12345 progress callbacks and 三协同 enforcement transfers.

Each raises on any failure (network error, non-2xx answer), so the outbox retries it with back-off;
rows of one hotline order share an ordering key and so arrive in the order they happened.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from django.conf import settings

from ..models import CaseEvent, Transfer
from .messages import hotline_message, redact
from .signing import signed_headers

TIMEOUT_SECONDS = 10


class DeliveryError(Exception):
    """The receiver did not answer 2xx."""


def post_signed(url: str, secret: str, message: dict[str, Any]) -> None:
    """POST the message as UTF-8 JSON, signed; raise unless the answer is 2xx."""
    body = json.dumps(message, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8", **signed_headers(secret, body)}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - URL from settings
        if not 200 <= response.status < 300:
            raise DeliveryError(f"{url} answered {response.status}")


def deliver_hotline_callback(payload: dict[str, Any]) -> None:
    """Send the body snapshotted when the change was made; nothing to do when no callback URL is configured."""
    url = settings.HOTLINE_CALLBACK_URL
    if not url:
        return
    message = payload.get("message")
    if message is None:  # a row written before bodies were snapshotted: the best that can be built now
        event = CaseEvent.objects.select_related("case").get(pk=payload["event_id"])
        message = hotline_message(event.case, event)
    post_signed(url, settings.HOTLINE_SECRET, message)


def enforcement_message(transfer: Transfer) -> dict[str, Any]:
    """What the law-enforcement platform needs to act: the matter, where, and where to send feedback."""
    case = transfer.case
    return {
        "transfer_id": transfer.pk,
        "case_number": case.number,
        "division_code": case.division.code,
        "division_name": case.division.name,
        "department": transfer.department.name if transfer.department else None,
        "category": case.category.code,
        "title": case.title,
        "description": redact(case.description),
        "location": case.location_text,
        "urgency": case.urgency,
        "reason": redact(transfer.reason),
        "transferred_at": transfer.transferred_at.isoformat(),
        "feedback_due": transfer.feedback_due.isoformat(),
        "feedback_path": f"/api/enforcement/v1/transfers/{transfer.pk}/feedback",
    }


def deliver_enforcement_transfer(payload: dict[str, Any]) -> None:
    """Send a 三协同 transfer to the enforcement platform; without an endpoint it stays in-app for the town team."""
    url = settings.ENFORCEMENT_ENDPOINT_URL
    if not url:
        return
    transfer = Transfer.objects.select_related("case__division", "case__category", "department").get(
        pk=payload["transfer_id"]
    )
    post_signed(url, settings.ENFORCEMENT_SECRET, enforcement_message(transfer))
