"""Counters of cases kept on write: every figure of the summary pages is read from `CaseTally` rows.

Each case *contributes* to a few counter rows: the rows of its village (and of its town) for the day and
the month it was registered, once for all cases ("") and once per dimension value ("category:3",
"path:direct" …), plus a row for the month it was closed ("@closed"). `track(case)` compares what the case
contributes now with what it contributed when it was locked (`lock_case`) and adds the difference to the
rows, in one statement, inside the service's transaction: the counters move with the CaseEvent or not at
all. Follow-ups are counted as they happen ("@follow_up"). `rebuild()` recomputes every row from the cases
and follow-ups (`manage.py rebuild_counters`).

Adding a dimension: one line in DIMENSIONS (the name and the case field), then `manage.py rebuild_counters`.
Adding a figure: one line in METRICS (the SQL condition and the same test in Python), a column on the model.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import date

from django.db import connection, transaction
from django.db.models import CharField, Count, DateField, F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat, TruncDate, TruncMonth
from django.utils import timezone

from pinggu_center.counters import add_to_counters
from pinggu_center.models import Level

from .models import Case, CaseTally, FollowUp

GOOD = ("satisfied", "basically")
CLOSED = Case.Status.CLOSED
ARCHIVE = Case.Closure.ARCHIVE

# name → (the condition in SQL, the same condition in Python). Each is a 0/1 per case.
METRICS: dict[str, tuple[Q, Callable[[Case], bool]]] = {
    "intake": (Q(pk__isnull=False), lambda c: True),
    "has_response_due": (Q(response_due__isnull=False), lambda c: c.response_due is not None),
    "responded": (
        Q(response_due__isnull=False, responded_at__isnull=False),
        lambda c: c.response_due is not None and c.responded_at is not None,
    ),
    "responded_in_time": (
        Q(response_due__isnull=False, responded_at__lte=F("response_due")),
        lambda c: c.response_due is not None and c.responded_at is not None and c.responded_at <= c.response_due,
    ),
    "archived": (Q(status=CLOSED, closure=ARCHIVE), lambda c: c.status == CLOSED and c.closure == ARCHIVE),
    "resolved": (
        Q(status=CLOSED, closure=ARCHIVE, outcome=Case.Outcome.RESOLVED),
        lambda c: c.status == CLOSED and c.closure == ARCHIVE and c.outcome == Case.Outcome.RESOLVED,
    ),
    "followed_up": (~Q(satisfaction=""), lambda c: c.satisfaction != ""),
    "satisfied": (Q(satisfaction__in=GOOD), lambda c: c.satisfaction in GOOD),
    "closed": (Q(status=CLOSED), lambda c: c.status == CLOSED),
    "closed_in_village": (Q(status=CLOSED, level=Level.VILLAGE), lambda c: c.status == CLOSED and c.level == Level.VILLAGE),
    "escalated": (Q(escalated_at__isnull=False), lambda c: c.escalated_at is not None),
}
# The columns that name a counter row (its unique key); a delta is keyed by their values in this order.
KEY = ["rollup", "dimension", "division_id", "grain", "period"]
FIELDS = list(METRICS)

# dimension name → the case field it groups by. Dimension rows are kept per month.
DIMENSIONS: dict[str, str] = {
    "category": "category_id",
    "source": "source",
    "path": "path",
    "closure": "closure",
    "level": "level",
    "status": "status",
}
ALL = ""  # the dimension of every case, kept per day and per month
CLOSED_ON = "@closed"  # closed cases by the month they were closed (metric `closed`)
FOLLOWED_UP_ON = "@follow_up"  # follow-ups by the month they were made (metrics `followed_up`, `satisfied`)
DAILY = {ALL}  # the review pages take any range of days; everything else is read by month

Key = tuple[str, str, int, str, date]  # rollup, dimension, division id, grain, period
Row = dict[Key, tuple[int, list[int]]]  # key → (town id, metric values)


def _local_day(value) -> date:
    return timezone.localtime(value).date()


def _town_id(case: Case) -> int:
    return case.division.parent_id


def contribution(case: Case) -> dict[tuple[str, date], list[int]]:
    """What one case adds to the counters: {(dimension, local day): metric values}."""
    values = [int(test(case)) for _condition, test in METRICS.values()]
    day = _local_day(case.registered_at)
    rows = {(ALL, day): values}
    for name, field in DIMENSIONS.items():
        rows[(f"{name}:{getattr(case, field) or ''}", day)] = values
    if case.status == CLOSED and case.closed_at is not None:
        rows[(CLOSED_ON, _local_day(case.closed_at))] = [int(name == "closed") for name in FIELDS]
    return rows


def _expand(rows: dict[tuple[str, date], list[int]], village_id: int, town_id: int, sign: int, into: Row) -> None:
    """Spread (dimension, day) contributions over the village's and the town's day and month rows."""
    for (dimension, day), values in rows.items():
        periods = [("m", day.replace(day=1))]
        if dimension in DAILY:
            periods.append(("d", day))
        for rollup, division_id in (("v", village_id), ("t", town_id)):
            for grain, period in periods:
                key = (rollup, dimension, division_id, grain, period)
                current = into.setdefault(key, (town_id, [0] * len(FIELDS)))[1]
                for index, value in enumerate(values):
                    current[index] += sign * value


def snapshot(case: Case) -> None:
    """Remember what the case contributes now (called when the case is locked)."""
    case._tally = contribution(case)  # noqa: SLF001


def track(case: Case) -> None:
    """Add the change of the case's contribution since `snapshot` to the counters; a no-op if nothing moved."""
    before = getattr(case, "_tally", {})
    after = contribution(case)
    if before == after:
        return
    delta: Row = {}
    town_id = _town_id(case)
    _expand(before, case.division_id, town_id, -1, delta)
    _expand(after, case.division_id, town_id, +1, delta)
    _apply(delta)
    case._tally = after  # noqa: SLF001


