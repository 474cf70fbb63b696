"""Finishing with a case at a level: archive, escalate (routed by the worker), transfer; then follow-up."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pinggu_center import topics
from pinggu_center.models import Department, Division, Level, Outbox, User
from pinggu_center.notifications import notify_division, notify_users

from .. import tally, timeline
from ..mediation_report import services as report_services  # a module: it imports .base, either may load first
from ..models import Case, CaseEvent, FollowUp, Transfer
from ..permissions import (
    can_archive,
    can_escalate,
    can_extend_deadline,
    can_follow_up,
    can_give_feedback,
    can_review,
    can_transfer,
    require,
)
from ..workdays import add_working_days
from .base import CaseRuleError, lock_case, record_event, resolution_due, response_due, save_case

# Who is notified of what a level's holder must do.
HOLDER_ROLES = {
    Level.VILLAGE: [User.Role.VILLAGE_DIRECTOR, User.Role.VILLAGE_STAFF],
    Level.TOWN: [User.Role.TOWN_STAFF],
    Level.DISTRICT: [User.Role.DISTRICT_ADMIN],
}


@transaction.atomic
def archive_case(*, case_id: int, actor: User, outcome: str, summary: str, version: int | None = None,
                 report: report_services.ReportFields | None = None) -> Case:
    """总结归档: close the case here with its outcome and a written summary; a mediated dispute enters the report."""
    case = lock_case(case_id, version=version)
    require(can_archive(case, actor))
    if outcome not in Case.Outcome.values:
        raise CaseRuleError(_("请选择办理结果。"), code="outcome_required")
    if not summary.strip():
        raise CaseRuleError(_("总结归档须填写总结。"), code="summary_required")
    from_status = case.status
    case.status, case.closure, case.outcome = Case.Status.CLOSED, Case.Closure.ARCHIVE, outcome
    case.summary, case.closed_at = summary.strip(), timezone.now()
    save_case(case, ["status", "closure", "outcome", "summary", "closed_at"])
    report_services.count_at_archive(case, report, actor=actor)
    record_event(case, CaseEvent.Kind.ARCHIVED, actor=actor, note=case.summary, data={"outcome": outcome},
                 from_status=from_status)
    return case


@transaction.atomic
def escalate_case(*, case_id: int, from_level: str, actor: User | None, reason: str = "", automatic: bool = False,
                  version: int | None = None) -> Case:
    """提级上报: move an open case one level up; the worker routes it (the route: pinggu_center.topics).

    A person gives a reason; the overdue sweep (`automatic=True`) gives none, its reason is a code the timeline
    renders. A second call for the same level is refused with `not_at_level` and changes nothing, so a repeated
    post or a late overdue-sweep task cannot escalate a case twice. An automatic escalation checks the deadline
    again under the row lock: a deadline extended since the sweep looked is `not_overdue`.
    """
    case = lock_case(case_id, version=version)
    if case.level != from_level:
        raise CaseRuleError(_("此事项已不在该层级办理。"), code="not_at_level")
    if automatic and (case.resolution_due is None or case.resolution_due >= timezone.now()):
        raise CaseRuleError(_("此事项未超过办结期限，不自动提级上报。"), code="not_overdue")
    require(can_escalate(case, actor))
    if not automatic and not reason.strip():
        raise CaseRuleError(_("提级上报须填写理由。"), code="reason_required")
    next_level = Level.above(case.level)
    from_status, previous_level = case.status, case.level
    case.level, case.status, case.closure = next_level, Case.Status.REGISTERED, Case.Closure.ESCALATE
    case.escalated_at = case.escalated_at or timezone.now()
    save_case(case, ["level", "status", "closure", "escalated_at"])
    # The overdue sweep's reason is the system's, rendered in the reader's language; a person's is kept as written.
    record_event(case, CaseEvent.Kind.ESCALATED, actor=actor, from_status=from_status, from_level=previous_level,
                 automatic=automatic, **({"data": {"reason": "overdue"}} if automatic else {"note": reason.strip()}))
    Outbox.enqueue(topics.ROUTE_ESCALATION, case_id=case.pk, level=next_level)
    return case


@transaction.atomic
def route_escalation(*, case_id: int, level: str) -> bool:
    """Hand an escalated case to the body at its new level, set its deadlines, notify its users; once only."""
    case = lock_case(case_id)
    if case.level != level or case.holder.level == level:
        return False  # already routed, or escalated further since: nothing to do
    holder = _holder_at(case.division, level)
    now = timezone.now()
    case.holder, case.level_since, case.responded_at = holder, now, None
    case.path, case.legal_method = "", ""
    case.response_due, case.resolution_due = response_due(now), None
    case.resolution_due = resolution_due(case, now)
    save_case(case, ["holder", "level_since", "responded_at", "path", "legal_method", "response_due", "resolution_due"])
    record_event(case, CaseEvent.Kind.ROUTED, actor=None, data={"holder": holder.name}, automatic=True)
    notify_division(
        holder, roles=HOLDER_ROLES[level], key=f"routed:{case.pk}:{level}", url=case.get_absolute_url(),
        message=gettext_noop("提级上报事项待办：%(number)s %(title)s"), params={"number": case.number, "title": case.title},
    )
    return True


def _holder_at(village: Division, level: str) -> Division:
    if level == Level.TOWN:
        return village.parent
    return village.parent.parent


def open_transfer(case: Case, *, actor: User | None, target: str, department: Department | None, reason: str = "",
                  reason_code: str = "", feedback_due: datetime | None = None) -> Transfer:
    """Record a transfer on a locked case (used by transfer_case and by intake).

    `reason` is a person's; `reason_code` names one of the system's reasons (cases.timeline.SYSTEM_REASONS),
    which the timeline renders in the reader's language and the transfer keeps in the site's.
    """
    if reason_code:
        with translation.override(settings.LANGUAGE_CODE):
            reason = timeline.reason(reason_code)
    if target != Transfer.Target.ENFORCEMENT and department is None:
        raise CaseRuleError(_("请选择接收部门或法院。"), code="transfer_receiver_required")
    if not reason.strip():
        raise CaseRuleError(_("移交处置须填写理由。"), code="reason_required")
    due = feedback_due or add_working_days(timezone.now(), settings.TRANSFER_FEEDBACK_WORKING_DAYS)
    transfer = Transfer.objects.create(case=case, target=target, department=department, reason=reason.strip(),
                                      feedback_due=due, transferred_by=actor)
    from_status = case.status
    case.status, case.closure = Case.Status.TRANSFERRED, Case.Closure.TRANSFER
    save_case(case, ["status", "closure"])
    facts = {"target": target, "department": department.name if department else "", "reason": reason_code}
    record_event(case, CaseEvent.Kind.TRANSFERRED, actor=actor, note="" if reason_code else reason.strip(),
                 data=facts, from_status=from_status)
    if department is not None:
        notify_users(User.objects.filter(department=department, is_active=True), key=f"transfer:{transfer.pk}",
                     message=gettext_noop("移交事项待反馈：%(number)s %(title)s"),
                     params={"number": case.number, "title": case.title},
                     url=case.get_absolute_url())
    if target == Transfer.Target.ENFORCEMENT:
        Outbox.enqueue(topics.ENFORCEMENT_TRANSFER, transfer_id=transfer.pk)
    return transfer


@transaction.atomic
def transfer_case(*, case_id: int, actor: User, target: str, department: Department | None, reason: str,
                  feedback_due: datetime | None = None, version: int | None = None) -> Transfer:
    """移交处置: hand the case to a department, a court or the enforcement platform, and wait for feedback."""
    case = lock_case(case_id, version=version)
    require(can_transfer(case, actor))
    if feedback_due is not None and feedback_due <= timezone.now():
        raise CaseRuleError(_("反馈期限须晚于现在。"), code="feedback_due_past")
    return open_transfer(case, actor=actor, target=target, department=department, reason=reason,
                         feedback_due=feedback_due)


@transaction.atomic
def record_transfer_feedback(*, transfer_id: int, actor: User | None, feedback: str, reference: str = "",
                             version: int | None = None) -> Transfer:
    """The receiving body's feedback closes the transferred case; a repeat is refused."""
    transfer = Transfer.objects.select_for_update().get(pk=transfer_id)
    case = lock_case(transfer.case_id, version=version)
    if actor is None:  # the enforcement platform's answer, through its signed interface
        if transfer.feedback_at is not None:
            raise CaseRuleError(_("此移交已反馈。"), code="answered")
        if case.status != Case.Status.TRANSFERRED:
            raise CaseRuleError(_("此事项不在等待反馈的状态。"), code="not_transferred")
    else:
        require(can_give_feedback(transfer, case, actor))
    if not feedback.strip():
        raise CaseRuleError(_("请填写反馈内容。"), code="feedback_required")
    transfer.feedback, transfer.feedback_at = feedback.strip(), timezone.now()
    transfer.external_reference = reference or transfer.external_reference
    transfer.save(update_fields=["feedback", "feedback_at", "external_reference"])
    case.status, case.closed_at = Case.Status.CLOSED, timezone.now()
    case.summary = case.summary or feedback.strip()
    save_case(case, ["status", "closed_at", "summary"])
    record_event(case, CaseEvent.Kind.FEEDBACK, actor=actor, note=feedback.strip(), from_status=Case.Status.TRANSFERRED)
    return transfer


