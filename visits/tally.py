"""Counters of visits kept on write: the visit statistics and the weekly quota are read from counter rows.

`VisitTally` rows, per village and per town (rollup "v" / "t"):

- ""              grain "w", period the ISO week's Monday: visits, and distinct households visited that week;
- "category:<id>" grain "w": the week's visits that raised a matter of that category;
- "@last"         grain "d": households whose latest visit was on that day (coverage "visited in the last N
                  days" is the sum of the rows from N days ago on);
- "@households"   grain "n", period EVER: the registered households.

`CadreWeekTally` rows: per cadre and ISO week, visits and distinct households visited (the weekly quota).

A household's visits are counted with the household row locked (`count_visit`), so "was this household already
visited this week, by this cadre?" is answered by the visits already committed: two visits saved at once are
counted one after the other. Every change is one INSERT … ON CONFLICT DO UPDATE per table, rows in key order.
`rebuild()` recomputes every row from the households and visits (`manage.py rebuild_counters`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import CharField, Count, DateField, F, IntegerField, Value
from django.db.models.functions import Cast, Concat, TruncWeek

from pinggu_center.counters import add_to_counters

from .models import CadreWeekTally, Household, Visit, VisitTally

MEASURES = ["visits", "households"]

WEEK = ""
CATEGORY = "category:"
LAST_VISIT = "@last"
HOUSEHOLDS = "@households"
EVER = date(2000, 1, 1)  # the period of the "@households" rows, which have none

Key = tuple[str, int, str, date]  # dimension, village id, grain, period
Delta = dict[Key, list[int]]  # key → [visits, households]


def week_start_of(day: date) -> date:
    """The Monday of the ISO week holding `day` (dates are already local to Asia/Shanghai)."""
    return day - timedelta(days=day.weekday())


def _add(delta: Delta, key: Key, visits: int, households: int) -> None:
    row = delta.setdefault(key, [0, 0])
    row[0] += visits
    row[1] += households


@transaction.atomic(savepoint=False)  # inside record_visit, its transaction; alone (a test factory), its own
def count_visit(visit: Visit, cadre_ids: list[int]) -> None:
    """A visit was saved: lock its household, count the visit, and move the household's latest-visit day."""
    last_visited_on, town_id = (
        Household.objects.select_for_update(of=("self",)).filter(pk=visit.household_id)
        .values_list("last_visited_on", "division__parent_id").get()
    )  # fmt: skip
    monday = week_start_of(visit.visited_on)
    earlier = Visit.objects.filter(household_id=visit.household_id, visited_on__range=(monday, monday + timedelta(6)))
    seen = list(earlier.exclude(pk=visit.pk).values_list("cadres", flat=True))  # [None] for a visit without cadres
    delta: Delta = {}
    _add(delta, (WEEK, visit.division_id, "w", monday), 1, 0 if seen else 1)
    if visit.category_id is not None:
        _add(delta, (f"{CATEGORY}{visit.category_id}", visit.division_id, "w", monday), 1, 0)
    if last_visited_on is None or last_visited_on < visit.visited_on:
        if last_visited_on is not None:
            _add(delta, (LAST_VISIT, visit.division_id, "d", last_visited_on), 0, -1)
        _add(delta, (LAST_VISIT, visit.division_id, "d", visit.visited_on), 0, 1)
        Household.objects.filter(pk=visit.household_id).update(last_visited_on=visit.visited_on)
    _apply(delta, town_id)
    cadres = sorted(set(cadre_ids))
    _apply_cadres([(cadre, monday, 1, 0 if cadre in seen else 1) for cadre in cadres])


def count_households(village_id: int, town_id: int, added: int) -> None:
    """Households were registered in a village."""
    if added:
        _apply({(HOUSEHOLDS, village_id, "n", EVER): [0, added]}, town_id)


def _apply(delta: Delta, town_id: int) -> None:
    """One INSERT … ON CONFLICT DO UPDATE adding the deltas to the village's and the town's rows."""
    rows = []
    for (dimension, village_id, grain, period), (visits, households) in delta.items():
        if visits or households:
            rows.append(("v", dimension, village_id, grain, period, town_id, visits, households))
            rows.append(("t", dimension, town_id, grain, period, town_id, visits, households))
    add_to_counters(VisitTally._meta.db_table, ["rollup", "dimension", "division_id", "grain", "period"], ["town_id"],
                    MEASURES, rows)


