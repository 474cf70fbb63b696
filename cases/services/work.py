"""Working a case: choosing the path, sessions, whistles and report-ins, agreements and judicial confirmation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pinggu_center.models import Department, Level, User
from pinggu_center.notifications import notify_users

from .. import tally_departments
from ..models import Agreement, Case, CaseEvent, Session, Summons, Whistle
from ..permissions import (
    can_blow_whistle,
    can_choose_joint_path,
    can_choose_path,
    can_rate,
    can_record_confirmation,
    can_record_session,
    can_report_in,
    can_save_agreement,
    require,
)
from ..workdays import add_working_days
from .base import CaseRuleError, lock_case, mark_responded, record_event, resolution_due, save_case


@transaction.atomic
def choose_path(
    *, case_id: int, actor: User, path: str, legal_method: str = "", legal_basis: str = "", version: int | None = None
) -> Case:
    """Set how the case is worked; the joint path is the director's call."""
    case = lock_case(case_id, version=version)
    require(can_choose_joint_path(case, actor) if path == Case.Path.JOINT else can_choose_path(case, actor))
    if path == Case.Path.LEGAL and not legal_method:
        raise CaseRuleError(_("法治事件剖析评须选择处置方式。"), code="legal_method_required")
    if path != Case.Path.LEGAL:
        legal_method, legal_basis = "", ""
    from_status = case.status
    case.path, case.legal_method, case.legal_basis = path, legal_method, legal_basis
    case.status = Case.Status.HANDLING
    fields = ["path", "legal_method", "legal_basis", "status"]
    mark_responded(case, fields)
    if path == Case.Path.LEGAL and legal_method == Case.LegalMethod.PEOPLES:
        case.resolution_due = resolution_due(case, case.level_since)
        fields.append("resolution_due")
    save_case(case, fields)
    record_event(case, CaseEvent.Kind.PATH_CHOSEN, actor=actor, data={"path": path, "legal_method": legal_method},
                 from_status=from_status)
    return case


@transaction.atomic
def record_session(*, case_id: int, actor: User, held_at: datetime, place: str, mediators: str,
                   parties_present: str, record: str, outcome: str, version: int | None = None) -> Session:
    """Add a mediation record (调解记录) to a case being worked."""
    case = lock_case(case_id, version=version)
    require(can_record_session(case, actor))
    session = Session.objects.create(
        case=case, held_at=held_at, place=place, mediators=mediators, parties_present=parties_present,
        record=record, outcome=outcome, recorded_by=actor,
    )
    fields: list[str] = []
    mark_responded(case, fields)
    save_case(case, fields)
    record_event(case, CaseEvent.Kind.SESSION, actor=actor, note=f"{place}：{outcome}")
    return session


@transaction.atomic
def blow_whistle(*, case_id: int, actor: User, matter: str, departments: Sequence[Department],
                 report_in_due: datetime | None = None, version: int | None = None) -> Whistle:
    """吹哨: summon departments to report in by a deadline; each one's staff are notified."""
    case = lock_case(case_id, version=version)
    require(can_blow_whistle(case, actor))
    if not departments:
        raise CaseRuleError(_("请至少选择一个被吹哨的部门。"), code="whistle_needs_department")
    town = case.division.parent
    outside = [d.name for d in departments if d.division_id != town.pk and d.division.level != Level.DISTRICT]
    if outside:
        raise CaseRuleError(_("只能向本镇街或区级部门吹哨：%s") % "、".join(outside), code="whistle_outside_town")
    due = report_in_due or add_working_days(timezone.now(), settings.WHISTLE_REPORT_IN_WORKING_DAYS)
    if due <= timezone.now():
        raise CaseRuleError(_("报到期限须晚于现在。"), code="report_in_due_past")
    whistle = Whistle.objects.create(case=case, matter=matter, report_in_due=due, blown_by=actor)
    summonses = Summons.objects.bulk_create([Summons(whistle=whistle, department=d) for d in departments])
    tally_departments.track(summonses, whistle)
    save_case(case, [])
    record_event(case, CaseEvent.Kind.WHISTLE, actor=actor, data={"departments": [d.name for d in departments]})
    staff = User.objects.filter(department__in=departments, is_active=True)
    url = case.get_absolute_url()
    notify_users(staff, key=f"whistle:{whistle.pk}", message=gettext_noop("吹哨报到：%(number)s %(title)s"),
                 params={"number": case.number, "title": case.title}, url=url)
    return whistle


