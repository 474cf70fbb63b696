"""The visit and department-ranking counters kept on write equal a count from scratch, figure by figure.

A random sequence of a few hundred visit, household, whistle, report-in and rating service calls (Hypothesis);
then every counter row equals a rebuild, and every figure of the visit statistics, the weekly quota and the
department ranking equals a direct count over the visits, households and summonses — before and after
`rebuild_counters`.
"""

from __future__ import annotations

import contextlib
import itertools
import uuid
from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases import services as case_services
from cases.models import Case, Category, DepartmentTally, Summons
from dashboards import selectors as dashboard_selectors
from dashboards.rates import Period
from pinggu_center.models import Department, Division, Level
from tests.cases.helpers import register
from tests.factories import MemberFactory, UserFactory
from visits import selectors, services
from visits.models import CadreWeekTally, Household, Visit, VisitTally

pytestmark = pytest.mark.django_db

START = timezone.make_aware(timezone.datetime(2026, 3, 27, 9, 0))
OPS = ["visit", "visit", "visit", "visit", "household", "import", "whistle", "report", "report", "rate", "clock"]
NUMBERS = itertools.count(1)
step = st.tuples(st.sampled_from(OPS), st.integers(0, 10_000), st.integers(0, 10_000))


def _counters() -> dict:
    """Every counter row with a non-zero figure."""
    visits = VisitTally.objects.values_list("rollup", "dimension", "division_id", "grain", "period", "town_id",
                                            "visits", "households")
    cadres = CadreWeekTally.objects.values_list("member_id", "week_start", "visits", "households")
    departments = DepartmentTally.objects.values_list("department_id", "grain", "period", "summoned", "reported",
                                                      "late", "delay_us", "rated", "rating_sum")
    return {
        "visits": {row[:6]: row[6:] for row in visits if any(row[6:])},
        "cadres": {row[:2]: row[2:] for row in cadres if any(row[2:])},
        "departments": {row[:3]: row[3:] for row in departments if any(row[3:])},
    }


class World:
    def __init__(self, org) -> None:
        self.org = org
        self.villages = [org.village, org.other_village]
        self.directors = {
            org.village.pk: UserFactory(role="village_director", division=org.village),
            org.other_village.pk: UserFactory(role="village_director", division=org.other_village),
        }
        self.cadres = {
            center.division_id: [
                MemberFactory(center=center, role_codes=["committee"], joined_on=date(2025, 1, 1)) for _ in range(3)
            ]
            for center in (org.center, org.other_center)
        }
        self.departments = [org.justice_office, org.enforcement, org.district_court]
        self.department_staff = {
            d.pk: UserFactory(role="department_staff", division=d.division, department=d) for d in self.departments
        }
        self.categories = list(Category.objects.all()[:3])
        self.tokens = [uuid.uuid4() for _ in range(5)]
        self.numbers = NUMBERS  # the examples share one database: addresses stay unique across them
        for village in self.villages:
            for _ in range(2):
                services.create_household(division=village, actor=self.directors[village.pk],
                                          data={"address": f"{next(self.numbers)}号", "head_name": "户主"})

    def run(self, op: str, a: int, b: int, clock) -> None:
        if op == "clock":
            clock.shift(timedelta(hours=1 + a % 100))  # crosses days, weeks and, now and then, a month
        elif op in ("household", "import"):
            village = self.villages[a % 2]
            rows = [{"address": f"{next(self.numbers)}号", "head_name": "户主"} for _ in range(1 + b % 3)]
            actor = self.directors[village.pk]
            with contextlib.suppress(services.VisitRuleError):
                if op == "household":
                    services.create_household(division=village, actor=actor, data=rows[0])
                else:
                    services.import_households(division=village, actor=actor, rows=rows)
        elif op == "visit":
            self._visit(a, b)
        else:
            with contextlib.suppress(case_services.CaseRuleError):
                self._whistle(op, a, b)

    def _visit(self, a: int, b: int) -> None:
        households = list(Household.objects.order_by("pk").values_list("pk", flat=True))
        if not households:
            return
        household = Household.objects.get(pk=households[a % len(households)])
        cadres = self.cadres[household.division_id]
        data = {
            "visited_on": timezone.localdate() - timedelta(days=b % 120),
            "cadres": [cadre for index, cadre in enumerate(cadres) if (b >> index) & 1],
            "category": self.categories[b % 4] if b % 4 < 3 else None,
            "raised": "反映问题",
        }
        token = self.tokens[a % 5] if b % 7 == 0 else None  # a form sent twice is saved once
        with contextlib.suppress(services.VisitRuleError):
            services.record_visit_once(household=household, actor=self.directors[household.division_id], data=data,
                                       client_token=token)

    def _whistle(self, op: str, a: int, b: int) -> None:
        director = self.directors[self.org.village.pk]
        if op == "whistle":
            case = register(self.org.center, director)
            case_services.choose_path(case_id=case.pk, actor=director, path=Case.Path.JOINT)
            departments = [d for index, d in enumerate(self.departments) if (b >> index) & 1] or self.departments[:1]
            due = timezone.now() + timedelta(hours=1 + a % 48)
            case_services.blow_whistle(case_id=case.pk, actor=director, matter="联合调解", departments=departments,
                                       report_in_due=due)
            return
        summonses = list(Summons.objects.order_by("pk"))
        if not summonses:
            return
        summons = summonses[a % len(summonses)]
        if op == "report":
            case_services.report_in(summons_id=summons.pk, actor=self.department_staff[summons.department_id],
                                    note="已到场", attended=True)
        else:
            case_services.rate_department(summons_id=summons.pk, actor=director, rating=1 + b % 5, comment="")


