"""Reads of the visit system: scoped lookups (404 outside scope), quota counts, statistics, assessment rows."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cases.models import Category
from pinggu_center import freshness
from pinggu_center.models import Division, Level, Member, User
from pinggu_center.scopes import division_filter, visible_centers

from . import tally
from .forecast import forecast_categories
from .models import CadreAssessment, CadreWeekTally, Household, Visit, VisitTally, WeeklyQuotaResult
from .tally import week_start_of  # the Monday of the ISO week holding a (local) date

STATS_WEEKS = 12
# The statistics page lists this many of the households not visited for 90 days.
STALE_SHOWN = 50


def get_household_for_user(user: User, household_id: int) -> Household:
    return get_object_or_404(Household.objects.visible_to(user).select_related("division"), pk=household_id)


def get_visit_for_user(user: User, visit_id: int) -> Visit:
    visits = Visit.objects.visible_to(user).select_related("household", "division", "category", "case", "recorded_by")
    return get_object_or_404(visits.prefetch_related("cadres"), pk=visit_id)


def get_member_for_user(user: User, member_id: int) -> Member:
    return get_object_or_404(Member.objects.filter(center__in=visible_centers(user)), pk=member_id)


def visits_for_case(case) -> QuerySet[Visit]:
    """The visits a case was raised from (a case knows nothing of visits; this is the way back)."""
    return case.visits.select_related("household").order_by("-visited_on")


def visible_villages(user: User) -> QuerySet[Division]:
    return Division.objects.filter(division_filter(user, "pk"), level=Level.VILLAGE).order_by("code")


def visiting_members() -> QuerySet[Member]:
    """Members holding at least one role with visits_households=True (委员, 党员代表, 村民代表, 下沉/包村干部)."""
    through = Member.roles.through.objects.filter(role__visits_households=True)
    return Member.objects.filter(pk__in=through.values("member_id"))


def prorated_quota(member: Member, week_start: date, quota: int | None = None) -> int:
    """The week's quota for a member.

    A cadre who joined mid-week is prorated, not exempt: the quota is scaled by the days of the
    week they were on the roster and rounded up, so joining on Thursday (4 days) asks ceil(5×4/7)=3
    households and joining on Sunday still asks one. Joining on or before Monday owes the full quota.
    """
    quota = settings.VISIT_WEEKLY_QUOTA if quota is None else quota
    days = 7 - max((member.joined_on - week_start).days, 0)
    return math.ceil(quota * max(days, 0) / 7)


def _cadre_week(week_start: date) -> QuerySet[CadreWeekTally]:
    return CadreWeekTally.objects.filter(member=OuterRef("pk"), week_start=week_start)


def quota_counts(week_start: date) -> QuerySet[Member]:
    """Every visiting cadre on the roster during the week, with the distinct households they visited in it."""
    week_end = week_start + timedelta(days=6)
    members = (
        visiting_members()
        .filter(joined_on__lte=week_end)
        .filter(Q(retired_on__isnull=True) | Q(retired_on__gte=week_start))
    )
    visited = Coalesce(Subquery(_cadre_week(week_start).values("households")[:1]), 0)
    return members.select_related("center__division").annotate(visited=visited)


def week_progress(user: User, today: date | None = None) -> dict | None:
    """The signed-in cadre's distinct households this week against their quota, or None without a roster entry."""
    member = Member.objects.filter(user=user).first()
    if member is None:
        return None
    start = week_start_of(today or timezone.localdate())
    row = CadreWeekTally.objects.filter(member=member, week_start=start).values_list("households", flat=True)
    visited = row.first() or 0
    quota = prorated_quota(member, start)
    return {
        "member": member,
        "week_start": start,
        "visited": visited,
        "quota": quota,
        "met": visited >= quota,
        "percent": min(100, round(100 * visited / quota)) if quota else 100,
    }


def household_keyword(keyword: str) -> Q:
    """A household by its head's name or surname, its address or house number, or the head's pinyin initials."""
    keyword = keyword.strip()[:50]
    matches = Q(head_name__contains=keyword) | Q(address__contains=keyword)
    if keyword.isascii() and keyword.isalpha():
        matches |= Q(name_initials__startswith=keyword.lower())  # wdm → 王德明
    return matches


def recently_visited_first(households: QuerySet[Household]) -> QuerySet[Household]:
    """Order households by their latest visit (kept on the row), the most recent first, then the never visited."""
    return households.order_by(F("last_visited_on").desc(nulls_last=True), "address", "pk")


def search_households(user: User, keyword: str, limit: int = 20) -> QuerySet[Household]:
    """The visit form's household picker: matches of the keyword, or the user's households to browse."""
    households = Household.objects.visible_to(user).select_related("division")
    if keyword.strip():
        households = households.filter(household_keyword(keyword))
    return recently_visited_first(households)[:limit]


@dataclass
class Statistics:
    per_week: list[dict]
    coverage: dict
    by_category: list[dict]
    villages: QuerySet
    stale: QuerySet
    towns: QuerySet


