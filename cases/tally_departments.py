"""Counters of the department ranking kept on write (`DepartmentTally`), per department and day or month.

Each summons *contributes* to the day and the month row of its department for the (local) day its whistle was
blown: summoned, reported, late (reported after the report-in deadline), the report-in time in microseconds
(`reported_at − blown_at`), rated and the rating. `track(summons, before)` adds the change of that contribution
inside the service's transaction, so a report-in or a rating that arrives weeks later still lands on the row
of the day the whistle was blown. `rebuild()` recomputes every row from the summonses.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from pinggu_center.counters import add_to_counters

from .models import DepartmentTally, Summons, Whistle

FIELDS = ["summoned", "reported", "late", "delay_us", "rated", "rating_sum"]
Delta = dict[tuple[int, str, date], list[int]]  # (department id, grain, period) → figures


def contribution(summons: Summons, whistle: Whistle) -> list[int]:
    """What one summons adds to the row of its whistle's day, in the order of FIELDS."""
    reported = summons.reported_at is not None
    return [
        1,
        int(reported),
        int(reported and summons.reported_at > whistle.report_in_due),
        (summons.reported_at - whistle.blown_at) // timedelta(microseconds=1) if reported else 0,
        int(summons.rating is not None),
        summons.rating or 0,
    ]


def _add(delta: Delta, department_id: int, day: date, values: list[int], sign: int) -> None:
    for grain, period in (("d", day), ("m", day.replace(day=1))):
        row = delta.setdefault((department_id, grain, period), [0] * len(FIELDS))
        for index, value in enumerate(values):
            row[index] += sign * value


def track(summonses: list[Summons], whistle: Whistle, before: list[list[int]] | None = None) -> None:
    """Add what the summonses contribute now, less what they did `before` (None: they are new)."""
    day = timezone.localtime(whistle.blown_at).date()
    delta: Delta = {}
    for index, summons in enumerate(summonses):
        _add(delta, summons.department_id, day, contribution(summons, whistle), +1)
        if before is not None:
            _add(delta, summons.department_id, day, before[index], -1)
    _apply(delta)


def _apply(delta: Delta) -> None:
    """One INSERT … ON CONFLICT DO UPDATE; rows in key order so that two writers never deadlock."""
    rows = [(*key, *values) for key, values in delta.items() if any(values)]
    add_to_counters(DepartmentTally._meta.db_table, ["department_id", "grain", "period"], [], FIELDS, rows)


@transaction.atomic
def rebuild() -> int:
    """Recompute every department counter from the summonses (a few thousand a year); returns the rows written."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {DepartmentTally._meta.db_table} IN EXCLUSIVE MODE")  # writers wait
    DepartmentTally.objects.all().delete()
    delta: Delta = defaultdict(lambda: [0] * len(FIELDS))
    for summons in Summons.objects.select_related("whistle").order_by().iterator(chunk_size=2000):
        day = timezone.localtime(summons.whistle.blown_at).date()
        _add(delta, summons.department_id, day, contribution(summons, summons.whistle), +1)
    DepartmentTally.objects.bulk_create(
        [DepartmentTally(department_id=key[0], grain=key[1], period=key[2], **dict(zip(FIELDS, values, strict=True)))
         for key, values in sorted(delta.items())],
        batch_size=2000,
    )
    return len(delta)