# --- the figures counted from scratch, as the pages counted them before the counters ---------------------


def _live_statistics(user, today: date) -> dict:
    since = selectors.week_start_of(today) - timedelta(weeks=selectors.STATS_WEEKS - 1)
    visits = Visit.objects.visible_to(user)
    households = Household.objects.visible_to(user)
    per_week = list(
        visits.filter(visited_on__gte=since).annotate(week=TruncWeek("visited_on"))
        .values("week").annotate(visits=Count("pk"), households=Count("household", distinct=True)).order_by("week")
    )  # fmt: skip
    coverage = households.aggregate(
        total=Count("pk"),
        in_30=Count("pk", filter=Q(last_visited_on__gte=today - timedelta(days=30))),
        in_90=Count("pk", filter=Q(last_visited_on__gte=today - timedelta(days=90))),
    )
    by_category = {
        row["category__name"]: row["count"]
        for row in visits.filter(visited_on__gte=since, category__isnull=False)
        .values("category__name").annotate(count=Count("pk"))
    }
    villages = {}
    for village in selectors.visible_villages(user):
        mine = Household.objects.filter(division=village)
        if mine.exists():
            villages[village.pk] = (mine.count(), mine.filter(last_visited_on__gte=today - timedelta(days=30)).count())
    towns = {}
    for town in Division.objects.filter(pk__in=[v.parent_id for v in selectors.visible_villages(user)]):
        mine = Household.objects.filter(division__parent=town)
        if user.division.level != Level.VILLAGE and mine.exists():
            towns[town.pk] = (mine.count(), mine.filter(last_visited_on__gte=today - timedelta(days=30)).count())
    return {"per_week": per_week, "coverage": coverage, "by_category": by_category, "villages": villages,
            "towns": towns}


def _read_statistics(user, today: date) -> dict:
    stats = selectors.statistics(user, today)
    return {
        "per_week": stats.per_week,
        "coverage": {name: stats.coverage[name] for name in ("total", "in_30", "in_90")},
        "by_category": {row["category__name"]: row["count"] for row in stats.by_category},
        "villages": {v.pk: (v.household_count, v.covered_30) for v in stats.villages},
        "towns": {t.pk: (t.household_count, t.covered_30) for t in stats.towns if t.household_count},
    }


def _live_last_visits() -> dict[int, date | None]:
    latest = {}
    for household_id, day in Visit.objects.values_list("household_id", "visited_on"):
        latest[household_id] = max(day, latest.get(household_id, day))
    return {pk: latest.get(pk) for pk in Household.objects.values_list("pk", flat=True)}


def _live_quota(week_start: date) -> dict[int, int]:
    week_end = week_start + timedelta(days=6)
    counted = Count("visits__household", filter=Q(visits__visited_on__range=(week_start, week_end)), distinct=True)
    return dict(selectors.visiting_members().annotate(n=counted).values_list("pk", "n"))