def _apply_cadres(rows: list[tuple[int, date, int, int]]) -> None:
    add_to_counters(CadreWeekTally._meta.db_table, ["member_id", "week_start"], [], MEASURES, rows)


# --- rebuilding from scratch ------------------------------------------------------------------------------

LAST_VISIT_SQL = """
SELECT 'v', %s, h.division_id, 'd', latest.day, d.parent_id, 0, COUNT(*)
FROM (SELECT household_id, MAX(visited_on) AS day FROM visits_visit GROUP BY household_id) latest
JOIN visits_household h ON h.id = latest.household_id
JOIN pinggu_center_division d ON d.id = h.division_id
GROUP BY h.division_id, latest.day, d.parent_id
"""


def _village_queries() -> list[tuple[str, list]]:
    """SELECTs giving the village rows, in the column order of the INSERT."""
    visits = Visit.objects.order_by().annotate(
        t_rollup=Value("v", output_field=CharField()), t_grain=Value("w", output_field=CharField()),
        t_week=TruncWeek("visited_on"),
    )  # fmt: skip
    columns = ("t_rollup", "t_dimension", "division_id", "t_grain", "t_week", "division__parent_id")
    weeks = (
        visits.annotate(t_dimension=Value(WEEK, output_field=CharField())).values(*columns)
        .annotate(n=Count("pk"), h=Count("household_id", distinct=True)).values_list(*columns, "n", "h")
    )  # fmt: skip
    categories = (
        visits.filter(category__isnull=False)
        .annotate(t_dimension=Concat(Value(CATEGORY), Cast(F("category_id"), CharField()), output_field=CharField()))
        .values(*columns).annotate(n=Count("pk"), h=Value(0, output_field=IntegerField()))
        .values_list(*columns, "n", "h")
    )  # fmt: skip
    households = (
        Household.objects.order_by()
        .annotate(t_rollup=Value("v", output_field=CharField()), t_dimension=Value(HOUSEHOLDS, output_field=CharField()),
                  t_grain=Value("n", output_field=CharField()), t_period=Value(EVER, output_field=DateField()))
        .values("t_rollup", "t_dimension", "division_id", "t_grain", "t_period", "division__parent_id")
        .annotate(n=Value(0, output_field=IntegerField()), h=Count("pk"))
        .values_list("t_rollup", "t_dimension", "division_id", "t_grain", "t_period", "division__parent_id", "n", "h")
    )  # fmt: skip
    queries = [query.query.sql_with_params() for query in (weeks, categories, households)]
    return [*queries, (LAST_VISIT_SQL, [LAST_VISIT])]


def _cadre_query() -> tuple[str, list]:
    links = Visit.cadres.through.objects.order_by()
    return (
        links.values("member_id", week=TruncWeek("visit__visited_on"))
        .annotate(n=Count("pk"), h=Count("visit__household_id", distinct=True))
        .values_list("member_id", "week", "n", "h")
    ).query.sql_with_params()


@transaction.atomic
def rebuild(log: Callable[[str], None] | None = None) -> int:
    """Recompute every visit counter from the households and visits; returns the number of rows written."""
    table, cadre_table = VisitTally._meta.db_table, CadreWeekTally._meta.db_table
    columns = "rollup, dimension, division_id, grain, period, town_id, visits, households"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {table}, {cadre_table} IN EXCLUSIVE MODE")  # writers wait
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"DELETE FROM {cadre_table}")
        for sql, params in _village_queries():
            cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT 't', dimension, town_id, grain, period, town_id, SUM(visits), "
            f"SUM(households) FROM {table} WHERE rollup = 'v' GROUP BY dimension, town_id, grain, period"
        )
        sql, params = _cadre_query()
        cursor.execute(f"INSERT INTO {cadre_table} (member_id, week_start, visits, households) {sql}", params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {table}")
            cursor.execute(f"ANALYZE {cadre_table}")
        cursor.execute(f"SELECT (SELECT COUNT(*) FROM {table}) + (SELECT COUNT(*) FROM {cadre_table})")
        rows = cursor.fetchone()[0]
    if log is not None:
        log(f"    visit counters: {rows:,} rows")
    return rows
