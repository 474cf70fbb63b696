"""What the 12345 hotline hears from us: free text with personal numbers masked, and the progress callback body."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.utils import timezone, translation

from ..models import Case, CaseEvent, FollowUp

# A mobile number or an ID number inside free text is replaced before it leaves the system.
PERSONAL_NUMBER = re.compile(r"(?<![0-9])(?:1[3-9][0-9]{9}|[0-9]{17}[0-9Xx]|0[0-9]{2,3}-?[0-9]{7,8})(?![0-9])")


def redact(text: str) -> str:
    """Free text with phone and ID numbers masked: notes go to outside systems, personal numbers do not."""
    return PERSONAL_NUMBER.sub(lambda m: m.group(0)[:3] + "****" + m.group(0)[-2:], text)


def site_note(event: CaseEvent) -> str:
    """The event's timeline line as the hotline reads it: in the site's language, personal numbers masked."""
    with translation.override(settings.LANGUAGE_CODE):
        return redact(event.describe())


def hotline_message(case: Case, event: CaseEvent) -> dict[str, Any]:
    """The contract's callback body for one change, taken when the change is made (the case as it is right then).

    It is stored whole in the outbox row: a callback delivered late, behind a receiver that was down, still
    reports the status and level of its own moment, not whatever the case has become since.
    """
    satisfaction = None
    if event.kind == CaseEvent.Kind.FOLLOW_UP:
        follow_up = FollowUp.objects.filter(case=case).order_by("-at", "-pk").first()
        satisfaction = follow_up.satisfaction if follow_up else None
    return {
        "event_id": f"{case.number}-{event.pk}",
        "order_no": case.hotline_order_no,
        "case_number": case.number,
        "at": timezone.localtime(event.at).isoformat(),
        "status": case.status,
        "level": case.level,
        "kind": event.kind,
        "note": site_note(event),
        "satisfaction": satisfaction,
    }