def count_follow_up(case: Case, follow_up: FollowUp) -> None:
    """A follow-up happened: count it on the day it was made."""
    values = [int(name == "followed_up" or (name == "satisfied" and follow_up.satisfaction in GOOD)) for name in FIELDS]
    delta: Row = {}
    _expand({(FOLLOWED_UP_ON, _local_day(follow_up.at)): values}, case.division_id, _town_id(case), +1, delta)
    _apply(delta)


def _apply(delta: Row) -> None:
    """One INSERT … ON CONFLICT DO UPDATE adding the deltas; rows in key order so writers never deadlock."""
    rows = [(*key, town, *values) for key, (town, values) in delta.items() if any(values)]
    add_to_counters(CaseTally._meta.db_table, KEY, ["town_id"], FIELDS, rows)


# --- rebuilding from scratch ------------------------------------------------------------------------------


def _day(field: str) -> TruncDate:
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def _month(field: str) -> TruncMonth:
    return TruncMonth(field, tzinfo=timezone.get_current_timezone(), output_field=DateField())


def _counts() -> dict:
    return {name: Count("pk", filter=condition) for name, (condition, _test) in METRICS.items()}


def _zero_counts(names: Iterable[str]) -> dict:
    return {name: Value(0, output_field=IntegerField()) for name in FIELDS if name not in names}


def _village_queries() -> list[QuerySet]:
    """Grouped SELECTs giving the village rows, in the column order of the INSERT."""
    queries = []
    for dimension_expr, grains in [
        (Value(ALL, output_field=CharField()), ("d", "m")),
        *[
            (Concat(Value(f"{name}:"), Cast(F(field), CharField()), output_field=CharField()), ("m",))
            for name, field in DIMENSIONS.items()
        ],
    ]:
        for grain in grains:
            period = _day("registered_at") if grain == "d" else _month("registered_at")
            queries.append(
                Case.objects.order_by()
                .annotate(t_rollup=Value("v", output_field=CharField()), t_dimension=dimension_expr,
                          t_grain=Value(grain, output_field=CharField()), t_period=period)
                .values("t_rollup", "t_dimension", "division_id", "t_grain", "t_period", "division__parent_id")
                .annotate(**_counts())
                .values_list("t_rollup", "t_dimension", "division_id", "t_grain", "t_period", "division__parent_id",
                             *FIELDS)
            )
    closed = Case.objects.filter(status=CLOSED, closed_at__isnull=False).order_by()
    follow_ups = FollowUp.objects.order_by()
    for grain in ("m",):
        queries.append(
            closed.annotate(t_rollup=Value("v", output_field=CharField()),
                            t_dimension=Value(CLOSED_ON, output_field=CharField()),
                            t_grain=Value(grain, output_field=CharField()),
                            t_period=_day("closed_at") if grain == "d" else _month("closed_at"))
            .values("t_rollup", "t_dimension", "division_id", "t_grain", "t_period", "division__parent_id")
            .annotate(closed=Count("pk"), **_zero_counts(["closed"]))
            .values_list("t_rollup", "t_dimension", "division_id", "t_grain", "t_period", "division__parent_id",
                         *FIELDS)
        )
        queries.append(
            follow_ups.annotate(t_rollup=Value("v", output_field=CharField()),
                                t_dimension=Value(FOLLOWED_UP_ON, output_field=CharField()),
                                t_grain=Value(grain, output_field=CharField()),
                                t_period=_day("at") if grain == "d" else _month("at"))
            .values("t_rollup", "t_dimension", "case__division_id", "t_grain", "t_period", "case__division__parent_id")
            .annotate(followed_up=Count("pk"), satisfied=Count("pk", filter=Q(satisfaction__in=GOOD)),
                      **_zero_counts(["followed_up", "satisfied"]))
            .values_list("t_rollup", "t_dimension", "case__division_id", "t_grain", "t_period",
                         "case__division__parent_id", *FIELDS)
        )
    return queries


@transaction.atomic
def rebuild(log: Callable[[str], None] | None = None) -> int:
    """Recompute every counter from the cases and follow-ups; returns the number of rows written."""
    table = CaseTally._meta.db_table
    columns = ", ".join(["rollup", "dimension", "division_id", "grain", "period", "town_id", *FIELDS])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")  # writers wait; readers read the old rows
        cursor.execute(f"DELETE FROM {table}")
        for number, query in enumerate(_village_queries(), start=1):
            started = time.monotonic()
            sql, params = query.query.sql_with_params()
            cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)
            if log is not None:
                log(f"    counters, statement {number}: {cursor.rowcount:,} rows in {time.monotonic() - started:.1f} s")
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {table}")  # fresh rows: without statistics the next step walks an index
        sums = ", ".join(f"SUM({name})" for name in FIELDS)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT 't', dimension, town_id, grain, period, town_id, {sums} "
            f"FROM {table} WHERE rollup = 'v' GROUP BY dimension, town_id, grain, period"
        )
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return cursor.fetchone()[0]

