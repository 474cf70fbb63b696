"""The Organic Law's quorum, majority and notice rules at their edges, as tables."""

from datetime import date

import pytest

from deliberation.models import MeetingKind
from deliberation.rules import majority_reached, notice_ok, quorum_met


@pytest.mark.parametrize(
    ("kind", "eligible", "present", "met"),
    [
        # 村民会议: more than half of adult villagers — exactly half is not enough.
        (MeetingKind.VILLAGER, 100, 50, False),
        (MeetingKind.VILLAGER, 100, 51, True),
        (MeetingKind.VILLAGER, 101, 50, False),
        (MeetingKind.VILLAGER, 101, 51, True),
        (MeetingKind.VILLAGER, 1, 1, True),
        # 户代表会议: two thirds of households or more — exactly two thirds is enough.
        (MeetingKind.HOUSEHOLD, 90, 59, False),
        (MeetingKind.HOUSEHOLD, 90, 60, True),
        (MeetingKind.HOUSEHOLD, 100, 66, False),
        (MeetingKind.HOUSEHOLD, 100, 67, True),
        # 村民代表会议: two thirds of its members or more.
        (MeetingKind.REPRESENTATIVES, 30, 19, False),
        (MeetingKind.REPRESENTATIVES, 30, 20, True),
        (MeetingKind.REPRESENTATIVES, 31, 20, False),
        (MeetingKind.REPRESENTATIVES, 31, 21, True),
        # Committees: more than half.
        (MeetingKind.COMMITTEE, 6, 3, False),
        (MeetingKind.COMMITTEE, 6, 4, True),
        (MeetingKind.JOINT, 9, 5, True),
        (MeetingKind.JOINT, 9, 4, False),
        # Nonsense never meets a quorum.
        (MeetingKind.VILLAGER, 0, 0, False),
        (MeetingKind.REPRESENTATIVES, 10, 11, False),
    ],
)
def test_quorum(kind, eligible, present, met):
    assert quorum_met(kind, eligible=eligible, present=present) is met


@pytest.mark.parametrize(
    ("votes_for", "present", "adopted"),
    [
        (10, 20, False),  # a tie with the rest is not a majority
        (11, 20, True),
        (10, 21, False),
        (11, 21, True),
        (1, 1, True),
        (0, 0, False),
        (15, 30, False),  # exactly half of those present, abstentions counted as not for
    ],
)
def test_majority_of_those_present(votes_for, present, adopted):
    assert majority_reached(votes_for=votes_for, present=present) is adopted


@pytest.mark.parametrize(
    ("kind", "notice", "held", "ok"),
    [
        (MeetingKind.VILLAGER, date(2026, 11, 1), date(2026, 11, 10), False),  # 9 days
        (MeetingKind.VILLAGER, date(2026, 11, 1), date(2026, 11, 11), True),  # 10 days
        (MeetingKind.HOUSEHOLD, date(2026, 11, 1), date(2026, 11, 10), False),
        (MeetingKind.HOUSEHOLD, date(2026, 11, 1), date(2026, 11, 11), True),
        (MeetingKind.REPRESENTATIVES, date(2026, 11, 10), date(2026, 11, 10), True),  # no legal minimum
        (MeetingKind.REPRESENTATIVES, date(2026, 11, 11), date(2026, 11, 10), False),  # notice after the meeting
    ],
)
def test_notice(kind, notice, held, ok):
    assert notice_ok(kind, notice_date=notice, held_on=held) is ok
