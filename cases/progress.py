"""Where a case is, and who it waits on: the status a person reads, derived from the stored lifecycle.

The stored statuses stay those of the design (registered → handling → transferred → closed, reopened by a follow-up);
what a page shows is derived from them and from what the case row already carries (level, holder, closure, latest
satisfaction), plus whether a whistle still waits for a department, which list queries annotate
(`with_pending_summons`) so a list costs no query per row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Case, FollowUp, Summons


@dataclass(frozen=True)
class Progress:
    code: str  # accepted / handling / awaiting_departments / escalated / transferred / closed / reopened
    label: str
    waits_on: str  # who the case waits on, in a sentence; empty when nobody has to act
    tone: str  # Bootstrap colour of the badge


LABELS = {  # translated when a case's progress is read: a list translates its rows' labels only
    "accepted": gettext_lazy("已受理"),
    "handling": gettext_lazy("办理中"),
    "awaiting_departments": gettext_lazy("待部门报到"),
    "escalated": gettext_lazy("已提级待接收"),
    "transferred": gettext_lazy("已移交待反馈"),
    "closed": gettext_lazy("已办结"),
    "reopened": gettext_lazy("重新办理"),
}
TONES = {
    "accepted": "primary", "handling": "primary", "awaiting_departments": "warning", "escalated": "warning",
    "transferred": "info", "closed": "success", "reopened": "danger",
}


def with_pending_summons(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate whether a whistle of the case still waits for a department to report in."""
    waiting = Summons.objects.filter(whistle__case=OuterRef("pk"), reported_at__isnull=True)
    return cases.annotate(pending_summons=Exists(waiting))


def _has_pending_summons(case: Case) -> bool:
    annotated = getattr(case, "pending_summons", None)
    if annotated is not None:
        return bool(annotated)
    return Summons.objects.filter(whistle__case=case, reported_at__isnull=True).exists()


def case_progress(case: Case) -> Progress:
    """The derived status of one case (the holder is read from the row, so select_related it on lists)."""
    code, waits_on = _derive(case)
    return Progress(code=code, label=str(LABELS[code]), waits_on=waits_on, tone=TONES[code])


def _derive(case: Case) -> tuple[str, str]:
    if case.status == Case.Status.CLOSED:
        return "closed", ""
    if case.status == Case.Status.TRANSFERRED:
        return "transferred", _("等待接收单位反馈")
    holder = case.holder.name
    if case.holder.level != case.level:  # escalated, the worker has not handed it to the level above yet
        return "escalated", _("等待系统转交上级（%(level)s）") % {"level": case.get_level_display()}
    if case.status == Case.Status.REGISTERED:
        if case.closure == Case.Closure.ESCALATE:
            return "escalated", _("等待%(holder)s受理") % {"holder": holder}
        return "accepted", _("等待%(holder)s确定办理路径") % {"holder": holder}
    if case.satisfaction == FollowUp.Satisfaction.UNSATISFIED:
        return "reopened", _("等待%(holder)s重新办理") % {"holder": holder}
    if case.path == Case.Path.JOINT and _has_pending_summons(case):
        return "awaiting_departments", _("等待被吹哨部门报到")
    return "handling", _("等待%(holder)s办结") % {"holder": holder}
