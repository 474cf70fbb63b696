"""The counters kept on write equal a count from scratch, after any sequence of service calls and after a rebuild."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases import services, tally
from cases.models import Case, CaseTally, Category
from dashboards import rates, rollup
from pinggu_center.models import Level
from tests.factories import UserFactory

from .helpers import register

pytestmark = pytest.mark.django_db

START = timezone.make_aware(timezone.datetime(2026, 1, 29, 9, 0))
OPS = ["register", "register", "path", "session", "archive", "escalate", "route", "transfer", "feedback",
       "follow_up", "follow_up", "extend", "clock"]
step = st.tuples(st.sampled_from(OPS), st.integers(0, 10_000), st.integers(0, 10_000))


def _counters() -> dict:
    """Every counter row with a non-zero figure, as {key: figures}."""
    rows = CaseTally.objects.values_list("rollup", "dimension", "division_id", "grain", "period", "town_id",
                                         *tally.FIELDS)
    return {row[:6]: row[6:] for row in rows if any(row[6:])}


class World:
    def __init__(self, org) -> None:
        self.org = org
        self.centers = [org.center, org.other_center]
        self.holders = {
            org.village.pk: UserFactory(role="village_director", division=org.village),
            org.other_village.pk: UserFactory(role="village_director", division=org.other_village),
            org.town.pk: UserFactory(role="town_staff", division=org.town),
            org.other_town.pk: UserFactory(role="town_staff", division=org.other_town),
            org.district.pk: UserFactory(role="district_admin", division=org.district),
        }
        self.department = UserFactory(role="department_staff", division=org.town, department=org.justice_office)
        self.categories = list(Category.objects.all()[:4])
        self.cases: list[int] = []

    def run(self, op: str, a: int, b: int, clock) -> None:
        if op == "clock":
            clock.shift(timedelta(hours=1 + a % 200))  # crosses days and, now and then, a month
            return
        if op == "register":
            center = self.centers[a % 2]
            extra = {"kind": Case.Kind.ENFORCEMENT, "transfer_to": self.org.enforcement} if b % 9 == 0 else {}
            case = register(center, self.holders[center.division_id], category=self.categories[b % 4],
                            source=Case.Source.values[b % len(Case.Source.values)], **extra)
            self.cases.append(case.pk)
            return
        if not self.cases:
            return
        case = Case.objects.select_related("division").get(pk=self.cases[a % len(self.cases)])
        actor = self.holders[case.holder_id]
        with contextlib.suppress(services.CaseRuleError):  # a refused step changes nothing, counters included
            self._act(op, case, actor, b)

    def _act(self, op: str, case: Case, actor, b: int) -> None:
        if op == "path":
            path = Case.Path.values[b % 3]
            method = Case.LegalMethod.PEOPLES if path == Case.Path.LEGAL else ""
            services.choose_path(case_id=case.pk, actor=actor, path=path, legal_method=method)
        elif op == "session":
            services.record_session(case_id=case.pk, actor=actor, held_at=timezone.now(), place="中心",
                                    mediators="甲", parties_present="乙", record="经过", outcome="调解中")
        elif op == "archive":
            outcome = Case.Outcome.values[b % 3]
            services.archive_case(case_id=case.pk, actor=actor, outcome=outcome, summary="总结")
        elif op == "escalate":
            who = None if b % 2 else actor
            services.escalate_case(case_id=case.pk, from_level=case.level, actor=who, reason="超出能力",
                                   automatic=who is None)
        elif op == "route":
            services.route_escalation(case_id=case.pk, level=case.level)
        elif op == "transfer":
            services.transfer_case(case_id=case.pk, actor=actor, target="department",
                                   department=self.org.justice_office, reason="依法移交")
        elif op == "feedback":
            transfer = case.transfers.filter(feedback_at__isnull=True, department__isnull=False).first()
            if transfer is not None:
                services.record_transfer_feedback(transfer_id=transfer.pk, actor=self.department, feedback="已处理")
        elif op == "follow_up":
            satisfaction = ["satisfied", "basically", "unsatisfied"][b % 3]
            services.record_follow_up(case_id=case.pk, actor=actor, performance="na", risk="", note="",
                                      satisfaction=satisfaction, reopen=satisfaction == "unsatisfied" and b % 2 == 0)
        elif op == "extend":
            due = (case.resolution_due or timezone.now()) + timedelta(days=3)
            services.extend_deadline(case_id=case.pk, actor=actor, new_due=due, consent="双方同意")


def _rates_equal_a_live_count() -> None:
    """Figure by figure: the rates read from the counters equal the rates counted over the cases."""
    period = rates.Period(date(2025, 12, 15), timezone.localdate() + timedelta(days=1))
    for group, key in [("town", "division__parent_id"), ("village", "division_id")]:
        where = {} if group == "town" else {"town": Case.objects.first().division.parent}
        read = rollup.review_rates(period, group=group, where=where)
        cases = rates.cases_in(period)
        if group == "village":
            cases = cases.filter(division__parent=where["town"])
        live = rates.rates_by(cases, key)
        assert set(read) == set(live)
        for group_id, row in live.items():
            for name in [*rollup.FIELDS, *rates.RATES]:
                assert read[group_id][name] == pytest.approx(row[name]), (group, group_id, name)


@settings(max_examples=3, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(steps=st.lists(step, min_size=250, max_size=320))
def test_counters_equal_a_count_from_scratch(org, steps):
    with time_machine.travel(START, tick=False) as clock:
        world = World(org)
        for op, a, b in steps:
            world.run(op, a, b, clock)
        kept = _counters()
        assert kept, "the steps registered cases"
        _rates_equal_a_live_count()
        call_command("rebuild_counters", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert _counters() == kept
        _rates_equal_a_live_count()


def test_a_step_that_moves_nothing_writes_no_counter(org, director, django_assert_num_queries):
    case = register(org.center, director)
    before = _counters()
    services.extend_deadline(case_id=case.pk, actor=director, new_due=case.resolution_due + timedelta(days=5),
                             consent="双方同意")
    assert _counters() == before


def test_counters_follow_a_case_to_the_town(org, director):
    case = register(org.center, director)
    services.escalate_case(case_id=case.pk, from_level=Level.VILLAGE, actor=director, reason="复杂")
    month = timezone.localdate().replace(day=1)
    rows = CaseTally.objects.filter(grain="m", period=month, rollup="v", division=org.village)
    by_dimension = {row.dimension: row for row in rows}
    assert by_dimension["level:town"].intake == 1
    assert by_dimension["level:village"].intake == 0
    assert by_dimension[""].escalated == 1
    assert CaseTally.objects.get(grain="m", period=month, rollup="t", division=org.town, dimension="").escalated == 1
