"""The timeline's sentences, rendered when read, in the reader's language.

A `CaseEvent` stores its kind and its facts (`data`: codes, dates, names — never a sentence) and, in `note`,
only text a person wrote (a reason, a summary, a comment). `describe(event)` turns them into the line the
timeline shows, as pretix renders `log_action` entries: a wording fix reaches every old event, and an
English reader reads English. Events written before the facts were stored keep their note as it was
(migration 0011 converted the ones whose sentence it could read back into facts).

With the site's language active, a new event reads exactly as the sentence that used to be stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import Agreement, Case, CaseEvent, FollowUp, Transfer

# Why the system (not a person) escalated or transferred a case: a code in `data`, its sentence here.
SYSTEM_REASONS = {
    "overdue": gettext_noop("超过本层级办结期限，系统自动提级上报。"),
    "enforcement": gettext_noop("执法类事项，按“三协同”机制移交综合执法。"),
    "accepted_elsewhere": gettext_noop("法院、公安或其他机关已受理，人民调解不予受理，依法移交。"),
    "reserved_by_law": gettext_noop("法律规定由其他机关处理，依法移交。"),
}


def describe(event: CaseEvent) -> str:
    """The event's line in the active language; an event without facts shows its note as it is."""
    render = RENDERERS.get(event.kind)
    sentence = render(event.data or {}, event.note) if render is not None else None
    return event.note if sentence is None else sentence


def reason(code: str) -> str:
    """A system reason in the active language."""
    return _(SYSTEM_REASONS[code])


def _label(choices: type[TextChoices], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _with_note(subject: str, note: str) -> str:
    return _("%(subject)s：%(detail)s") % {"subject": subject, "detail": note}


def _registered(data: dict[str, Any], note: str) -> str | None:
    if "source" not in data:
        return None
    return _("来源：%s") % _label(Case.Source, data["source"])


def _path_chosen(data: dict[str, Any], note: str) -> str | None:
    if "path" not in data:
        return None
    path = _label(Case.Path, data["path"])
    if not data.get("legal_method"):
        return path
    return _("%(path)s（%(method)s）") % {"path": path, "method": _label(Case.LegalMethod, data["legal_method"])}


def _whistle(data: dict[str, Any], note: str) -> str | None:
    if "departments" not in data:
        return None
    return _("吹哨：%s") % "、".join(data["departments"])


def _reported_in(data: dict[str, Any], note: str) -> str | None:
    if "department" not in data:
        return None
    return _with_note(data["department"] + (_("（逾期）") if data.get("late") else ""), note)


def _rated(data: dict[str, Any], note: str) -> str | None:
    if "rating" not in data:
        return None
    return _("%(department)s：%(rating)d 分。%(comment)s") % {
        "department": data["department"], "rating": data["rating"], "comment": note}


def _agreement(data: dict[str, Any], note: str) -> str | None:
    return _("履行期限：%s") % data["performance_due"] if "performance_due" in data else None


def _confirmation(data: dict[str, Any], note: str) -> str | None:
    if "result" not in data:
        return None
    return _with_note(data["court"], _label(Agreement.ConfirmationResult, data["result"]))


def _archived(data: dict[str, Any], note: str) -> str | None:
    return _with_note(_label(Case.Outcome, data["outcome"]), note) if "outcome" in data else None


def _escalated(data: dict[str, Any], note: str) -> str | None:
    return reason(data["reason"]) if data.get("reason") in SYSTEM_REASONS else None


def _routed(data: dict[str, Any], note: str) -> str | None:
    return _("由%s接收办理") % data["holder"] if "holder" in data else None


def _transferred(data: dict[str, Any], note: str) -> str | None:
    if "target" not in data:
        return None
    receiver = data.get("department") or _label(Transfer.Target, data["target"])
    why = reason(data["reason"]) if data.get("reason") in SYSTEM_REASONS else note
    return _with_note(receiver, why)


def _follow_up(data: dict[str, Any], note: str) -> str | None:
    if "satisfaction" not in data:
        return None
    line = _("%(satisfaction)s。%(note)s") % {
        "satisfaction": _label(FollowUp.Satisfaction, data["satisfaction"]), "note": note}
    if data.get("keep_closed_reason"):  # 不满意, and the case was deliberately kept closed
        line += _("不重新办理：%s") % data["keep_closed_reason"]
    return line


def _reopened(data: dict[str, Any], note: str) -> str | None:
    return None if note else _("回访不满意，重新办理。")


def _extended(data: dict[str, Any], note: str) -> str | None:
    return _("延至 %(due)s；%(consent)s") % {"due": data["due"], "consent": note} if "due" in data else None


def _reminded(data: dict[str, Any], note: str) -> str | None:
    return _("办结期限：%s") % data["due"] if "due" in data else None


def _report_edited(data: dict[str, Any], note: str) -> str | None:
    if "fields" not in data:
        return None
    from .mediation_report.models import MediationRecord

    names = [str(MediationRecord._meta.get_field(name).verbose_name) for name in data["fields"]]
    return _("修改：%s") % "、".join(names)


RENDERERS: dict[str, Callable[[dict[str, Any], str], str | None]] = {
    CaseEvent.Kind.REGISTERED: _registered,
    CaseEvent.Kind.PATH_CHOSEN: _path_chosen,
    CaseEvent.Kind.WHISTLE: _whistle,
    CaseEvent.Kind.REPORTED_IN: _reported_in,
    CaseEvent.Kind.RATED: _rated,
    CaseEvent.Kind.AGREEMENT: _agreement,
    CaseEvent.Kind.CONFIRMATION: _confirmation,
    CaseEvent.Kind.ARCHIVED: _archived,
    CaseEvent.Kind.ESCALATED: _escalated,
    CaseEvent.Kind.ROUTED: _routed,
    CaseEvent.Kind.TRANSFERRED: _transferred,
    CaseEvent.Kind.FOLLOW_UP: _follow_up,
    CaseEvent.Kind.REOPENED: _reopened,
    CaseEvent.Kind.EXTENDED: _extended,
    CaseEvent.Kind.REMINDED: _reminded,
    CaseEvent.Kind.REPORT_EDITED: _report_edited,
}