def shared_statistics(user: User) -> Statistics:
    """`statistics` with its lists read (the first STALE_SHOWN stale households), shared by every user of the same
    division until a write in it (pinggu_center.freshness.shared): it reads nothing of the user but their division.
    The worker prepares it after each commit (visits.tasks.prepare_statistics)."""

    def compute() -> Statistics:
        stats = statistics(user)
        return replace(stats, villages=list(stats.villages), stale=list(stats.stale[:STALE_SHOWN]),
                       towns=list(stats.towns))

    return freshness.shared("visit-statistics", [user.division_id], compute, parts=[user.division_id])


def tally_rows(user: User) -> QuerySet[VisitTally]:
    """The counter rows that add up to the user's scope: the district's towns, one town, or one village."""
    return tally_rows_of(user.division if user.is_authenticated else None)


def tally_rows_of(division: Division | None) -> QuerySet[VisitTally]:
    if division is None:
        return VisitTally.objects.none()
    if division.level == Level.DISTRICT:
        return VisitTally.objects.filter(rollup="t")
    return VisitTally.objects.filter(rollup="t" if division.level == Level.TOWN else "v", division=division)


def statistics(user: User, today: date | None = None) -> Statistics:
    """Visit statistics over the user's scope, read from the counters (visits/tally.py) whatever the row count."""
    today = today or timezone.localdate()
    since = week_start_of(today) - timedelta(weeks=STATS_WEEKS - 1)
    rows = tally_rows(user)
    by_category = [
        {"category__name": name, "count": sum(counts.values())}
        for name, counts in _category_weeks(rows, since).items()
    ]
    by_category.sort(key=lambda row: (-row["count"], row["category__name"]))
    return Statistics(
        _per_week(rows, since),
        _coverage(rows, today),
        by_category,
        village_rows(user, today),
        stale_households(user, today),
        town_rows(user, today),
    )


def coverage_and_this_week(division: Division | None, today: date | None = None) -> dict:
    """The workbench's two visit figures for a division's households, in one query: coverage, and this week's visits
    (None before the week's first visit; never an earlier week's)."""
    today = today or timezone.localdate()
    monday = week_start_of(today)
    coverage = _coverage(tally_rows_of(division), today, week=monday)
    visits, households = coverage.pop("week_visits"), coverage.pop("week_households")
    this_week = {"week": monday, "visits": visits, "households": households} if visits else None
    return {"coverage": coverage, "this_week": this_week}


def _per_week(rows: QuerySet[VisitTally], since: date) -> list[dict]:
    return list(
        rows.filter(dimension=tally.WEEK, grain="w", period__gte=since).values(week=F("period"))
        .annotate(visits=Sum("visits"), households=Sum("households")).filter(visits__gt=0).order_by("week")
    )  # fmt: skip


def _coverage(rows: QuerySet[VisitTally], today: date, week: date | None = None) -> dict:
    """Households, and those visited in the last 30 and 90 days; with `week`, that week's visits too."""
    # "@last" rows: households by the day of their latest visit, so "visited since a day" is a sum of a few rows.
    last = Q(dimension=tally.LAST_VISIT, grain="d")
    wanted = Q(dimension=tally.HOUSEHOLDS) | (last & Q(period__gte=today - timedelta(days=90)))
    sums = {
        "total": Coalesce(Sum("households", filter=Q(dimension=tally.HOUSEHOLDS)), 0),
        "in_30": Coalesce(Sum("households", filter=last & Q(period__gte=today - timedelta(days=30))), 0),
        "in_90": Coalesce(Sum("households", filter=last), 0),
    }
    if week is not None:
        in_week = Q(dimension=tally.WEEK, grain="w", period=week)
        wanted |= in_week
        sums["week_visits"] = Coalesce(Sum("visits", filter=in_week), 0)
        sums["week_households"] = Coalesce(Sum("households", filter=in_week), 0)
    coverage = rows.filter(wanted).aggregate(**sums)
    for days in (30, 90):
        coverage[f"share_{days}"] = (
            round(100 * coverage[f"in_{days}"] / coverage["total"], 1) if coverage["total"] else 0
        )
    return coverage