@transaction.atomic
def record_follow_up(*, case_id: int, actor: User, performance: str, risk: str, satisfaction: str, note: str,
                     reopen: bool | None = None, keep_closed_reason: str = "", version: int | None = None) -> FollowUp:
    """回访 a closed case; 不满意 reopens it at the level that closed it unless a reason to keep it closed is given."""
    case = lock_case(case_id, version=version)
    require(can_follow_up(case, actor))
    unsatisfied = satisfaction == FollowUp.Satisfaction.UNSATISFIED
    if reopen and not unsatisfied:
        raise CaseRuleError(_("只有当事人不满意时才能重新办理。"), code="reopen_needs_unsatisfied")
    reopen = unsatisfied if reopen is None else reopen
    keep_closed_reason = keep_closed_reason.strip() if unsatisfied and not reopen else ""
    if unsatisfied and not reopen and not keep_closed_reason:
        raise CaseRuleError(_("当事人不满意而不重新办理的，须写明理由。"), code="keep_closed_needs_reason")
    follow_up = FollowUp.objects.create(case=case, by=actor, performance=performance, risk=risk,
                                        satisfaction=satisfaction, note=note, reopened=reopen,
                                        keep_closed_reason=keep_closed_reason)
    facts = {"satisfaction": satisfaction, **({"keep_closed_reason": keep_closed_reason} if keep_closed_reason else {})}
    record_event(case, CaseEvent.Kind.FOLLOW_UP, actor=actor, note=note, data=facts)
    tally.count_follow_up(case, follow_up)
    case.satisfaction = satisfaction
    if reopen:
        case.status, case.closure, case.outcome, case.closed_at = Case.Status.HANDLING, "", "", None
        case.resolution_due = add_working_days(timezone.now(), settings.CASE_RESOLUTION_WORKING_DAYS[case.level])
        save_case(case, ["status", "closure", "outcome", "closed_at", "resolution_due", "satisfaction"])
        report_services.uncount_at_reopen(case)
        record_event(case, CaseEvent.Kind.REOPENED, actor=actor, from_status=Case.Status.CLOSED)
    else:
        save_case(case, ["satisfaction"])
    return follow_up


