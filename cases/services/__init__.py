"""Every state change of a case: one function per verb, one transaction, one CaseEvent each."""

from .base import CaseChanged, CaseRuleError, lock_case, record_event
from .closures import (
    add_case_note,
    add_review_comment,
    archive_case,
    escalate_case,
    extend_deadline,
    record_follow_up,
    record_transfer_feedback,
    remind_deadline,
    route_escalation,
    transfer_case,
)
from .intake import (
    HotlineOrder,
    Intake,
    PartyData,
    attach_files,
    case_for_client_token,
    register_case,
    register_case_once,
    reveal_parties,
)
from .work import (
    blow_whistle,
    choose_path,
    rate_department,
    record_confirmation,
    record_session,
    report_in,
    save_agreement,
)

__all__ = [
    "CaseChanged", "CaseRuleError", "HotlineOrder", "Intake", "PartyData", "add_case_note", "add_review_comment",
    "archive_case", "attach_files", "blow_whistle", "case_for_client_token", "choose_path", "escalate_case",
    "extend_deadline", "lock_case", "rate_department",
    "record_confirmation", "record_event", "record_follow_up", "record_session", "record_transfer_feedback",
    "register_case", "register_case_once", "remind_deadline", "report_in", "reveal_parties", "route_escalation", "save_agreement",
    "transfer_case",
]
