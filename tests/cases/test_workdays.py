"""Working-day deadlines skip public holidays and count make-up working days (调休)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from cases.models import HolidayOverride
from cases.workdays import add_working_days, is_workday

TZ = ZoneInfo("Asia/Shanghai")


def test_national_day_2026_and_its_make_up_saturday(db):
    # Wed 30 Sep + 3 working days: 1–7 Oct are holidays, Thu 8, Fri 9, and Sat 10 Oct is a make-up working day.
    start = datetime(2026, 9, 30, 10, 0, tzinfo=TZ)
    assert add_working_days(start, 3) == datetime(2026, 10, 10, 10, 0, tzinfo=TZ)
    assert add_working_days(start, 4) == datetime(2026, 10, 12, 10, 0, tzinfo=TZ)  # Sun 11 Oct is a rest day


def test_a_plain_weekend_is_skipped(db):
    assert add_working_days(datetime(2026, 11, 20, 9, 0, tzinfo=TZ), 1) == datetime(2026, 11, 23, 9, 0, tzinfo=TZ)


def test_override_table_serves_years_the_package_does_not_know(db):
    assert is_workday(date(2027, 1, 1)) is True  # a Friday, unknown to the package: weekdays work
    HolidayOverride.objects.create(date=date(2027, 1, 1), is_workday=False, note="元旦")
    assert add_working_days(datetime(2026, 12, 31, 9, 0, tzinfo=TZ), 1) == datetime(2027, 1, 4, 9, 0, tzinfo=TZ)


@pytest.mark.parametrize(("day", "expected"), [(date(2026, 10, 10), True), (date(2026, 10, 5), False)])
def test_is_workday(day, expected):
    assert is_workday(day) is expected
