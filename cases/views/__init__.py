"""The case pages: intake, the case page and its actions, the inboxes and the ledger."""

from .intake import case_create
from .lists import case_list, whistle_inbox
from .work import (
    agreement_print,
    attachment_download,
    case_action,
    case_detail,
    case_reveal,
    summons_action,
    transfer_action,
)

__all__ = [
    "agreement_print", "attachment_download", "case_action", "case_create", "case_detail",
    "case_list", "case_reveal", "summons_action", "transfer_action", "whistle_inbox",
]