@transaction.atomic
def extend_deadline(*, case_id: int, actor: User, new_due: datetime, consent: str,
                    version: int | None = None) -> Case:
    """Extend the resolution deadline; only with both parties' recorded consent."""
    case = lock_case(case_id, version=version)
    require(can_extend_deadline(case, actor))
    if not consent.strip():
        raise CaseRuleError(_("延长期限须记录双方当事人同意的情况。"), code="consent_required")
    if case.resolution_due and new_due <= case.resolution_due:
        raise CaseRuleError(_("新的期限须晚于原期限。"), code="new_due_not_later")
    case.resolution_due, case.extension_consent = new_due, consent.strip()
    case.reminded_for_due = None
    save_case(case, ["resolution_due", "extension_consent", "reminded_for_due"])
    record_event(case, CaseEvent.Kind.EXTENDED, actor=actor, note=consent.strip(),
                 data={"due": timezone.localtime(new_due).strftime("%Y-%m-%d")})
    return case


@transaction.atomic
def add_review_comment(*, case_id: int, actor: User, note: str, version: int | None = None) -> None:
    """A district reviewer's comment, kept on the case's timeline."""
    case = lock_case(case_id, version=version)
    require(can_review(case, actor))
    if not note.strip():
        raise CaseRuleError(_("请填写点评内容。"), code="comment_required")
    record_event(case, CaseEvent.Kind.REVIEWED, actor=actor, note=note.strip())


@transaction.atomic
def add_case_note(*, case_id: int, actor: User, note: str) -> None:
    """A note from work done about the case elsewhere (e.g. a risk warning handled), kept on its timeline."""
    if actor.is_read_only:
        raise CaseRuleError(_("只读账号不能办理事项。"), code="read_only")
    if not note.strip():
        raise CaseRuleError(_("请填写说明。"), code="note_required")
    case = lock_case(case_id)
    record_event(case, CaseEvent.Kind.NOTE, actor=actor, note=note.strip())


@transaction.atomic
def remind_deadline(*, case_id: int) -> bool:
    """Remind the holder once per deadline that it is near; True when a reminder was sent."""
    case = lock_case(case_id)
    if not case.is_open or case.resolution_due is None or case.reminded_for_due == case.resolution_due:
        return False
    case.reminded_for_due = case.resolution_due
    case.save(update_fields=["reminded_for_due"])
    due = timezone.localtime(case.resolution_due).strftime("%Y-%m-%d %H:%M")
    record_event(case, CaseEvent.Kind.REMINDED, actor=None, automatic=True, data={"due": due})
    notify_division(case.holder, roles=HOLDER_ROLES[case.level], key=f"due:{case.pk}:{due}",
                    message=gettext_noop("事项临近期限：%(number)s，%(due)s 前办结"),
                    params={"number": case.number, "due": due},
                    url=case.get_absolute_url())
    return True
