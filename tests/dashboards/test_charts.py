"""The review pages' charts carry the figures of the tables below them: the JSON each page embeds, read back."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tests.cases.factories import CaseFactory, SummonsFactory, WhistleFactory
from tests.pages import shown

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
COMPARED = ["village_rate", "resolution_rate", "satisfaction_rate"]


def _embedded(response, chart_id: str) -> dict:
    """The chart's JSON as the page embeds it (json_script), next to the element that draws it."""
    body = response.content.decode()
    assert f'data-chart-data="{chart_id}-data"' in body
    found = re.search(rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', body, re.S)
    assert found, chart_id
    return json.loads(found.group(1))


def _at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 10, 0, tzinfo=SHANGHAI)


def _closed(center, *, at: datetime, in_village: bool = True, resolved: bool = True, satisfaction: str = "") -> None:
    town = center.division.parent
    CaseFactory(
        center=center,
        registered_at=at,
        status="closed",
        closure="archive",
        outcome="resolved" if resolved else "unresolved",
        closed_at=at + timedelta(days=2),
        level="village" if in_village else "town",
        holder=center.division if in_village else town,
        satisfaction=satisfaction,
    )


def _two_towns(org) -> None:
    """峪口地区: 4 closed (3 in the village, 1 at the town; 3 resolved), 2 followed up (1 satisfied), 1 open.
    大兴庄镇: 1 closed in the village, resolved, satisfied."""
    _closed(org.center, at=_at(9, 20), satisfaction="satisfied")
    _closed(org.center, at=_at(10, 5), satisfaction="unsatisfied")
    _closed(org.center, at=_at(10, 6), resolved=False)
    _closed(org.center, at=_at(11, 20), in_village=False)
    CaseFactory(center=org.center, registered_at=_at(11, 21))
    _closed(org.other_center, at=_at(10, 8), satisfaction="satisfied")
    _closed(org.center, at=_at(9, 10))  # before the period: counted nowhere


PERIOD = {"start": "2026-09-15", "end": "2026-11-24"}


def test_district_comparison_is_the_rates_table_with_the_district_average_first(org, district_admin, client_for):
    _two_towns(org)
    response = client_for(district_admin).get(reverse("dashboards:district_review"), PERIOD)
    chart = _embedded(response, "chart-compare")
    table, total = shown(response, "table"), shown(response, "total")

    assert chart["labels"] == ["全区平均", "峪口地区", "大兴庄镇"]
    assert chart["averages"] == 1
    series = {s["key"]: s for s in chart["series"]}
    assert list(series) == COMPARED
    for key in COMPARED:
        expected_rows = [None if row[key] is None else round(row[key], 1) for row in table]
        assert series[key]["data"] == [round(total[key], 1), *expected_rows]
        assert series[key]["mark"] == round(total[key], 1)  # the dashed line is the district average
    # The same figures by hand: 峪口 3 of 4 closed in the village, 大兴庄 1 of 1; the district 4 of 5.
    assert series["village_rate"]["data"] == [80.0, 75.0, 100.0]
    assert series["resolution_rate"]["data"] == [80.0, 75.0, 100.0]
    assert series["satisfaction_rate"]["data"] == [66.7, 50.0, 100.0]
    assert chart["height"] > 0


def test_monthly_trend_has_one_point_per_month_and_adds_up_to_the_total(org, district_admin, client_for):
    _two_towns(org)
    response = client_for(district_admin).get(reverse("dashboards:district_review"), PERIOD)
    chart = _embedded(response, "chart-trend")

    assert chart["months"] == ["2026-09", "2026-10", "2026-11"]
    assert chart["labels"] == ["9月", "10月", "11月"]
    assert chart["intake"] == [1, 3, 2]  # the case of 10 September lies before the period
    assert sum(chart["intake"]) == shown(response, "total")["intake"]
    assert chart["village_rate"] == [100.0, 100.0, 0.0]
    assert [row["intake"] for row in shown(response, "months")] == chart["intake"]  # the table below the chart


