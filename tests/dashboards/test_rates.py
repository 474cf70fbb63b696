"""The review rates, computed in SQL, against hand-counted cases (edge cases included)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Case, CaseEvent, FollowUp
from dashboards import rates
from pinggu_center.models import Level
from tests.cases.factories import CaseEventFactory, CaseFactory

pytestmark = pytest.mark.django_db


def _follow_up(case: Case, satisfaction: str, at) -> None:
    """A follow-up as record_follow_up leaves it: the row, and the case's latest answer (called in time order)."""
    FollowUp.objects.create(case=case, at=at, performance="na", satisfaction=satisfaction)
    Case.objects.filter(pk=case.pk).update(satisfaction=satisfaction)


def _closed(center, *, closure: str, outcome: str = "", level: str = Level.VILLAGE, **fields) -> Case:
    now = timezone.now()
    fields.setdefault("closed_at", now - timedelta(days=1))
    return CaseFactory(
        center=center, status=Case.Status.CLOSED, closure=closure, outcome=outcome, level=level, **fields
    )


@pytest.fixture
def hand_counted(org):
    """Five cases in 西凡各庄村, one in 周村, one registered before the period."""
    now = timezone.now()
    c1 = _closed(
        org.center,
        closure="archive",
        outcome="resolved",
        response_due=now - timedelta(days=3),
        responded_at=now - timedelta(days=4),
    )
    _follow_up(c1, FollowUp.Satisfaction.SATISFIED, now - timedelta(days=2))
    _follow_up(c1, FollowUp.Satisfaction.UNSATISFIED, now - timedelta(hours=1))  # the latest one counts
    c2 = CaseFactory(
        center=org.center,
        response_due=now - timedelta(days=1),
        responded_at=None,
        resolution_due=now - timedelta(hours=1),
    )  # not responded in time, overdue
    c3 = _closed(
        org.center,
        closure="archive",
        outcome="unresolved",
        level=Level.TOWN,
        response_due=now + timedelta(days=1),
        responded_at=None,
    )  # not judged yet on response
    CaseEventFactory(case=c3, kind=CaseEvent.Kind.ESCALATED)
    Case.objects.filter(pk=c3.pk).update(escalated_at=now)  # as escalate_case leaves it
    due = now - timedelta(days=2)
    c4 = _closed(
        org.center,
        closure="archive",
        outcome="resolved",
        resolution_due=due,
        closed_at=due,
        response_due=due - timedelta(days=5),
        responded_at=due - timedelta(days=5),
    )  # exactly at deadlines
    _follow_up(c4, FollowUp.Satisfaction.BASICALLY, now - timedelta(hours=2))
    _closed(org.center, closure="transfer", response_due=None)  # c5: closed by feedback of a transfer
    CaseFactory(center=org.other_center, response_due=now - timedelta(days=1), responded_at=now - timedelta(days=2))
    CaseFactory(center=org.center, registered_at=now - timedelta(days=800), resolution_due=now - timedelta(days=700))
    return {"c1": c1, "c2": c2, "c3": c3, "c4": c4}


def _period() -> rates.Period:
    today = timezone.localdate()
    return rates.Period(today - timedelta(days=30), today)


def test_rates_by_village_match_the_hand_count(org, hand_counted):
    by_village = rates.rates_by(rates.cases_in(_period()), "division_id")
    row = by_village[org.village.pk]
    assert row["intake"] == 5
    assert (row["responded_in_time"], row["response_judged"]) == (2, 3)  # c1, c4 of c1, c2, c4
    assert (row["resolved"], row["archived"]) == (2, 3)  # c1, c4 of c1, c3, c4
    assert (row["satisfied"], row["followed_up"]) == (1, 2)  # c4 (basically); c1's latest is unsatisfied
    assert (row["closed_in_village"], row["closed"]) == (3, 4)  # c1, c4, c5 of c1, c3, c4, c5
    assert row["escalated"] == 1
    assert row["overdue"] == 1  # c2; c4 closed exactly at its deadline is not overdue
    assert row["response_rate"] == pytest.approx(200 / 3)
    assert row["resolution_rate"] == pytest.approx(200 / 3)
    assert row["satisfaction_rate"] == pytest.approx(50.0)
    assert row["village_rate"] == pytest.approx(75.0)
    assert row["escalation_rate"] == pytest.approx(20.0)
    other = by_village[org.other_village.pk]
    assert other["intake"] == 1 and other["response_rate"] == 100.0
    assert other["satisfaction_rate"] is None and other["resolution_rate"] is None  # nothing to count: no 0 %


def test_rates_by_town_and_total(org, hand_counted):
    cases = rates.cases_in(_period())
    by_town = rates.rates_by(cases, "division__parent_id")
    assert by_town[org.town.pk]["intake"] == 5 and by_town[org.other_town.pk]["intake"] == 1
    total = rates.rates_total(cases)
    assert total["intake"] == 6
    assert (total["responded_in_time"], total["response_judged"]) == (3, 4)


def test_no_cases_gives_zeros_and_no_rates(org):
    total = rates.rates_total(rates.cases_in(_period()))
    assert total["intake"] == 0
    assert all(total[name] is None for name in rates.RATES)
    table = rates.with_rates([org.village], rates.rates_by(rates.cases_in(_period()), "division_id"))
    assert table[0]["intake"] == 0 and table[0]["satisfaction_rate"] is None


def test_cases_without_follow_ups_have_no_satisfaction_rate(org):
    _closed(org.center, closure="archive", outcome="resolved")
    row = rates.rates_total(rates.cases_in(_period()))
    assert (row["closed"], row["followed_up"], row["satisfaction_rate"]) == (1, 0, None)
    assert row["resolution_rate"] == 100.0


def test_rates_run_in_one_query(org, hand_counted, django_assert_num_queries):
    with django_assert_num_queries(1):
        rates.rates_by(rates.cases_in(_period()), "division__parent_id")
    with django_assert_num_queries(1):
        rates.rates_total(rates.cases_in(_period()))
