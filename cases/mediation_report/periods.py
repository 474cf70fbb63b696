"""A reported period: a month, a quarter or a year, as whole local months (Asia/Shanghai)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

QUARTER_NAMES = {1: gettext_lazy("第一季度"), 2: gettext_lazy("第二季度"), 3: gettext_lazy("第三季度"),
                 4: gettext_lazy("第四季度")}


@dataclass(frozen=True)
class ReportPeriod:
    year: int
    kind: str  # "year", "quarter" or "month"
    number: int = 0  # the quarter (1–4) or the month (1–12)

    @classmethod
    def parse(cls, text: str) -> ReportPeriod | None:
        """'2026', '2026-Q3' or '2026-09'; None for anything else."""
        match = re.fullmatch(r"(\d{4})(?:-(Q[1-4]|0[1-9]|1[0-2]))?", text or "")
        if match is None or not 2000 <= int(match[1]) <= 2100:
            return None
        year, rest = int(match[1]), match[2]
        if rest is None:
            return cls(year, "year")
        if rest.startswith("Q"):
            return cls(year, "quarter", int(rest[1]))
        return cls(year, "month", int(rest))

    @classmethod
    def of_month(cls, month: date) -> ReportPeriod:
        return cls(month.year, "month", month.month)

    @property
    def code(self) -> str:
        if self.kind == "year":
            return f"{self.year}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.number}"
        return f"{self.year}-{self.number:02d}"

    @property
    def months(self) -> list[date]:
        if self.kind == "year":
            numbers = range(1, 13)
        elif self.kind == "quarter":
            numbers = range(3 * self.number - 2, 3 * self.number + 1)
        else:
            numbers = range(self.number, self.number + 1)
        return [date(self.year, n, 1) for n in numbers]

    @property
    def first(self) -> date:
        return self.months[0]

    @property
    def last(self) -> date:
        return self.months[-1]

    @property
    def end(self) -> datetime:
        """The first instant after the period, local time."""
        after = next_month(self.last)
        return datetime.combine(after, time.min, timezone.get_current_timezone())

    def has_ended(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.end

    @property
    def label(self) -> str:
        if self.kind == "year":
            return _("%(year)s年") % {"year": self.year}
        if self.kind == "quarter":
            return _("%(year)s年%(quarter)s") % {"year": self.year, "quarter": QUARTER_NAMES[self.number]}
        return _("%(year)s年%(month)s月") % {"year": self.year, "month": self.number}


def spans_of(month: date) -> list[tuple[str, date]]:
    """The periods a month is counted in, as (kind, first month): the month, its quarter and its year."""
    return [("month", month), ("quarter", month.replace(month=month.month - (month.month - 1) % 3)),
            ("year", month.replace(month=1))]


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def month_of(moment: datetime) -> date:
    """The first day of the local (Asia/Shanghai) month of an instant."""
    return timezone.localtime(moment).date().replace(day=1)


def choices(today: date, years: int = 3) -> list[tuple[str, str]]:
    """The periods to pick from, newest first: years, quarters and months of the last few years."""
    options: list[tuple[str, str]] = []
    for year in range(today.year, today.year - years, -1):
        options.append((f"{year}", ReportPeriod(year, "year").label))
        for quarter in range(4, 0, -1):
            period = ReportPeriod(year, "quarter", quarter)
            if period.first <= today:
                options.append((period.code, period.label))
        for month in range(12, 0, -1):
            period = ReportPeriod(year, "month", month)
            if period.first <= today:
                options.append((period.code, period.label))
    return options