def _category_weeks(rows: QuerySet[VisitTally], since: date) -> dict[str, dict[date, int]]:
    """{category name: {Monday: visits that raised it}} from the category rows (two queries)."""
    counts = (
        rows.filter(dimension__startswith=tally.CATEGORY, grain="w", period__gte=since)
        .values("dimension", "period").annotate(n=Sum("visits")).filter(n__gt=0)
    )  # fmt: skip
    counts = list(counts)
    ids = {int(row["dimension"].removeprefix(tally.CATEGORY)) for row in counts}
    names = dict(Category.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    result: dict[str, dict[date, int]] = {}
    for row in counts:
        name = names[int(row["dimension"].removeprefix(tally.CATEGORY))]
        weeks = result.setdefault(name, {})
        weeks[row["period"]] = weeks.get(row["period"], 0) + row["n"]
    return result


def village_rows(user: User, today: date) -> QuerySet[Division]:
    """Per village in scope with households: how many, and how many visited in the last 30 days."""
    registered = VisitTally.objects.filter(rollup="v", division=OuterRef("pk"), dimension=tally.HOUSEHOLDS)
    villages = visible_villages(user).filter(Exists(registered.filter(households__gt=0)))
    return villages.annotate(**_coverage_counts(today, "v"))


def town_rows(user: User, today: date) -> QuerySet[Division]:
    """Per town in scope: households and those visited in the last 30 days (empty for a village login)."""
    towns = Division.objects.filter(division_filter(user, "pk"), level=Level.TOWN).order_by("code")
    return towns.annotate(**_coverage_counts(today, "t"))


def _coverage_counts(today: date, rollup: str) -> dict:
    # Per division row: its "@households" row and the sum of its "@last" rows of the last 30 days.
    rows = VisitTally.objects.filter(rollup=rollup, division=OuterRef("pk")).order_by()
    registered = rows.filter(dimension=tally.HOUSEHOLDS).values("households")[:1]
    covered = rows.filter(dimension=tally.LAST_VISIT, grain="d", period__gte=today - timedelta(days=30))
    covered = covered.values("division").annotate(n=Sum("households")).values("n")[:1]
    return {
        "household_count": Coalesce(Subquery(registered, output_field=IntegerField()), 0),
        "covered_30": Coalesce(Subquery(covered, output_field=IntegerField()), 0),
    }


def stale_households(user: User, today: date) -> QuerySet[Household]:
    """Households with no visit in the last 90 days (including never visited)."""
    return (
        Household.objects.visible_to(user)
        .filter(Q(last_visited_on__isnull=True) | Q(last_visited_on__lt=today - timedelta(days=90)))
        .select_related("division").order_by("division__code", "address")
    )  # fmt: skip


def weekly_category_series(user: User, today: date | None = None, weeks: int = STATS_WEEKS) -> dict[str, list[int]]:
    """Matters raised per category per week (oldest first, zero-filled) over the last `weeks` weeks."""
    current = week_start_of(today or timezone.localdate())
    starts = [current - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    index = {start: i for i, start in enumerate(starts)}
    series: dict[str, list[int]] = {}
    for name, counts in _category_weeks(tally_rows(user), starts[0]).items():
        for week, count in counts.items():
            if week in index:
                series.setdefault(name, [0] * weeks)[index[week]] += count
    return series


def forecast(user: User, today: date | None = None):
    return forecast_categories(weekly_category_series(user, today))


def assessment_rows(user: User, period: str) -> QuerySet[Member]:
    """Visiting cadres in scope with weeks met/missed, visits, cases raised, and this period's assessment."""
    results = WeeklyQuotaResult.objects.filter(member=OuterRef("pk")).values("member")
    visit_rows = Visit.objects.filter(cadres=OuterRef("pk")).values("cadres")
    visit_weeks = CadreWeekTally.objects.filter(member=OuterRef("pk")).order_by().values("member")
    assessment = CadreAssessment.objects.filter(member=OuterRef("pk"), period=period)
    return (
        visiting_members().filter(center__in=visible_centers(user)).select_related("center")
        .annotate(
            weeks_met=_count(results.filter(met=True)),
            weeks_missed=_count(results.filter(met=False)),
            visit_count=Coalesce(Subquery(visit_weeks.annotate(n=Sum("visits")).values("n")[:1]), 0),
            cases_raised=_count(visit_rows.filter(case__isnull=False)),
            score=Subquery(assessment.values("score")[:1]),
            comment=Subquery(assessment.values("comment")[:1]),
        )
        .order_by("center__division__code", "name")
    )  # fmt: skip


def _count(rows: QuerySet) -> Coalesce:
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), 0)


def problem_ledger(user: User) -> QuerySet[Visit]:
    """问题台账: what visits raised that needs action, newest first; cleared once its case is closed."""
    visits = Visit.objects.visible_to(user).filter(needs_action=True)
    return visits.select_related("household", "division", "category", "case").order_by("-visited_on", "-pk")


def repeated_open_matters(*, since: date, minimum: int) -> list[dict]:
    """Households whose visits since `since` raised the same kind of matter (category) at least `minimum` times
    while it was not cleared (not passed on, or its case still open): [{household, category, visits}], unscoped,
    for the daily risk scan."""
    uncleared = Q(case__isnull=True) | ~Q(case__status="closed")
    raised = (
        Visit.objects.filter(uncleared, visited_on__gte=since, category__isnull=False)
        .exclude(raised="")
        .order_by()
    )
    groups = raised.values("household_id", "category_id").annotate(n=Count("pk")).filter(n__gte=minimum)
    wanted = Q(pk__in=[])
    for group in groups:
        wanted |= Q(household_id=group["household_id"], category_id=group["category_id"])
    rows = raised.filter(wanted).select_related("household", "category", "division").order_by("visited_on", "pk")
    result: dict[tuple[int, int], dict] = {}
    for visit in rows:
        entry = result.setdefault(
            (visit.household_id, visit.category_id),
            {"household": visit.household, "category": visit.category, "visits": []},
        )
        entry["visits"].append(visit)
    return list(result.values())
