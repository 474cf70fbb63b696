"""The Organic Law of Villagers' Committees, as arithmetic on whole numbers (no floats at the edges).

- 村民会议: more than half of villagers aged 18 or over present (Art. 22).
- 户代表会议 (the villager meeting held by household representatives): two thirds or more of households.
- 村民代表会议: two thirds or more of its members present (Art. 26).
- 村民委员会会议 / 两委联席会议: more than half of members present (the meeting rules of the committees).
- Every decision: more than half of those present vote for it; a tie fails.
- A villager meeting (either form) is announced 10 days before it is held.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from .models import MeetingKind

NOTICE_DAYS = 10
VILLAGER_KINDS = {MeetingKind.VILLAGER, MeetingKind.HOUSEHOLD}

QUORUM_RULES = {
    MeetingKind.VILLAGER: _("村民会议须有本村十八周岁以上村民过半数参加"),
    MeetingKind.HOUSEHOLD: _("以户代表形式召开的村民会议须有本村三分之二以上的户的代表参加"),
    MeetingKind.REPRESENTATIVES: _("村民代表会议须有三分之二以上的组成人员参加"),
    MeetingKind.COMMITTEE: _("村民委员会会议须有过半数成员参加"),
    MeetingKind.JOINT: _("两委联席会议须有过半数成员参加"),
}
MAJORITY_RULE = _("所作决定应当经到会人员的过半数同意")
NOTICE_RULE = _("召开村民会议，应当提前十天通知村民")


def quorum_met(kind: str, *, eligible: int, present: int) -> bool:
    """Whether enough of those eligible came for the meeting to decide anything."""
    if eligible <= 0 or present > eligible:
        return False
    if kind in (MeetingKind.HOUSEHOLD, MeetingKind.REPRESENTATIVES):
        return present * 3 >= eligible * 2  # two thirds or more
    return present * 2 > eligible  # more than half


def majority_reached(*, votes_for: int, present: int) -> bool:
    """More than half of those present voted for; abstaining and absent-minded hands count as not for."""
    return present > 0 and votes_for * 2 > present


def notice_ok(kind: str, *, notice_date: date, held_on: date) -> bool:
    """A villager meeting must be announced at least ten days ahead; other meetings have no legal minimum."""
    if kind not in VILLAGER_KINDS:
        return notice_date <= held_on
    return (held_on - notice_date).days >= NOTICE_DAYS
