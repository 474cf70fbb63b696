"""Who may do what on a case: one predicate per action, asked by the service's guard and by the page alike.

Each `can_<action>` returns a `Decision`: true when the user may take the action on the case (or summons, or
transfer) in its current state, otherwise false with the translated reason the service raises. The services call
`require(can_…(…))` under the row lock; the case page shows a button, and an action URL opens its form, only when
the same predicate allows it. What the predicates do not decide is the input (a reason left empty, a date in the
past): forms and services check that.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from pinggu_center.models import Level, User

from .models import Agreement, Case, Summons, Transfer


@dataclass(frozen=True)
class Decision:
    """May the user do it? When not, `reason` says why (shown as it is) and `code` names the rule."""

    allowed: bool
    code: str = ""
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)


def _first_refusal(*checks: Callable[[], Decision]) -> Decision:
    """Ask the checks in order (the order the user should hear about them) and return the first refusal."""
    for check in checks:
        decision = check()
        if not decision:
            return decision
    return ALLOWED


def require(decision: Decision) -> None:
    """The services' guard: raise the refusal as the case's rule error."""
    if not decision:
        from .services.base import CaseRuleError  # services import this module

        raise CaseRuleError(decision.reason, code=decision.code)


# --- the shared rules --------------------------------------------------------------------------------


def is_open(case: Case) -> Decision:
    if case.status == Case.Status.CLOSED:
        return Decision(False, "closed", _("此事项已办结。"))
    if case.status == Case.Status.TRANSFERRED:
        return Decision(False, "transferred", _("此事项已移交，正在等待接收单位反馈。"))
    return ALLOWED


def holds(case: Case, user: User) -> Decision:
    """Only the body holding the case at its level acts on it; others may read it."""
    if user.is_read_only:
        return Decision(False, "read_only", _("只读账号不能办理事项。"))
    if user.division_id != case.holder_id or case.holder.level != case.level:
        return Decision(False, "not_holder", _("此事项当前不由您所在的单位办理。"))
    if user.role == User.Role.DEPARTMENT_STAFF:
        return Decision(False, "department", _("职能部门通过报到和反馈参与办理。"))
    return ALLOWED


def is_director(user: User) -> Decision:
    if not user.is_director_or_above:
        return Decision(False, "not_director", _("只有中心主任（或上级）可以进行此操作。"))
    return ALLOWED


def _has_path(case: Case, message: str) -> Callable[[], Decision]:
    return lambda: ALLOWED if case.path else Decision(False, "no_path", message)


def has_agreement(case: Case) -> bool:
    return Agreement.objects.filter(case_id=case.pk).exists()


# --- one predicate per action ------------------------------------------------------------------------


def can_choose_path(case: Case, user: User) -> Decision:
    return _first_refusal(lambda: is_open(case), lambda: holds(case, user))


def can_choose_joint_path(case: Case, user: User) -> Decision:
    """The joint path (复杂矛盾联合评) is the director's call."""
    return _first_refusal(lambda: can_choose_path(case, user), lambda: is_director(user))


def can_record_session(case: Case, user: User) -> Decision:
    return _first_refusal(lambda: is_open(case), lambda: holds(case, user),
                          _has_path(case, _("请先确定办理路径，再记录调解过程。")))


def can_blow_whistle(case: Case, user: User) -> Decision:
    def joint() -> Decision:
        if case.path != Case.Path.JOINT:
            return Decision(False, "not_joint", _("只有“复杂矛盾联合评”路径的事项可以吹哨。"))
        return ALLOWED

    return _first_refusal(lambda: is_open(case), lambda: holds(case, user), lambda: is_director(user), joint)


def can_save_agreement(case: Case, user: User, *, agreement_exists: bool | None = None) -> Decision:
    def none_yet() -> Decision:
        exists = has_agreement(case) if agreement_exists is None else agreement_exists
        return Decision(False, "agreement_exists", _("此事项已有调解协议书。")) if exists else ALLOWED

    return _first_refusal(lambda: is_open(case), lambda: holds(case, user),
                          _has_path(case, _("请先确定办理路径。")), none_yet)


def can_record_confirmation(case: Case, user: User, *, agreement_exists: bool | None = None) -> Decision:
    def agreement() -> Decision:
        exists = has_agreement(case) if agreement_exists is None else agreement_exists
        return ALLOWED if exists else Decision(False, "no_agreement", _("此事项没有调解协议书，无需司法确认。"))

    return _first_refusal(lambda: holds(case, user), agreement)


def can_archive(case: Case, user: User) -> Decision:
    return _first_refusal(lambda: is_open(case), lambda: holds(case, user))