@transaction.atomic
def report_in(*, summons_id: int, actor: User, note: str, attended: bool, version: int | None = None) -> Summons:
    """A summoned department reports in (报到); once only."""
    summons = Summons.objects.select_for_update().select_related("whistle__case").get(pk=summons_id)
    case = lock_case(summons.whistle.case_id, version=version)
    require(can_report_in(summons, actor))
    before = [tally_departments.contribution(summons, summons.whistle)]
    summons.reported_at, summons.reported_by = timezone.now(), actor
    summons.report_note, summons.attended = note, attended
    summons.save(update_fields=["reported_at", "reported_by", "report_note", "attended"])
    tally_departments.track([summons], summons.whistle, before)
    save_case(case, [])
    record_event(case, CaseEvent.Kind.REPORTED_IN, actor=actor, note=note,
                 data={"department": summons.department.name, "late": summons.is_late})
    return summons


@transaction.atomic
def rate_department(*, summons_id: int, actor: User, rating: int, comment: str,
                    version: int | None = None) -> Summons:
    """The director rates a summoned department's response, 1 to 5, once."""
    summons = Summons.objects.select_for_update().select_related("whistle__case", "department").get(pk=summons_id)
    case = lock_case(summons.whistle.case_id, version=version)
    require(can_rate(summons, case, actor))
    if not 1 <= rating <= 5:
        raise CaseRuleError(_("评分须在 1 到 5 之间。"), code="rating_out_of_range")
    before = [tally_departments.contribution(summons, summons.whistle)]
    summons.rating, summons.rating_comment, summons.rated_at = rating, comment, timezone.now()
    summons.save(update_fields=["rating", "rating_comment", "rated_at"])
    tally_departments.track([summons], summons.whistle, before)
    save_case(case, [])
    record_event(case, CaseEvent.Kind.RATED, actor=actor, note=comment,
                 data={"department": summons.department.name, "rating": rating})
    return summons


@transaction.atomic
def save_agreement(*, case_id: int, actor: User, version: int | None = None, **fields) -> Agreement:
    """Record the signed 调解协议书 of a people's mediation."""
    case = lock_case(case_id, version=version)
    require(can_save_agreement(case, actor))
    if not fields.get("signatures_recorded"):
        raise CaseRuleError(_("调解协议书须经各方当事人签名、盖章或按指印，调解员签名并加盖调解委员会印章。"), code="agreement_unsigned")
    agreement = Agreement.objects.create(case=case, created_by=actor, **fields)
    save_case(case, [])
    record_event(case, CaseEvent.Kind.AGREEMENT, actor=actor,
                 data={"performance_due": agreement.performance_due.isoformat()})
    return agreement


@transaction.atomic
def record_confirmation(*, case_id: int, actor: User, applied_on: date, court: Department, result: str,
                        version: int | None = None) -> Agreement:
    """Judicial confirmation (司法确认): applied for within 30 days of the agreement taking effect."""
    case = lock_case(case_id, version=version)
    agreement = Agreement.objects.select_for_update().filter(case=case).first()
    require(can_record_confirmation(case, actor, agreement_exists=agreement is not None))
    if applied_on < agreement.effective_on:
        raise CaseRuleError(_("申请日期不能早于协议生效日期。"), code="confirmation_before_effective")
    if applied_on > agreement.effective_on + timedelta(days=settings.JUDICIAL_CONFIRMATION_DAYS):
        raise CaseRuleError(_("已超过协议生效之日起 30 日的司法确认申请期限。"), code="confirmation_window_passed")
    if court.kind != Department.Kind.COURT:
        raise CaseRuleError(_("司法确认须向人民法院申请。"), code="confirmation_not_court")
    agreement.confirmation_applied_on, agreement.confirmation_court = applied_on, court
    agreement.confirmation_result = result or Agreement.ConfirmationResult.PENDING
    agreement.save(update_fields=["confirmation_applied_on", "confirmation_court", "confirmation_result"])
    save_case(case, [])
    record_event(case, CaseEvent.Kind.CONFIRMATION, actor=actor,
                 data={"court": court.name, "result": agreement.confirmation_result})
    return agreement
