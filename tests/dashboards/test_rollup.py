"""The counters give exactly the rates a live count gives, for any period, and follow changes to old cases."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from cases import services
from cases.models import Case, CaseEvent, CaseTally
from dashboards import rates, rollup
from pinggu_center.models import Level
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(timezone.datetime(2026, 11, 24, 10, 0))
COMPARED = [*rollup.COUNTERS, "overdue", *rates.RATES]


def _old_cases(org) -> list[Case]:
    made = []
    for months_ago, center in [(1, org.center), (2, org.center), (3, org.other_center), (5, org.center)]:
        at = NOW - timedelta(days=30 * months_ago + 3)
        made.append(CaseFactory(center=center, registered_at=at, response_due=at + timedelta(days=1),
                                responded_at=at + timedelta(hours=5), resolution_due=at + timedelta(days=10)))
        made.append(CaseFactory(center=center, registered_at=at, response_due=at + timedelta(days=1),
                                status=Case.Status.CLOSED, closure=Case.Closure.ARCHIVE, outcome="resolved",
                                closed_at=at + timedelta(days=4), satisfaction="satisfied", escalated_at=at))
    made.append(CaseFactory(center=org.center, registered_at=NOW - timedelta(days=2)))  # in the live window
    return made


def _same(left: dict, right: dict) -> None:
    for key in COMPARED:
        assert left[key] == pytest.approx(right[key]), key


@time_machine.travel(NOW, tick=False)
def test_month_counters_equal_the_live_count(org):
    _old_cases(org)
    period = rates.Period(date(2026, 1, 1), date(2026, 11, 24))
    by_town = rollup.review_rates(period, group="town", where={})
    live = rates.rates_by(rates.cases_in(period), "division__parent_id")
    assert set(by_town) == set(live)
    for town_id, row in live.items():
        _same(by_town[town_id], row)
    _same(rollup.total(by_town), rates.rates_total(rates.cases_in(period)))
    assert CaseTally.objects.filter(grain="m").exists()  # whole months came from the month rows
    # A period starting mid-month mixes counters and live rows and still agrees.
    mid = rates.Period(date(2026, 7, 15), date(2026, 10, 20))
    _same(rollup.total(rollup.review_rates(mid, group=None, where={"division": org.village})),
          rates.rates_total(rates.cases_in(mid).filter(division=org.village)))


def test_a_change_to_an_old_case_reaches_the_counters(org, director):
    long_ago = timezone.now() - timedelta(days=120)
    case = CaseFactory(center=org.center, registered_at=long_ago, status=Case.Status.CLOSED,
                       closure=Case.Closure.ARCHIVE, outcome="resolved", closed_at=long_ago + timedelta(days=3),
                       holder=org.village)
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.REGISTERED, level=Level.VILLAGE, at=long_ago)
    today = timezone.localdate()
    period = rates.Period(today - timedelta(days=365), today)
    before = rollup.total(rollup.review_rates(period, group=None, where={}))
    assert before["followed_up"] == 0
    services.record_follow_up(case_id=case.pk, actor=director, performance="na", risk="", satisfaction="unsatisfied",
                              note="", reopen=False, keep_closed_reason="诉求超出调解范围")
    after = rollup.total(rollup.review_rates(period, group=None, where={}))
    assert (after["followed_up"], after["satisfied"]) == (1, 0)
    call_command("rebuild_counters", stdout=StringIO())  # a rebuild from scratch agrees
    assert rollup.total(rollup.review_rates(period, group=None, where={})) == after


@time_machine.travel(NOW, tick=False)
def test_the_tree_is_read_only_to_sum_villages_into_towns_or_to_pick_a_towns_villages(org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _old_cases(org)
    period = rates.Period(date(2026, 1, 1), date(2026, 11, 30))
    for group, where, reads_tree in [
        (None, {}, False), (None, {"division": org.village}, False),
        ("town", {}, True), ("village", {"town": org.town}, True),
    ]:
        with CaptureQueriesContext(connection) as queries:
            rollup.review_rates(period, group=group, where=where)
        tree = [q for q in queries if 'FROM "pinggu_center_division"' in q["sql"]]
        assert bool(tree) is reads_tree, (group, where)
        assert len(queries) == 3 + reads_tree