def can_escalate(case: Case, user: User | None) -> Decision:
    """An open case moves one level up, by its holder or by the overdue sweep (no user); never past the district."""

    def below_district() -> Decision:
        if Level.above(case.level) is None:
            return Decision(False, "top_level", _("区级是最高办理层级，不能再提级上报；请归档或移交。"))
        return ALLOWED

    return _first_refusal(lambda: is_open(case), lambda: ALLOWED if user is None else holds(case, user),
                          below_district)


def can_transfer(case: Case, user: User) -> Decision:
    return _first_refusal(lambda: is_open(case), lambda: holds(case, user))


def can_extend_deadline(case: Case, user: User) -> Decision:
    return _first_refusal(lambda: is_open(case), lambda: holds(case, user))


def can_follow_up(case: Case, user: User) -> Decision:
    """回访 is for the unit that closed the case, once it is closed."""
    if case.status != Case.Status.CLOSED:
        return Decision(False, "not_closed", _("事项办结后才能回访。"))
    if user.is_read_only or user.division_id != case.holder_id:
        return Decision(False, "not_closer", _("由办结该事项的单位进行回访。"))
    return ALLOWED


def can_review(case: Case, user: User) -> Decision:
    if user.role != User.Role.DISTRICT_ADMIN:
        return Decision(False, "not_district", _("只有区级管理员可以点评事项。"))
    return ALLOWED


def can_attach(case: Case, user: User) -> Decision:
    if user.is_read_only:
        return Decision(False, "read_only", _("只读账号不能上传附件。"))
    return ALLOWED


def can_reveal(case: Case, user: User) -> Decision:
    if not user.is_director_or_above:
        return Decision(False, "not_director", _("只有中心主任（或上级）可以查看当事人完整信息。"))
    return ALLOWED


def can_report_in(summons: Summons, user: User) -> Decision:
    """A summoned department reports in once, through its own staff."""
    if user.role != User.Role.DEPARTMENT_STAFF or user.department_id != summons.department_id:
        return Decision(False, "not_summoned", _("只有被吹哨部门的工作人员可以报到。"))
    if summons.reported_at is not None:
        at = timezone.localtime(summons.reported_at).strftime("%Y-%m-%d %H:%M")
        return Decision(False, "reported", _("本部门已于 %s 报到。") % at)
    return ALLOWED


def can_rate(summons: Summons, case: Case, user: User) -> Decision:
    """The director holding the case rates each summoned department once."""

    def unrated() -> Decision:
        return ALLOWED if summons.rating is None else Decision(False, "rated", _("已评价过该部门。"))

    return _first_refusal(lambda: holds(case, user), lambda: is_director(user), unrated)


def can_give_feedback(transfer: Transfer, case: Case, user: User) -> Decision:
    """The receiving department's staff answer a transfer once, while the case waits for it."""
    if (user.role != User.Role.DEPARTMENT_STAFF or transfer.department_id is None
            or user.department_id != transfer.department_id):
        return Decision(False, "not_receiver", _("只有接收部门的工作人员可以反馈。"))
    if transfer.feedback_at is not None:
        return Decision(False, "answered", _("此移交已反馈。"))
    if case.status != Case.Status.TRANSFERRED:
        return Decision(False, "not_transferred", _("此事项不在等待反馈的状态。"))
    return ALLOWED


# --- what the case page offers -----------------------------------------------------------------------

CASE_PREDICATES: dict[str, Callable[..., Decision]] = {
    "choose_path": can_choose_path,
    "session": can_record_session,
    "whistle": can_blow_whistle,
    "agreement": can_save_agreement,
    "confirmation": can_record_confirmation,
    "archive": can_archive,
    "escalate": can_escalate,
    "transfer": can_transfer,
    "extend": can_extend_deadline,
    "follow_up": can_follow_up,
    "review": can_review,
    "attach": can_attach,
    "reveal": can_reveal,
}
AGREEMENT_AWARE = {"agreement", "confirmation"}


def case_decision(name: str, case: Case, user: User, *, agreement_exists: bool | None = None) -> Decision:
    """The predicate of the case action called `name` (the action URLs' names)."""
    predicate = CASE_PREDICATES[name]
    if name in AGREEMENT_AWARE:
        return predicate(case, user, agreement_exists=agreement_exists)
    return predicate(case, user)


def available_actions(case: Case, user: User, *, agreement: Agreement | None = None) -> set[str]:
    """The names of the case actions this user may take now: the buttons the page shows."""
    exists = agreement is not None
    return {name for name in CASE_PREDICATES if case_decision(name, case, user, agreement_exists=exists)}
