"""The weekly quota: distinct households per ISO week, duplicates, week boundaries, mid-week joiners."""

from datetime import date, timedelta

import pytest

from pinggu_center.models import Notification
from tests.factories import MemberFactory
from visits.models import WeeklyQuotaResult
from visits.selectors import prorated_quota, quota_counts, week_start_of
from visits.services import record_week_quota

from .factories import HouseholdFactory, VisitFactory

MONDAY = date(2026, 11, 16)


def _visits(member, village, days: list[date], households=None) -> None:
    households = households or [HouseholdFactory(division=village) for _ in days]
    for day, household in zip(days, households, strict=True):
        VisitFactory(household=household, visited_on=day, cadres=[member])


def _counts(week_start: date) -> dict:
    return {member.pk: member.visited for member in quota_counts(week_start)}


def test_week_start_is_monday():
    assert week_start_of(date(2026, 11, 22)) == MONDAY  # Sunday
    assert week_start_of(date(2026, 11, 23)) == date(2026, 11, 23)


def test_sunday_and_next_monday_count_in_different_weeks(org):
    member = MemberFactory(center=org.center, role_codes=["committee"], joined_on=date(2026, 1, 1))
    sunday, next_monday = MONDAY + timedelta(days=6), MONDAY + timedelta(days=7)
    _visits(member, org.village, [MONDAY - timedelta(days=1), sunday, next_monday])
    assert _counts(MONDAY)[member.pk] == 1
    assert _counts(MONDAY + timedelta(weeks=1))[member.pk] == 1


def test_same_household_twice_in_a_week_counts_once(org):
    member = MemberFactory(center=org.center, role_codes=["committee"], joined_on=date(2026, 1, 1))
    household = HouseholdFactory(division=org.village)
    _visits(member, org.village, [MONDAY, MONDAY + timedelta(days=3)], [household, household])
    assert _counts(MONDAY)[member.pk] == 1


def test_members_without_a_visiting_role_are_not_counted(org):
    member = MemberFactory(center=org.center, role_codes=[], joined_on=date(2026, 1, 1))
    assert member.pk not in _counts(MONDAY)


@pytest.mark.parametrize(
    ("joined_on", "quota"),
    [
        (date(2026, 1, 1), 5),  # long before: full quota
        (MONDAY, 5),  # on Monday: full week
        (MONDAY + timedelta(days=3), 3),  # Thursday: 4 days → ceil(5×4/7) = 3
        (MONDAY + timedelta(days=6), 1),  # Sunday: 1 day → 1
    ],
)
def test_mid_week_joiners_are_prorated(org, joined_on, quota):
    member = MemberFactory(center=org.center, role_codes=["committee"], joined_on=joined_on)
    assert prorated_quota(member, MONDAY, 5) == quota


def test_joiner_after_the_week_is_left_out(org):
    member = MemberFactory(center=org.center, role_codes=["committee"], joined_on=MONDAY + timedelta(days=7))
    assert member.pk not in _counts(MONDAY)


def test_record_week_writes_once_and_notifies_the_villages_director(org, director, other_director):
    short = MemberFactory(center=org.center, name="王短", role_codes=["committee"], joined_on=date(2026, 1, 1))
    full = MemberFactory(center=org.center, role_codes=["party_rep"], joined_on=date(2026, 1, 1))
    late = MemberFactory(center=org.center, role_codes=["committee"], joined_on=MONDAY + timedelta(days=4))
    _visits(short, org.village, [MONDAY] * 2)
    _visits(full, org.village, [MONDAY + timedelta(days=n) for n in range(5)])
    _visits(late, org.village, [MONDAY + timedelta(days=5)] * 2)  # 3 days → quota 3, visited 2
    assert record_week_quota(week_start=MONDAY) == 3
    results = {r.member_id: (r.households_visited, r.quota, r.met) for r in WeeklyQuotaResult.objects.all()}
    assert results == {short.pk: (2, 5, False), full.pk: (5, 5, True), late.pk: (2, 3, False)}
    note = Notification.objects.get(recipient=director)
    assert "王短（2/5）" in note.render()
    assert not Notification.objects.filter(recipient=other_director).exists()
    record_week_quota(week_start=MONDAY)
    assert WeeklyQuotaResult.objects.count() == 3
    assert Notification.objects.count() == 1