def test_monthly_labels_carry_the_year_when_the_period_spans_two(org, district_admin, client_for):
    response = client_for(district_admin).get(
        reverse("dashboards:district_review"), {"start": "2025-11-20", "end": "2026-02-03"}
    )
    chart = _embedded(response, "chart-trend")
    assert chart["months"] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert chart["labels"] == ["2025年11月", "2025年12月", "2026年1月", "2026年2月"]
    assert chart["intake"] == [0, 0, 0, 0]
    assert chart["village_rate"] == [None, None, None, None]


def test_department_ranking_chart_follows_the_table(org, district_admin, director, client_for):
    def summons(department, hours: float | None) -> None:
        blown = _at(11, 2)
        whistle = WhistleFactory(
            case__center=org.center, case__registered_by=director, blown_by=director, blown_at=blown,
            report_in_due=blown + timedelta(hours=4),
        )
        reported = None if hours is None else blown + timedelta(hours=hours)
        SummonsFactory(whistle=whistle, department=department, reported_at=reported)

    summons(org.justice_office, 2)
    summons(org.justice_office, 4)
    summons(org.district_court, 7.5)
    summons(org.enforcement, None)  # summoned, never reported in: in the table, not in the chart
    response = client_for(district_admin).get(reverse("dashboards:district_review"), PERIOD)
    chart = _embedded(response, "chart-ranking")

    assert [d.name for d in shown(response, "departments")] == ["峪口地区司法所", "区人民法院", "峪口地区综合执法队"]
    assert chart["labels"] == ["峪口地区司法所", "区人民法院"]
    assert chart["values"] == [3.0, 7.5]
    assert chart["limited"] is False


def test_town_review_compares_villages_with_the_town_and_the_district(org, district_admin, client_for):
    _two_towns(org)
    response = client_for(district_admin).get(reverse("dashboards:town_review", args=[org.town.pk]), PERIOD)
    chart = _embedded(response, "chart-compare")
    table, total = shown(response, "table"), shown(response, "total")

    assert chart["labels"] == ["全区平均", "峪口地区平均", "西凡各庄村"]
    assert chart["averages"] == 2
    series = {s["key"]: s for s in chart["series"]}
    assert series["village_rate"]["data"] == [80.0, 75.0, 75.0]
    for key in COMPARED:
        assert series[key]["data"][2:] == [round(row[key], 1) for row in table]
        assert series[key]["mark"] == round(total[key], 1)  # the dashed line is the town's average
    trend = _embedded(response, "chart-trend")
    assert trend["intake"] == [1, 2, 2]  # 峪口's villages only


def test_town_page_compares_villages_with_the_town_over_this_year(org, town_user, client_for):
    _two_towns(org)
    response = client_for(town_user).get(reverse("dashboards:town_page"))
    chart = _embedded(response, "chart-compare")

    assert chart["labels"] == ["峪口地区平均", "西凡各庄村"]
    series = {s["key"]: s for s in chart["series"]}
    assert series["village_rate"]["data"] == [80.0, 80.0]  # this year: the case of 10 September counts too
    assert series["village_rate"]["mark"] == 80.0
    trend = _embedded(response, "chart-trend")
    assert trend["months"] == [f"2026-{month:02d}" for month in range(1, 12)]  # January to the frozen November
    assert trend["intake"][8:] == [2, 2, 2]
    assert sum(trend["intake"]) == sum(row["intake"] for row in shown(response, "table"))


def test_a_refused_period_draws_no_chart(org, district_admin, client_for):
    response = client_for(district_admin).get(reverse("dashboards:district_review"), {"start": "2026-05-01", "end": "2026-01-01"})
    assert response.status_code == 400
    assert "chart-compare" not in response.content.decode()
    assert "echarts" not in response.content.decode()
