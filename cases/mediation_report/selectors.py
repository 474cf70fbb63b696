"""The report read from the counters: one row per village (or per town), its totals, and the period's locks.

Whatever the data size it makes the same few queries: the rows' divisions, the categories, one read of the
period's own tallies (some three hundred rows for the district over a year: the towns' rollup rows by category),
and the locks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from cases.models import Category
from pinggu_center.models import Division, Level

from .models import PREVENTIONS, TALLY_MEASURES, ReportLock, ReportTally
from .periods import ReportPeriod


@dataclass
class ReportRow:
    label: str
    division: Division | None
    by_category: dict[int, int] = field(default_factory=dict)
    values: dict[str, int | Decimal] = field(default_factory=lambda: _zeros())

    @property
    def success_rate(self) -> float | None:
        """调解成功率 = 调解成功件数 ÷ 调解纠纷件数 × 100 (None when nothing was mediated)."""
        mediated = self.values["mediated"]
        return self.values["succeeded"] * 100.0 / mediated if mediated else None

    def add(self, values: dict) -> None:
        for name in TALLY_MEASURES:
            self.values[name] += values[name] or 0

    def category_counts(self, categories: list[Category]) -> list[int]:
        return [self.by_category.get(category.pk, 0) for category in categories]


@dataclass
class LockState:
    locked_months: int  # of the period's months, how many are locked for this unit
    months: int
    by: list[ReportLock]

    @property
    def whole(self) -> bool:
        return self.locked_months == self.months

    @property
    def partly(self) -> bool:
        return 0 < self.locked_months < self.months


@dataclass
class Report:
    division: Division
    period: ReportPeriod
    categories: list[Category]
    rows: list[ReportRow]
    total: ReportRow
    lock: LockState

    @property
    def row_heading(self) -> str:
        return _("村（社区）") if self.division.level != Level.DISTRICT else _("镇（街道）")

    @property
    def prevention_labels(self) -> list[str]:
        return [str(label) for _name, label in PREVENTIONS]


def _zeros() -> dict[str, int | Decimal]:
    return {name: (Decimal(0) if name == "amount" else 0) for name in TALLY_MEASURES}


def mediation_report(division: Division, period: ReportPeriod) -> Report:
    """The report of a village, a town (its villages and its own row) or the district (its towns and its own row)."""
    rows, tallies = _rows_and_tallies(division, period)
    by_division = {row.division.pk: row for row in rows}
    used: set[int] = set()
    sums: dict[int, list] = {}
    # The tallies of one span hold each (division, category) of the scope once: read them as they are.
    for division_id, category_id, *values in tallies.order_by().values_list("division_id", "category_id",
                                                                            *TALLY_MEASURES):
        row_sums = sums.setdefault(division_id, [0] * len(TALLY_MEASURES))
        for index, value in enumerate(values):
            row_sums[index] += value or 0
        by_category = by_division[division_id].by_category
        by_category[category_id] = by_category.get(category_id, 0) + values[0]
        used.add(category_id)
    for division_id, row_sums in sums.items():
        by_division[division_id].add(dict(zip(TALLY_MEASURES, row_sums, strict=True)))
    categories = [c for c in Category.objects.order_by("sort_order", "code") if c.active or c.pk in used]
    total = ReportRow(label=_("合计"), division=None)
    for row in rows:
        for category_id, count in row.by_category.items():
            total.by_category[category_id] = total.by_category.get(category_id, 0) + count
        for name in TALLY_MEASURES:
            total.values[name] += row.values[name]
    return Report(division, period, categories, rows, total, _lock_state(division, period))


def _rows_and_tallies(division: Division, period: ReportPeriod):
    in_period = ReportTally.objects.filter(span=period.kind, month=period.first)
    if division.level == Level.VILLAGE:
        return [ReportRow(division.name, division)], in_period.filter(rollup=False, division=division)
    if division.level == Level.TOWN:
        villages = list(Division.objects.filter(parent=division, level=Level.VILLAGE).order_by("code"))
        rows = [ReportRow(village.name, village) for village in villages]
        rows.append(ReportRow(_("%(town)s（镇街直接调解）") % {"town": division.name}, division))
        return rows, in_period.filter(rollup=False, town=division)
    towns = list(Division.objects.filter(parent=division, level=Level.TOWN).order_by("code"))
    rows = [ReportRow(town.name, town) for town in towns]
    rows.append(ReportRow(_("%(district)s（区级直接调解）") % {"district": division.name}, division))
    return rows, in_period.filter(Q(rollup=True) | Q(rollup=False, division=division))


def _lock_state(division: Division, period: ReportPeriod) -> LockState:
    """Locks that freeze this unit's figures: its town's (for a village or town) and the district's."""
    lockers = [division.pk] if division.level != Level.VILLAGE else [division.parent_id]
    district = division if division.level == Level.DISTRICT else None
    locks = ReportLock.objects.filter(month__gte=period.first, month__lte=period.last, unlocked_at__isnull=True)
    if district is None:
        locks = locks.filter(Q(division_id__in=lockers) | Q(division__level=Level.DISTRICT))
    else:
        locks = locks.filter(division=division)
    locks = list(locks.select_related("division", "locked_by").order_by("locked_at"))
    return LockState(len({lock.month for lock in locks}), len(period.months), locks)
