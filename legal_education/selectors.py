"""Scoped reads of legal education, and the district's summaries (a fixed number of queries whatever the size)."""

from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from pinggu_center.models import Center, User
from pinggu_center.scopes import division_filter, visible_centers

from .models import (
    MIN_LIAISONS_PER_VILLAGE,
    ActivityKind,
    ActivityPhoto,
    LegalActivity,
    LegalLiaison,
    VillageLegalReport,
)

CENTER_DIVISION = "center__division"


def visible_activities(user: User) -> QuerySet[LegalActivity]:
    return LegalActivity.objects.filter(division_filter(user, CENTER_DIVISION)).select_related(
        "center", "center__division", "team"
    )


def visible_liaisons(user: User) -> QuerySet[LegalLiaison]:
    return LegalLiaison.objects.filter(division_filter(user, CENTER_DIVISION)).select_related("center", "member")


def visible_reports(user: User) -> QuerySet[VillageLegalReport]:
    return VillageLegalReport.objects.filter(division_filter(user, CENTER_DIVISION)).select_related("center")


def get_activity_for_user(user: User, activity_id: int) -> LegalActivity:
    return get_object_or_404(visible_activities(user), pk=activity_id)


def get_photo_for_user(user: User, photo_id: int) -> ActivityPhoto:
    photos = ActivityPhoto.objects.filter(division_filter(user, f"activity__{CENTER_DIVISION}"))
    return get_object_or_404(photos, pk=photo_id)


def get_liaison_for_user(user: User, liaison_id: int) -> LegalLiaison:
    return get_object_or_404(visible_liaisons(user), pk=liaison_id)


def get_report_for_user(user: User, report_id: int) -> VillageLegalReport:
    return get_object_or_404(visible_reports(user), pk=report_id)


def _with_micro_class(centers: QuerySet[Center], year: int) -> QuerySet[Center]:
    held = LegalActivity.objects.filter(center=OuterRef("pk"), kind=ActivityKind.MICRO_CLASS, held_on__year=year)
    return centers.annotate(covered=Exists(held))


def _with_liaison_count(centers: QuerySet[Center]) -> QuerySet[Center]:
    active = (
        LegalLiaison.objects.filter(center=OuterRef("pk"), retired_on__isnull=True)
        .order_by()
        .values("center")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return centers.annotate(liaisons=Coalesce(Subquery(active, output_field=IntegerField()), Value(0)))


def _by_town(centers: QuerySet[Center], **counts) -> list[dict]:
    rows = (
        centers.order_by()
        .values("division__parent_id", "division__parent__name", "division__parent__code")
        .annotate(villages=Count("pk"), **counts)
        .order_by("division__parent__code")
    )
    return [
        {"town_id": row["division__parent_id"], "town": row["division__parent__name"], **row} for row in rows
    ]


def coverage_by_town(user: User, *, year: int) -> list[dict]:
    """Per town: villages, villages with a 法治微课堂 this year, and the rate (one query)."""
    rows = _by_town(_with_micro_class(visible_centers(user), year), covered_count=Count("pk", filter=Q(covered=True)))
    for row in rows:
        row["rate"] = round(100 * row["covered_count"] / row["villages"], 1) if row["villages"] else 0.0
    return rows


def uncovered_centers(user: User, *, year: int, town_id: int | None = None) -> QuerySet[Center]:
    """Villages with no 法治微课堂 in the year, for a paginated list."""
    centers = _with_micro_class(visible_centers(user), year).filter(covered=False)
    if town_id is not None:
        centers = centers.filter(division__parent_id=town_id)
    return centers.order_by("division__code")


def liaisons_by_town(user: User) -> list[dict]:
    """Per town: villages, and villages with fewer than three active 法律明白人 (one query)."""
    centers = _with_liaison_count(visible_centers(user))
    return _by_town(centers, short_count=Count("pk", filter=Q(liaisons__lt=MIN_LIAISONS_PER_VILLAGE)))


def centers_with_liaison_counts(user: User, *, short_only: bool, town_id: int | None = None) -> QuerySet[Center]:
    centers = _with_liaison_count(visible_centers(user))
    if short_only:
        centers = centers.filter(liaisons__lt=MIN_LIAISONS_PER_VILLAGE)
    if town_id is not None:
        centers = centers.filter(division__parent_id=town_id)
    return centers.order_by("liaisons", "division__code")


def overview_counts(user: User, *, year: int) -> dict:
    """The numbers on the legal-education front page: one grouped query, summed over the towns."""
    centers = _with_liaison_count(_with_micro_class(visible_centers(user), year))
    reports = VillageLegalReport.objects.filter(center=OuterRef("pk"), report_date__year=year)
    rows = _by_town(
        centers.annotate(has_report=Exists(reports)),
        covered=Count("pk", filter=Q(covered=True)),
        short=Count("pk", filter=Q(liaisons__lt=MIN_LIAISONS_PER_VILLAGE)),
        reported=Count("pk", filter=Q(has_report=True)),
    )
    return {key: sum(row[key] for row in rows) for key in ("villages", "covered", "short", "reported")}
