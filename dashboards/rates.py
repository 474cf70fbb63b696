"""The review rates, computed in SQL by conditional aggregation, grouped by town or by village.

Every rate is a pair of counts (numerator, denominator) taken over the cases REGISTERED in the chosen
date range and the chosen divisions; the division of the ratio happens in SQL too (NULL when the
denominator is 0, shown as "—"). The definitions are in docs/rates.md and next to each table ("口径").
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, FloatField, Q, QuerySet, Value
from django.db.models.functions import Cast, NullIf
from django.utils import timezone

from cases.models import Case, FollowUp
from pinggu_center.models import Level

GOOD = [FollowUp.Satisfaction.SATISFIED, FollowUp.Satisfaction.BASICALLY]

# name → (numerator key, denominator key)
RATES = {
    "response_rate": ("responded_in_time", "response_judged"),
    "resolution_rate": ("resolved", "archived"),
    "satisfaction_rate": ("satisfied", "followed_up"),
    "village_rate": ("closed_in_village", "closed"),
    "escalation_rate": ("escalated", "intake"),
}


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """[start 00:00, the day after end 00:00) in local time."""
        tz = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tz),
            datetime.combine(self.end + timedelta(days=1), time.min, tz),
        )


def this_year() -> Period:
    today = timezone.localdate()
    return Period(date(today.year, 1, 1), today)


def cases_in(period: Period) -> QuerySet[Case]:
    start, end = period.bounds
    return Case.objects.filter(registered_at__gte=start, registered_at__lt=end)


def _counts(now: datetime) -> dict:
    closed = Q(status=Case.Status.CLOSED)
    return {
        "intake": Count("pk"),
        # A case still inside its response window and not yet responded to is not judged yet.
        "response_judged": Count(
            "pk", filter=Q(response_due__isnull=False) & (Q(responded_at__isnull=False) | Q(response_due__lt=now))
        ),
        "responded_in_time": Count("pk", filter=Q(response_due__isnull=False, responded_at__lte=F("response_due"))),
        "archived": Count("pk", filter=closed & Q(closure=Case.Closure.ARCHIVE)),
        "resolved": Count("pk", filter=closed & Q(closure=Case.Closure.ARCHIVE, outcome=Case.Outcome.RESOLVED)),
        # Case.satisfaction is the latest follow-up's answer, kept by record_follow_up.
        "followed_up": Count("pk", filter=~Q(satisfaction="")),
        "satisfied": Count("pk", filter=Q(satisfaction__in=GOOD)),
        "closed": Count("pk", filter=closed),
        "closed_in_village": Count("pk", filter=closed & Q(level=Level.VILLAGE)),
        "escalated": Count("pk", filter=Q(escalated_at__isnull=False)),
        "overdue": Count("pk", filter=~closed & Q(resolution_due__lt=now)),
    }


def _ratios() -> dict:
    return {
        name: Cast(F(numerator), FloatField()) * Value(100.0) / NullIf(Cast(F(denominator), FloatField()), Value(0.0))
        for name, (numerator, denominator) in RATES.items()
    }


def rates_by(cases: QuerySet[Case], group: str) -> dict[int, dict]:
    """One query: {group id: counts and rates} for `group` = "division_id" (village) or "division__parent_id" (town)."""
    now = timezone.now()
    rows = cases.order_by().values(group_id=F(group)).annotate(**_counts(now)).annotate(**_ratios())
    return {row["group_id"]: row for row in rows}


def rates_total(cases: QuerySet[Case]) -> dict:
    """One query: the same counts and rates over all of `cases`."""
    now = timezone.now()
    rows = (
        cases.order_by()
        .annotate(everything=Value(1))
        .values("everything")
        .annotate(**_counts(now))
        .annotate(**_ratios())
    )
    return next(iter(rows), None) or empty_rates()


@functools.cache
def _count_names() -> tuple[str, ...]:
    return tuple(_counts(timezone.now()))


def empty_rates() -> dict:
    row = dict.fromkeys(_count_names(), 0)
    row.update(dict.fromkeys(RATES))
    return row


def with_rates(divisions, rates: dict[int, dict]) -> list[dict]:
    """Every division as a row, with zeros where it had no case."""
    return [{"division": division, **(rates.get(division.pk) or empty_rates())} for division in divisions]
