"""Read-only queries of the dashboards: what waits on a village or a town today, and the charts' figures.

Every function takes an already scoped division (the views fetch it through `visible_divisions`) and
runs a fixed number of queries whatever the amount of data; lists are cut at LIST_LIMIT rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, F, FloatField, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Cast, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import tally
from cases.models import Agreement, Case, CaseTally, Category, DepartmentTally, FollowUp, Summons, Transfer
from cases.tally_departments import FIELDS as DEPARTMENT_FIELDS
from pinggu_center.models import Department, Division, Level

from .rates import Period, cases_in
from .rollup import period_rows

LIST_LIMIT = 20
# What a dashboard's list shows of a case: its link and title, and the dates beside it. Reading the wide case
# row whole, with its category, cost more than the query itself.
CASE_ITEM = ("id", "number", "title", "status", "registered_at", "resolution_due", "closed_at")
NEAR_DEADLINE = timedelta(hours=48)
FOLLOW_UP_AFTER = timedelta(days=7)
CONFIRMATION_WARNING_DAYS = 7


def _case_item(via: str) -> tuple[str, ...]:
    """CASE_ITEM read through a relation (`case`, `whistle__case`) for `only()`."""
    return tuple(f"{via}__{field}" for field in CASE_ITEM)


_SUMMONS_ITEM = (
    "reported_at", "department__name", "whistle__blown_at", "whistle__report_in_due", *_case_item("whistle__case"),
)


def held_open(holder: Division) -> QuerySet[Case]:
    return Case.objects.open().filter(holder=holder, level=holder.level)


def new_cases(village: Division) -> list[Case]:
    """Registered at the village and not yet given a path: to triage."""
    cases = held_open(village).filter(status=Case.Status.REGISTERED).only(*CASE_ITEM)
    return list(cases.order_by("registered_at")[:LIST_LIMIT])


def waiting_summonses(*, village: Division | None = None, town: Division | None = None) -> list[Summons]:
    """Departments summoned by a whistle of an open case that have not reported in yet."""
    summonses = Summons.objects.filter(reported_at__isnull=True).exclude(whistle__case__status=Case.Status.CLOSED)
    if village is not None:
        summonses = summonses.filter(whistle__case__division=village)
    if town is not None:
        summonses = summonses.filter(department__division=town)
    summonses = summonses.select_related("whistle__case", "department").only(*_SUMMONS_ITEM)
    return list(summonses.order_by("whistle__report_in_due")[:LIST_LIMIT])


def deadline_cases(holder: Division) -> list[Case]:
    """Open cases held here with a resolution deadline, the nearest first; `near_deadline` keeps those due now.

    Not cut by the clock, so the list can be prepared ahead (pinggu_center.freshness.shared): the cases due by a
    moment are the first ones in this order, whatever the moment.
    """
    cases = held_open(holder).filter(resolution_due__isnull=False).only(*CASE_ITEM)
    return list(cases.order_by("resolution_due", "pk")[:LIST_LIMIT])


def near_deadline(cases: list[Case], now: datetime | None = None) -> list[Case]:
    """Of `deadline_cases`, those whose deadline is past or within 48 hours."""
    before = (now or timezone.now()) + NEAR_DEADLINE
    return [case for case in cases if case.resolution_due < before]


def confirmations_running_out(village: Division) -> list[Agreement]:
    """Agreements not yet sent for judicial confirmation whose 30-day window ends within 7 days."""
    today = timezone.localdate()
    window = settings.JUDICIAL_CONFIRMATION_DAYS
    agreements = Agreement.objects.filter(
        case__division=village,
        confirmation_applied_on__isnull=True,
        effective_on__gte=today - timedelta(days=window),
        effective_on__lte=today - timedelta(days=window - CONFIRMATION_WARNING_DAYS),
    ).select_related("case").only("effective_on", *_case_item("case"))
    return list(agreements.order_by("effective_on")[:LIST_LIMIT])


def not_followed_up(holder: Division) -> list[Case]:
    """Cases this body closed with no follow-up since, the earliest closed first; `follow_ups_due` keeps those due
    now (not cut by the clock, as `deadline_cases`)."""
    since_closed = FollowUp.objects.filter(case=OuterRef("pk"), at__gte=OuterRef("closed_at"))
    cases = Case.objects.filter(holder=holder, status=Case.Status.CLOSED, closed_at__isnull=False)
    cases = cases.filter(~Exists(since_closed))
    return list(cases.only(*CASE_ITEM).order_by("closed_at", "pk")[:LIST_LIMIT])


def follow_ups_due(cases: list[Case], now: datetime | None = None) -> list[Case]:
    """Of `not_followed_up`, those closed more than 7 days ago."""
    before = (now or timezone.now()) - FOLLOW_UP_AFTER
    return [case for case in cases if case.closed_at < before]


def month_figures(village: Division, months: int = 6) -> dict:
    """The workbench's counter figures, from one read of the village's month counters.

    `cards`: this month's intake, closures and follow-ups (satisfied or basically satisfied). `intake_chart`: cases
    registered per month and category over the last `months` months. `mix_chart`: how the village's cases were
    worked and how they ended. Each dimension is named, not a prefix, so the counters' key index finds the rows.
    """
    today = timezone.localdate()
    this_month = today.replace(day=1)
    first = this_month
    for _month in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    names = dict(Category.objects.values_list("pk", "name"))
    paths, closures = dict(Case.Path.choices), dict(Case.Closure.choices)
    card_dimensions = [tally.ALL, tally.CLOSED_ON, tally.FOLLOWED_UP_ON]
    category_dimensions = [f"category:{pk}" for pk in names]
    mix_dimensions = [f"path:{value}" for value in paths] + [f"closure:{value}" for value in closures]
    rows = CaseTally.objects.filter(rollup="v", division=village, grain="m").filter(
        Q(period=this_month, dimension__in=card_dimensions)
        | Q(period__gte=first, dimension__in=category_dimensions, intake__gt=0)
        | Q(dimension__in=mix_dimensions)
    ).values_list("period", "dimension", "intake", "closed", "followed_up", "satisfied")
    cards = {"intake": 0, "closed": 0, "followed_up": 0, "satisfied": 0}
    labels, month = [], first
    while month <= today:
        labels.append(month.strftime("%Y-%m"))
        month = (month + timedelta(days=32)).replace(day=1)
    series: dict[str, list[int]] = {}
    mix: dict[str, int] = {}
    for period, dimension, intake, closed, followed_up, satisfied in rows:
        if dimension == tally.ALL:
            cards["intake"] = intake
        elif dimension == tally.CLOSED_ON:
            cards["closed"] = closed
        elif dimension == tally.FOLLOWED_UP_ON:
            cards["followed_up"], cards["satisfied"] = followed_up, satisfied
        elif dimension.startswith("category:"):
            values = series.setdefault(names[int(dimension.split(":", 1)[1])], [0] * len(labels))
            key = period.strftime("%Y-%m")
            if key in labels:
                values[labels.index(key)] += intake
        else:
            mix[dimension] = mix.get(dimension, 0) + intake
    return {
        "cards": cards,
        "intake_chart": {
            "months": labels, "series": [{"name": name, "data": data} for name, data in sorted(series.items())]
        },
        "mix_chart": {
            "titles": {"paths": str(_("办理路径")), "closures": str(_("结束方式"))},
            "paths": [{"name": str(label), "value": mix[f"path:{value}"]} for value, label in paths.items()
                      if mix.get(f"path:{value}")],
            "closures": [{"name": str(label), "value": mix[f"closure:{value}"]} for value, label in closures.items()
                         if mix.get(f"closure:{value}")],
        },
    }


def recent_cases_by(user, limit: int = 15) -> list[Case]:
    """The cases a cadre registered most recently."""
    cases = Case.objects.visible_to(user).filter(registered_by=user).select_related("category")
    return list(cases.order_by("-registered_at")[:limit])


# --- the town ----------------------------------------------------------------------------------------


def escalated_inbox(town: Division) -> list[Case]:
    cases = held_open(town).select_related("division").only("division__name", *CASE_ITEM)
    return list(cases.order_by("resolution_due")[:LIST_LIMIT])


def open_transfers_to(town: Division) -> list[Transfer]:
    transfers = Transfer.objects.filter(department__division=town, feedback_at__isnull=True)
    transfers = transfers.select_related("case", "department")
    transfers = transfers.only("feedback_due", "department__name", *_case_item("case"))
    return list(transfers.order_by("feedback_due")[:LIST_LIMIT])


def summonses_to(town: Division, period: Period) -> QuerySet[Summons]:
    """Every summons of the town's departments from whistles blown in the period (for the export)."""
    start, end = period.bounds
    summonses = Summons.objects.filter(
        department__division=town, whistle__blown_at__gte=start, whistle__blown_at__lt=end
    ).select_related("whistle__case", "department")
    return summonses.order_by("-whistle__blown_at", "pk")


