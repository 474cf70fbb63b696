"""What the summary pages show of a division, shared by all their viewers and prepared by the worker after a write.

Each function reads one page's figures for one division (or the district) and a period from the counters, and
nothing of the viewer: what the viewer may see of them (their own village's visits) the views decide.
The functions go through pinggu_center.freshness.shared, and `prepare` (the worker's dashboards.tasks.prepare_figures,
after each commit) calls them for the divisions written, so the first view after a write renders from figures
already made instead of a dozen queries. The review rates' two live counts change with the clock: the figures that
hold them stay until the moment they next change (rollup.next_change), and are computed again after it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from pinggu_center import freshness
from pinggu_center.models import Division, Level

from . import charts, rates, rollup, selectors

try:  # the visit system is optional in a deployment
    from visits import selectors as visit_selectors
except ImportError:  # pragma: no cover
    visit_selectors = None

try:  # the mediation aids (risk warnings) are optional in a deployment
    from aids import selectors as aids_selectors
except ImportError:  # pragma: no cover
    aids_selectors = None


def workbench(village: Division) -> dict:
    def compute() -> dict:
        return {
            "new_cases": selectors.new_cases(village),
            "waiting": selectors.waiting_summonses(village=village),
            "deadline_cases": selectors.deadline_cases(village),
            "confirmations": selectors.confirmations_running_out(village),
            "not_followed_up": selectors.not_followed_up(village),
            **selectors.month_figures(village),
            "center_id": village.center.pk if hasattr(village, "center") else None,
            "visits": visit_selectors.coverage_and_this_week(village) if visit_selectors else None,
            "warnings": _warnings(village, village=village),
        }

    return freshness.shared("workbench", [village], compute, parts=[village.pk])


def town_page(town: Division) -> dict:
    period = rates.this_year()

    def compute() -> dict:
        figures = town_rates(town, period)
        averages = [(_("%(town)s平均") % {"town": town.name}, figures["total"])]
        return {
            **figures,
            "inbox": selectors.escalated_inbox(town),
            "transfers": selectors.open_transfers_to(town),
            "whistles": selectors.whistles_to(town),
            "compare_chart": charts.comparison(figures["table"], averages, mark=0),
            "warnings": _warnings(town),
        }

    return freshness.shared("town-page", [town], compute, parts=[town.pk], until=_town_changes(town, period))


def town_page_content(town: Division) -> str:
    return _rendered("town-page", [town], "dashboards/partials/town_page_content.html",
                     lambda: {"town": town, **town_page(town)}, parts=[town.pk],
                     until=_town_changes(town, rates.this_year()))


def town_rates(town: Division, period: rates.Period) -> dict:
    """What the town page and the town review both show: the villages' rates, the town's total, its months."""
    by_village = rollup.review_rates(period, group="village", where={"town": town})
    months = rollup.monthly(period, where={"town": town})
    return {
        "period": period,
        "total": rollup.total(by_village),
        "table": rates.with_rates(selectors.villages_of(town), by_village),
        "months": months,
        "trend_chart": charts.trend(months),
    }


def district_review(period: rates.Period) -> dict:
    def compute() -> dict:
        by_town = rollup.review_rates(period, group="town", where={})
        total = rollup.total(by_town)
        table = rates.with_rates(selectors.towns(), by_town)
        departments = selectors.department_ranking(period)
        months = rollup.monthly(period, where={})
        return {
            "total": total,
            "table": table,
            "departments": departments,
            "compare_chart": charts.comparison(table, [(_("全区平均"), total)], mark=0),
            "months": months,
            "trend_chart": charts.trend(months),
            "ranking_chart": charts.ranking(departments),
            "warnings": _warnings(None),
        }

    return freshness.shared("district-review", [None], compute, parts=[period], until=_district_changes(period))


def district_review_content(period: rates.Period) -> str:
    return _rendered("district-review", [None], "dashboards/partials/district_review_content.html",
                     lambda: {"period": period, **district_review(period)}, parts=[period],
                     until=_district_changes(period))


def town_review(town: Division, period: rates.Period) -> dict:
    def compute() -> dict:
        figures = town_rates(town, period)
        # The district's rates are an aggregate over every town: comparing with them shows no other town's figures.
        district = rollup.total(rollup.review_rates(period, group=None, where={}))
        averages = [(_("全区平均"), district), (_("%(town)s平均") % {"town": town.name}, figures["total"])]
        return {**figures, "compare_chart": charts.comparison(figures["table"], averages, mark=1)}

    # The district's average is on the page too, and its live counts change first.
    return freshness.shared("town-review", [town, None], compute, parts=[town.pk, period],
                            until=_district_changes(period))


def town_review_content(town: Division, period: rates.Period) -> str:
    return _rendered("town-review", [town, None], "dashboards/partials/town_review_content.html",
                     lambda: {"town": town, "period": period, **town_review(town, period)}, parts=[town.pk, period],
                     until=_district_changes(period))


def village_total(village: Division, period: rates.Period) -> dict:
    def compute() -> dict:
        return rollup.total(rollup.review_rates(period, group=None, where={"division": village}))

    until = partial(rollup.next_change, period, where={"division": village})
    return freshness.shared("village-total", [village], compute, parts=[village.pk, period], until=until)


def _town_changes(town: Division, period: rates.Period):
    return partial(rollup.next_change, period, where={"town": town})


def _district_changes(period: rates.Period):
    return partial(rollup.next_change, period, where={})


def _rendered(name: str, divisions: list, template: str, context, parts: list, until) -> str:
    """A page's content rendered from its figures, once for all its viewers and for as long as the figures hold:
    the worker renders it after a write, so the first view after it is served as a view again would be.
    The content shows nothing of the viewer (no form, no name of theirs)."""
    content = freshness.shared(f"{name}-content", divisions, lambda: render_to_string(template, context()),
                               parts=parts, until=until)
    return mark_safe(content)  # noqa: S308 - rendered by our own template, escaped there


def _warnings(scope: Division | None, **kwargs) -> dict | None:
    return aids_selectors.warning_summary(scope, **kwargs) if aids_selectors else None


def prepare(names: Iterable[str]) -> int:
    """Compute the figures of the default view of every page that shows the divisions written (`names` as
    pinggu_center.freshness.written sends them), and render the content of the pages that show no more than their
    figures; how many were computed or found ready."""
    names = set(names)
    period = rates.this_year()
    count = 0
    ids = [int(name) for name in names if name.isdigit()]
    for division in Division.objects.filter(pk__in=ids).select_related("center"):
        if division.level == Level.VILLAGE:
            workbench(division)
            village_total(division, period)
            count += 2
        elif division.level == Level.TOWN:
            town_page_content(division)
            town_review_content(division, period)
            count += 2
    if freshness.DISTRICT in names:
        district_review_content(period)
        count += 1
    return count
