"""What every case service shares: the domain error, the row lock with its version check, the timeline, deadlines."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pinggu_center import topics
from pinggu_center.errors import RuleError
from pinggu_center.models import Level, Outbox, User

from .. import tally
from ..hotline.messages import hotline_message
from ..models import Case, CaseEvent
from ..workdays import add_working_days

# Kinds of event the 12345 hotline hears about (status or level changes and the follow-up result).
HOTLINE_KINDS = {
    CaseEvent.Kind.PATH_CHOSEN, CaseEvent.Kind.ESCALATED, CaseEvent.Kind.ROUTED, CaseEvent.Kind.TRANSFERRED,
    CaseEvent.Kind.FEEDBACK, CaseEvent.Kind.ARCHIVED, CaseEvent.Kind.FOLLOW_UP, CaseEvent.Kind.REOPENED,
}


P = ParamSpec("P")
R = TypeVar("R")


def in_site_language(service: Callable[P, R]) -> Callable[P, R]:
    """Run a service in the site's language, for one that stores a finished sentence every reader sees.

    The case services no longer need it: their events and notifications store facts and source strings that
    are rendered in each reader's language (cases.timeline, Notification.render), and their refusals speak
    the actor's language.
    """

    @functools.wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with translation.override(settings.LANGUAGE_CODE):
            return service(*args, **kwargs)

    return wrapper


class CaseRuleError(RuleError):
    """A step the case's rules do not allow; the message is shown to the user as it is."""


class CaseChanged(CaseRuleError):
    """Somebody else changed the case since this user's page was drawn."""


def lock_case(case_id: int, *, version: int | None = None) -> Case:
    """Lock the case row for this transaction; refuse if the caller saw an older version."""
    # Only the case's row: without `of`, PostgreSQL would lock the joined village, holder and center rows too, and
    # every case of a village would wait for every other one.
    case = Case.objects.select_for_update(of=("self",)).select_related("division", "holder", "center").get(pk=case_id)
    if version is not None and case.version != version:
        raise CaseChanged(_("此事项刚被他人更新，请刷新页面后再操作。"), code="case_changed")
    tally.snapshot(case)
    return case


def save_case(case: Case, fields: list[str]) -> None:
    """Save a locked case and move its counters in the same transaction."""
    case.version += 1
    case.save(update_fields=[*fields, "version"])
    tally.track(case)


def record_event(
    case: Case,
    kind: str,
    *,
    actor: User | None,
    note: str = "",
    data: dict[str, Any] | None = None,
    from_status: str = "",
    from_level: str = "",
    automatic: bool = False,
) -> CaseEvent:
    """Append one timeline line; a hotline case also queues its progress callback in the same transaction.

    `data` holds the event's facts (codes, dates, names) that cases.timeline renders into a sentence in the
    reader's language; `note` is only for text a person wrote (a reason, a summary, a comment), kept as written.
    """
    event = CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor,
        level=case.level,
        from_status=from_status,
        to_status=case.status if from_status else "",
        from_level=from_level,
        to_level=case.level if from_level else "",
        note=note,
        data=data or {},
        automatic=automatic,
    )
    if case.hotline_order_no and kind in HOTLINE_KINDS and settings.HOTLINE_CALLBACK_URL:
        Outbox.enqueue(topics.HOTLINE_CALLBACK, ordering_key=f"hotline:{case.hotline_order_no}", event_id=event.pk,
                       message=hotline_message(case, event))
    return event


def resolution_due(case: Case, start: datetime) -> datetime:
    if case.hotline_reply_by and case.level == Level.VILLAGE:
        return case.hotline_reply_by
    if case.path == Case.Path.LEGAL and case.legal_method == Case.LegalMethod.PEOPLES:
        return start + timedelta(days=settings.PEOPLES_MEDIATION_DAYS)
    return add_working_days(start, settings.CASE_RESOLUTION_WORKING_DAYS[case.level])


def response_due(start: datetime) -> datetime:
    return add_working_days(start, settings.CASE_RESPONSE_WORKING_DAYS)


def mark_responded(case: Case, fields: list[str]) -> None:
    if case.responded_at is None:
        case.responded_at = timezone.now()
        fields.append("responded_at")
