"""Working days in China: public holidays skipped, make-up working days (调休) counted.

The district's override table wins; then the `chinese-calendar` package; for a year neither knows,
Monday to Friday.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar

from .models import HolidayOverride


def is_workday(day: date, overrides: dict[date, bool] | None = None) -> bool:
    if overrides is not None and day in overrides:
        return overrides[day]
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def _overrides_between(start: date, end: date) -> dict[date, bool]:
    return dict(HolidayOverride.objects.filter(date__range=(start, end)).values_list("date", "is_workday"))


def add_working_days(start: datetime, days: int) -> datetime:
    """The same time of day on the `days`-th working day after `start`."""
    # Holidays never run longer than a few weeks, so this window always holds the answer.
    overrides = _overrides_between(start.date(), start.date() + timedelta(days=days * 3 + 30))
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_workday(current.date(), overrides):
            remaining -= 1
    return current
