"""The review rates at a district's scale: settled months come from per-village month counters, the rest live.

A month is settled once it ends before the live window (the last LIVE_DAYS days, rounded back to the start
of their month): every case registered in it is past its response deadline, so its counters change only
when something happens to one of its cases, and everything that happens writes a CaseEvent. `refresh`
recomputes the months of the cases whose timeline moved since the last refresh (all months the first
time). The overdue count depends on the clock, so it is always counted live, over open cases only.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, DateField, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cases.models import Case, CaseEvent

from .models import CaseMonthStats, RollupState
from .rates import RATES, Period, _counts, cases_in, empty_rates

LIVE_DAYS = 14
NO_MONTH = date(1900, 1, 1)
# A transaction that commits late may carry events a little older than the last refresh.
OVERLAP = timedelta(minutes=10)
COUNTERS = [key for key in _counts(timezone.now()) if key != "overdue"]
FIELDS = [*COUNTERS, "overdue"]
# The grouping of rates, in the names of the counters' table and of the cases' table.
GROUPS = {"village": ("division_id", "division_id"), "town": ("town_id", "division__parent_id"), None: (None, None)}


def _month(field: str) -> TruncMonth:
    return TruncMonth(field, tzinfo=timezone.get_current_timezone(), output_field=DateField())


@transaction.atomic
def refresh(now: datetime | None = None) -> int:
    """Bring the month counters up to date; returns how many months were recomputed (-1: all of them).

    It makes the same five queries whatever it finds, so the pages that call it keep a fixed query count.
    """
    now = now or timezone.now()
    state = RollupState.objects.select_for_update().filter(pk=1).first()
    if state is None:  # a flushed database: the migration's row is gone
        state = RollupState.objects.create(pk=1)
    since = state.refreshed_at - OVERLAP if state.refreshed_at else now
    moved = CaseEvent.objects.filter(at__gte=since).annotate(month=_month("case__registered_at"))
    moved_months = set(moved.values_list("month", flat=True))  # asked even on the first run: a fixed query count
    # Months inside the live window are counted live anyway; most activity concerns them.
    settled = {month for month in moved_months if month < _live_start(timezone.localdate())}
    months = settled if state.refreshed_at else None
    _recompute(months, now)
    state.refreshed_at = now
    state.save(update_fields=["refreshed_at"])
    return -1 if months is None else len(months)


def _recompute(months: set[date] | None, now: datetime) -> None:
    cases = Case.objects.all()
    stats = CaseMonthStats.objects.all()
    if months is not None:
        # A month that cannot hold cases keeps the statements (and so the query count) the same when none moved.
        wanted = months or {NO_MONTH}
        # Ranges of registered_at, not the truncated month, so the index on registered_at is used.
        in_months = Q()
        for month in wanted:
            in_months |= Q(registered_at__gte=_local_start(month), registered_at__lt=_local_start(_next_month(month)))
        cases = cases.filter(in_months)
        stats = stats.filter(month__in=wanted)
    counts = {key: value for key, value in _counts(now).items() if key != "overdue"}
    rows = (
        cases.order_by()
        .values("division_id", "division__parent_id", reg_month=_month("registered_at"))
        .annotate(**counts)
        .values_list("division_id", "division__parent_id", "reg_month", *COUNTERS)
    )
    stats.delete()
    # One INSERT … SELECT, whatever the number of villages and months: the database does the copying.
    select_sql, params = rows.query.sql_with_params()
    columns = ", ".join(["division_id", "town_id", "month", *COUNTERS])
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {CaseMonthStats._meta.db_table} ({columns}) {select_sql}", params)


def _live_start(today: date) -> date:
    return (today - timedelta(days=LIVE_DAYS)).replace(day=1)


def _local_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _settled_months(period: Period, today: date) -> tuple[date, date] | None:
    """[first, last) of the whole months inside the period that end before the live window, if any."""
    live_start = _live_start(today)
    first = period.start if period.start.day == 1 else _next_month(period.start)
    last = min(_next_month(period.end) if _is_month_end(period.end) else period.end.replace(day=1), live_start)
    return (first, last) if first < last else None


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _is_month_end(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


def review_rates(period: Period, *, group: str | None, where: dict[str, Any]) -> dict[Any, dict]:
    """{village or town id (None for the total): counts and rates} for the cases registered in `period`.

    `where` narrows the divisions: {} for the district, {"town": town}, or {"division": village}.
    """
    refresh()
    stats_key, case_key = GROUPS[group]
    case_where = {("division__parent" if key == "town" else key): value for key, value in where.items()}
    settled = _settled_months(period, timezone.localdate())
    live = cases_in(period).filter(**case_where)
    merged: dict[Any, dict] = {}
    if settled is not None:
        stats = CaseMonthStats.objects.filter(month__gte=settled[0], month__lt=settled[1], **where)
        _add(merged, _grouped(stats, stats_key, {key: Sum(key) for key in COUNTERS}))
        start, end = (_local_start(day) for day in settled)
        live = live.exclude(registered_at__gte=start, registered_at__lt=end)
    now = timezone.now()
    counts = _counts(now)
    _add(merged, _grouped(live, case_key, {key: counts[key] for key in COUNTERS}))
    open_statuses = [Case.Status.REGISTERED, Case.Status.HANDLING, Case.Status.TRANSFERRED]
    overdue = cases_in(period).filter(**case_where, status__in=open_statuses, resolution_due__lt=now)
    _add(merged, _grouped(overdue, case_key, {"overdue": Count("pk")}))
    return {key: _with_ratios(row) for key, row in merged.items()}


def _grouped(rows: QuerySet, key: str | None, aggregates: dict) -> dict[Any, dict]:
    if key is None:
        return {None: rows.order_by().aggregate(**aggregates)}
    return {row.pop("group_id"): row for row in rows.order_by().values(group_id=F(key)).annotate(**aggregates)}


def _add(merged: dict[Any, dict], rows: dict[Any, dict]) -> None:
    for key, row in rows.items():
        target = merged.setdefault(key, dict.fromkeys(FIELDS, 0))
        for name, value in row.items():
            target[name] += value or 0


def _with_ratios(row: dict) -> dict:
    for name, (numerator, denominator) in RATES.items():
        row[name] = row[numerator] * 100.0 / row[denominator] if row[denominator] else None
    return row


def total(rates: dict[Any, dict]) -> dict:
    """The rates over every group together: the counts add up, the ratios are taken again."""
    if None in rates:
        return rates[None]
    if not rates:
        return empty_rates()
    whole = {name: sum(row[name] for row in rates.values()) for name in FIELDS}
    return _with_ratios(whole)
