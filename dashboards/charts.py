"""The review pages' charts: the figures of the tables below them, shaped for ECharts (embedded with json_script).

Nothing here queries: every function takes rows a selector already read, so a chart can never disagree with
its table. Rates are rounded to one decimal as the tables print them; None (nothing to count) stays None
and ECharts leaves the bar out.
"""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

COMPARED = ["village_rate", "resolution_rate", "satisfaction_rate"]  # the rates a reviewer compares
RANKING_LIMIT = 30
# Heights in px: fixed by the server so the page does not move when a chart draws; a row per division.
COMPARE_ROW, COMPARE_FRAME = 34, 96
RANKING_ROW, RANKING_FRAME = 30, 48
TREND_HEIGHT = 300


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _rate_names() -> dict[str, str]:
    return {"village_rate": _("小事不出村率"), "resolution_rate": _("解决率"), "satisfaction_rate": _("满意率")}


def comparison(rows: list[dict], averages: list[tuple[str, dict]], *, mark: int) -> dict:
    """Each division's compared rates, the averages first; `mark` picks the average drawn as a line across."""
    everything = [*(row for _name, row in averages), *rows]
    names = _rate_names()
    series = [
        {
            "key": key,
            "name": names[key],
            "data": [_rate(row[key]) for row in everything],
            "mark": _rate(averages[mark][1][key]),
        }
        for key in COMPARED
    ]
    labels = [name for name, _row in averages] + [row["division"].name for row in rows]
    return {
        "labels": labels,
        "averages": len(averages),
        "series": series,
        "height": COMPARE_FRAME + COMPARE_ROW * len(labels),
    }


def _month_label(month: date, *, with_year: bool) -> str:
    # Django date formats, translated: "1月" / "Jan", "2025年12月" / "Dec 2025".
    return date_format(month, pgettext("chart month", "Y年n月") if with_year else pgettext("chart month", "n月"))


def trend(months: list[dict]) -> dict:
    """Intake bars and 小事不出村率 line, one point per month of the period (rollup.monthly)."""
    years = {row["month"].year for row in months}
    return {
        "months": [row["month"].strftime("%Y-%m") for row in months],
        "labels": [_month_label(row["month"], with_year=len(years) > 1) for row in months],
        "names": {"intake": _("受理量"), "village_rate": _("小事不出村率")},
        "intake": [row["intake"] for row in months],
        "village_rate": [_rate(row["village_rate"]) for row in months],
        "height": TREND_HEIGHT,
    }


def ranking(departments: list) -> dict:
    """The ranking's departments that reported in, in its order (fastest first), by average report-in hours."""
    shown = [department for department in departments if department.average_delay is not None][:RANKING_LIMIT]
    return {
        "name": _("平均报到用时（小时）"),
        "labels": [department.name for department in shown],
        "values": [round(department.average_delay.total_seconds() / 3600, 1) for department in shown],
        "limited": len(shown) == RANKING_LIMIT,
        "height": RANKING_FRAME + RANKING_ROW * max(len(shown), 1),
    }