def whistles_to(town: Division) -> list[Summons]:
    summonses = Summons.objects.filter(department__division=town).select_related("whistle__case", "department")
    return list(summonses.only(*_SUMMONS_ITEM).order_by("-whistle__blown_at", "pk")[:LIST_LIMIT])


# --- departments ---------------------------------------------------------------------------------------


def department_ranking(period: Period) -> list[Department]:
    """Departments summoned in the period: average report-in time, late report-ins, average rating.

    Read from the department counters (cases/tally_departments.py): the rows of the whole months and the edge
    days of the period, keyed by the day the whistle was blown. Two queries whatever the data.
    """
    sums = {name: Sum(name) for name in DEPARTMENT_FIELDS}
    average_us = Cast(F("delay_us"), FloatField()) / NullIf(F("reported"), 0)
    rows = (
        DepartmentTally.objects.filter(period_rows(period)).values("department_id")
        .annotate(**sums).annotate(average_us=average_us).filter(summoned__gt=0)
        .order_by(F("average_us").asc(nulls_last=True), "department__name")[:100]
    )  # fmt: skip
    rows = list(rows)
    found = Department.objects.select_related("division").in_bulk([row["department_id"] for row in rows])
    departments = []
    for row in rows:
        department = found[row["department_id"]]
        department.summoned, department.reported, department.late = row["summoned"], row["reported"], row["late"]
        department.average_delay = (
            timedelta(microseconds=row["delay_us"] / row["reported"]) if row["reported"] else None
        )
        department.average_rating = row["rating_sum"] / row["rated"] if row["rated"] else None
        departments.append(department)
    return departments


def villages_of(town: Division) -> QuerySet[Division]:
    return Division.objects.filter(parent=town, level=Level.VILLAGE).order_by("code")


def towns() -> QuerySet[Division]:
    return Division.objects.filter(level=Level.TOWN).order_by("code")


def cases_of_village(village: Division, period: Period) -> QuerySet[Case]:
    return cases_in(period).filter(division=village).select_related("category").order_by("-registered_at", "-id")
