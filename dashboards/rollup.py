"""The review rates at a district's scale, read from the counters the case services keep (cases.tally).

A period is read as the month rows of the whole months inside it and the day rows of the days at its
edges: for the district a year is a few hundred town rows. Two figures depend on the clock and are
counted live, each from a partial index over a small set of cases: the cases still inside their response
window (not judged yet) and the overdue count; `next_change` tells until when they hold. Nothing here writes.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cases.models import Case, CaseTally
from cases.tally import ALL
from cases.tally import FIELDS as TALLY_FIELDS
from pinggu_center.models import Division

from .rates import RATES, Period, cases_in, empty_rates

COUNTERS = [
    "intake", "response_judged", "responded_in_time", "archived", "resolved", "followed_up", "satisfied",
    "closed", "closed_in_village", "escalated",
]
FIELDS = [*COUNTERS, "overdue"]
OPEN_STATUSES = [Case.Status.REGISTERED, Case.Status.HANDLING, Case.Status.TRANSFERRED]


def period_rows(period: Period) -> Q:
    """The counter rows that add up to exactly the days of `period`: whole months, then single days."""
    first_full = period.start if period.start.day == 1 else _next_month(period.start)
    after_end = period.end + timedelta(days=1)
    last_full = after_end.replace(day=1)  # months [first_full, last_full) lie wholly inside the period
    if first_full >= last_full:
        return Q(grain="d", period__gte=period.start, period__lte=period.end)
    return (
        Q(grain="m", period__gte=first_full, period__lt=last_full)
        | Q(grain="d", period__gte=period.start, period__lt=first_full)
        | Q(grain="d", period__gte=last_full, period__lte=period.end)
    )


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _tally_rows(period: Period, group: str | None, where: dict[str, Any]) -> tuple[QuerySet, str | None]:
    """The counter rows to add up, and the column to group them by."""
    rows = CaseTally.objects.filter(period_rows(period), dimension=ALL)
    if "division" in where:
        return rows.filter(rollup="v", division=where["division"]), ("division_id" if group else None)
    if group == "village":
        return rows.filter(rollup="v", town=where["town"]), "division_id"
    if "town" in where:
        return rows.filter(rollup="t", division=where["town"]), ("division_id" if group else None)
    return rows.filter(rollup="t"), ("division_id" if group == "town" else None)


def review_rates(period: Period, *, group: str | None, where: dict[str, Any]) -> dict[Any, dict]:
    """{village or town id (None for the total): counts and rates} for the cases registered in `period`.

    `where` narrows the divisions: {} for the district, {"town": town}, or {"division": village}.
    At most four queries whatever the data: the counters, the division tree (for a town's villages or to sum
    villages into towns), the cases awaiting a response, the overdue cases.
    """
    rows, key = _tally_rows(period, group, where)
    merged: dict[Any, dict] = {}
    for group_id, row in _grouped(rows, key, {name: Sum(name) for name in TALLY_FIELDS}).items():
        target = merged.setdefault(group_id, dict.fromkeys(FIELDS, 0))
        for name in COUNTERS:
            if name != "response_judged":
                target[name] += row[name] or 0
        target["response_judged"] += row["has_response_due"] or 0
    for group_id, (waiting, overdue) in _live_counts(period, group, where).items():
        target = merged.setdefault(group_id, dict.fromkeys(FIELDS, 0))
        target["response_judged"] -= waiting
        target["overdue"] += overdue
    if group is None and None not in merged:
        merged[None] = dict.fromkeys(FIELDS, 0)
    return {group_id: _with_ratios(row) for group_id, row in merged.items() if group_id is not None or group is None}


def _live_counts(period: Period, group: str | None, where: dict[str, Any]) -> dict[Any, list[int]]:
    """{group id: (cases not judged yet, overdue cases)} among the cases registered in `period`.

    Not judged yet: still inside the response window and not answered (docs/rates.md). Counted per village
    from the partial indexes of unanswered and of open cases, with no join: the villages are summed into towns
    here, from the division tree, so a misjudged row estimate cannot turn the count into a nested loop.
    """
    now = timezone.now()
    live, parents = _live_cases(period, group, where)
    waiting = live.filter(responded_at__isnull=True, response_due__isnull=False, response_due__gte=now)
    overdue = live.filter(~Q(status=Case.Status.CLOSED), resolution_due__isnull=False, resolution_due__lt=now)
    counts: dict[Any, list[int]] = {}
    for column, cases in enumerate([waiting, overdue]):
        for village_id, n in cases.values_list("division_id").annotate(n=Count("*")):
            group_id = {"village": village_id, "town": parents.get(village_id), None: None}[group]
            counts.setdefault(group_id, [0, 0])[column] += n
    return counts


def _live_cases(period: Period, group: str | None, where: dict[str, Any]) -> tuple[QuerySet, dict[int, int]]:
    """The cases registered in `period` under `where`, and the division tree when villages are summed into towns."""
    # The tree only to sum villages into towns or to pick a town's villages: the district's total and a village's
    # own figures do without it.
    parents = {}
    if group == "town" or "town" in where:
        parents = dict(Division.objects.order_by().values_list("pk", "parent_id"))
    live = cases_in(period).order_by()
    if "division" in where:
        live = live.filter(division=where["division"])
    elif "town" in where:
        live = live.filter(division_id__in=[pk for pk, parent in parents.items() if parent == where["town"].pk])
    return live, parents


def next_change(period: Period, *, where: dict[str, Any]) -> datetime | None:
    """The moment the clock alone next changes a live count of `review_rates` under `where`: the nearest response
    or resolution deadline still ahead (None: none is). Until then, figures read now stay true."""
    now = timezone.now()
    live, _parents = _live_cases(period, None, where)
    ahead = [
        live.filter(responded_at__isnull=True, response_due__gte=now).aggregate(at=Min("response_due"))["at"],
        live.filter(~Q(status=Case.Status.CLOSED), resolution_due__gte=now).aggregate(at=Min("resolution_due"))["at"],
    ]
    return min((moment for moment in ahead if moment is not None), default=None)


def _grouped(rows: QuerySet, key: str | None, aggregates: dict) -> dict[Any, dict]:
    if key is None:
        row = rows.order_by().aggregate(**aggregates)
        return {None: row} if any(value for value in row.values()) else {}
    return {row.pop("group_id"): row for row in rows.order_by().values(group_id=F(key)).annotate(**aggregates)}


def _with_ratios(row: dict) -> dict:
    for name, (numerator, denominator) in RATES.items():
        row[name] = row[numerator] * 100.0 / row[denominator] if row[denominator] else None
    return row


def months_of(period: Period) -> list[date]:
    """The first day of every month that the period touches, in order."""
    months, month = [], period.start.replace(day=1)
    while month <= period.end:
        months.append(month)
        month = _next_month(month)
    return months


def monthly(period: Period, *, where: dict[str, Any]) -> list[dict]:
    """One row per month of `period`: intake, closed, closed in the village and 小事不出村率, from the counters.

    Same rows and `where` as review_rates (whole months plus the days at the edges, so the months add up to the
    period's total); one query. The rate is counted over the cases registered in that month, as in the tables.
    """
    rows, _key = _tally_rows(period, None, where)
    numerator, denominator = RATES["village_rate"]
    found = {
        row["month"]: row
        for row in rows.order_by()
        .values(month=TruncMonth("period"))
        .annotate(intake=Sum("intake"), **{numerator: Sum(numerator), denominator: Sum(denominator)})
    }
    result = []
    for month in months_of(period):
        row = found.get(month, {})
        counts = {name: row.get(name) or 0 for name in ("intake", numerator, denominator)}
        rate = counts[numerator] * 100.0 / counts[denominator] if counts[denominator] else None
        result.append({"month": month, **counts, "village_rate": rate})
    return result


def total(rates: dict[Any, dict]) -> dict:
    """The rates over every group together: the counts add up, the ratios are taken again."""
    if None in rates:
        return rates[None]
    if not rates:
        return empty_rates()
    whole = {name: sum(row[name] for row in rates.values()) for name in FIELDS}
    return _with_ratios(whole)
