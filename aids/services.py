"""State changes of the mediation aids: raising the scan's findings as warnings, and handling a warning."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases import services as case_services
from pinggu_center.errors import RuleError
from pinggu_center.models import Division, User
from pinggu_center.notifications import notify_division

from .models import RiskWarning
from .risk import Finding
from .selectors import can_handle


class WarningRuleError(RuleError):
    """A step the warning's rules do not allow; the message is shown as it is."""


def raise_warnings(findings: Iterable[Finding]) -> list[RiskWarning]:
    """Raise each finding once per evidence; returns the warnings that are new.

    Evidence already seen (an open or a handled warning with the same key) raises nothing. A finding with new
    evidence about the subject of an open warning brings that warning up to date instead of adding another.
    """
    raised = []
    with translation.override(settings.LANGUAGE_CODE):
        for finding in findings:
            warning = _raise_one(finding)
            if warning is not None:
                raised.append(warning)
    return raised


@transaction.atomic
def _raise_one(finding: Finding) -> RiskWarning | None:
    same = RiskWarning.objects.filter(kind=finding.kind, subject_key=finding.subject_key)
    if same.filter(evidence_key=finding.evidence_key).exists():
        return None
    current = same.select_for_update().filter(status=RiskWarning.Status.OPEN).first()
    if current is not None:
        current.subject, current.evidence_key, current.evidence = finding.subject, finding.evidence_key, finding.evidence
        current.save(update_fields=["subject", "evidence_key", "evidence"])
        current.cases.set(finding.case_ids)
        return None
    try:
        with transaction.atomic():
            warning = RiskWarning.objects.create(
                kind=finding.kind, division_id=finding.division_id, subject=finding.subject[:200],
                subject_key=finding.subject_key, evidence_key=finding.evidence_key, evidence=finding.evidence,
            )
    except IntegrityError:
        return None  # a concurrent scan raised it first
    warning.cases.set(finding.case_ids)
    _notify(warning)
    return warning


def _notify(warning: RiskWarning) -> None:
    """The village director and the town's staff hear of a new warning (once per warning and person)."""
    village = Division.objects.select_related("parent").get(pk=warning.division_id)
    text = _("矛盾风险预警：%(kind)s · %(subject)s") % {"kind": warning.get_kind_display(), "subject": warning.subject}
    key, url = f"risk:{warning.pk}", warning.get_absolute_url()
    notify_division(village, roles=[User.Role.VILLAGE_DIRECTOR], key=key, text=text, url=url)
    if village.parent is not None:
        notify_division(village.parent, roles=[User.Role.TOWN_STAFF], key=key, text=text, url=url)


@transaction.atomic
def handle_warning(*, warning_id: int, actor: User, note: str) -> RiskWarning:
    """The director or town staff mark a warning handled; the note goes into the timeline of each of its cases."""
    warning = RiskWarning.objects.select_for_update().select_related("division").get(pk=warning_id)
    if warning.status != RiskWarning.Status.OPEN:
        raise WarningRuleError(_("此预警已处置。"), code="warning_handled")
    if not can_handle(actor, warning):
        raise WarningRuleError(_("只有本村中心主任、镇街工作人员或区级管理员可以处置预警。"), code="not_allowed")
    if not note.strip():
        raise WarningRuleError(_("请填写处置说明。"), code="note_required")
    warning.status, warning.handled_by, warning.handled_at = RiskWarning.Status.HANDLED, actor, timezone.now()
    warning.handled_note = note.strip()
    warning.save(update_fields=["status", "handled_by", "handled_at", "handled_note"])
    with translation.override(settings.LANGUAGE_CODE):
        timeline_note = _("风险预警已处置（%(kind)s：%(subject)s）：%(note)s") % {
            "kind": warning.get_kind_display(), "subject": warning.subject, "note": warning.handled_note}
    for case_id in warning.cases.order_by("pk").values_list("pk", flat=True):
        case_services.add_case_note(case_id=case_id, actor=actor, note=timeline_note)
    return warning