def _live_ranking(period: Period) -> list[tuple]:
    start, end = period.bounds
    in_period = Q(summonses__whistle__blown_at__gte=start, summonses__whistle__blown_at__lt=end)
    delay = ExpressionWrapper(F("summonses__reported_at") - F("summonses__whistle__blown_at"), DurationField())
    departments = Department.objects.annotate(
        summoned=Count("summonses", filter=in_period),
        reported=Count("summonses", filter=in_period & Q(summonses__reported_at__isnull=False)),
        late=Count("summonses", filter=in_period & Q(summonses__reported_at__gt=F("summonses__whistle__report_in_due"))),
        average_delay=Avg(delay, filter=in_period & Q(summonses__reported_at__isnull=False)),
        average_rating=Avg("summonses__rating", filter=in_period),
    ).filter(summoned__gt=0).order_by(F("average_delay").asc(nulls_last=True), "name")
    return [_ranked(d) for d in departments]


def _ranked(d) -> tuple:
    delay = None if d.average_delay is None else round(d.average_delay.total_seconds(), 3)
    rating = None if d.average_rating is None else round(d.average_rating, 6)
    return (d.pk, d.summoned, d.reported, d.late, delay, rating)


def _figures_equal_a_live_count(users) -> None:
    today = timezone.localdate()
    for user in users:
        assert _read_statistics(user, today) == _live_statistics(user, today), user.role
        stats, workbench = selectors.statistics(user, today), selectors.coverage_and_this_week(user.division, today)
        latest = stats.per_week[-1] if stats.per_week else None
        this_week = latest if latest and latest["week"] == selectors.week_start_of(today) else None
        assert workbench == {"coverage": stats.coverage, "this_week": this_week}
    assert dict(Household.objects.values_list("pk", "last_visited_on")) == _live_last_visits()
    monday = selectors.week_start_of(today)
    for weeks_ago in range(0, 18):
        week = monday - timedelta(weeks=weeks_ago)
        counted = {m.pk: m.visited for m in selectors.quota_counts(week)}
        live = _live_quota(week)
        assert counted == {pk: n for pk, n in live.items() if pk in counted}, week
    for period in [Period(date(2026, 3, 1), today), Period(date(2026, 3, 28), date(2026, 4, 2)),
                   Period(date(2026, 4, 1), date(2026, 4, 30)), Period(date(2025, 1, 1), today + timedelta(days=1))]:
        read = [_ranked(d) for d in dashboard_selectors.department_ranking(period)]
        assert read == _live_ranking(period), period


@settings(max_examples=3, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(steps=st.lists(step, min_size=250, max_size=320))
def test_counters_equal_a_count_from_scratch(org, district_admin, town_user, director, steps):
    with time_machine.travel(START, tick=False) as clock:
        world = World(org)
        for op, a, b in steps:
            world.run(op, a, b, clock)
        kept = _counters()
        assert kept["visits"], "households were registered"
        users = [district_admin, town_user, director]
        _figures_equal_a_live_count(users)
        call_command("rebuild_counters", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert _counters() == kept
        _figures_equal_a_live_count(users)


def test_a_report_in_weeks_later_counts_on_the_day_the_whistle_was_blown(org, director):
    department_user = UserFactory(role="department_staff", division=org.town, department=org.justice_office)
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 1, 31, 23, 30)), tick=False) as clock:
        case = register(org.center, director)
        case_services.choose_path(case_id=case.pk, actor=director, path=Case.Path.JOINT)
        whistle = case_services.blow_whistle(case_id=case.pk, actor=director, matter="联合调解",
                                             departments=[org.justice_office])
        clock.shift(timedelta(days=20))
        case_services.report_in(summons_id=whistle.summonses.get().pk, actor=department_user, note="", attended=True)
    rows = DepartmentTally.objects.filter(department=org.justice_office)
    assert {(r.grain, r.period): (r.summoned, r.reported, r.late) for r in rows} == {
        ("d", date(2026, 1, 31)): (1, 1, 1),
        ("m", date(2026, 1, 1)): (1, 1, 1),
    }
