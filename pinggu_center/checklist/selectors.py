"""Scoped reads of the 七有 checklist; the district summaries take a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from ..models import Center, CenterChecklistItem, ChecklistItem, User
from ..scopes import division_filter, visible_centers

ITEM_COUNT = len(ChecklistItem.values)


def visible_items(user: User) -> QuerySet[CenterChecklistItem]:
    return CenterChecklistItem.objects.filter(division_filter(user, "center__division"))


def get_item_for_user(user: User, item_id: int) -> CenterChecklistItem:
    """A checklist row in the user's scope, or 404."""
    return get_object_or_404(visible_items(user), pk=item_id)


def with_done_count(centers: QuerySet[Center]) -> QuerySet[Center]:
    done = (
        CenterChecklistItem.objects.filter(center=OuterRef("pk"))
        .order_by()
        .values("center")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return centers.annotate(done=Coalesce(Subquery(done, output_field=IntegerField()), Value(0)))


def checklist_by_town(user: User) -> list[dict]:
    """Per town: villages, complete centers, and how many centers have each item (two queries)."""
    towns = (
        with_done_count(visible_centers(user))
        .order_by()
        .values("division__parent_id", "division__parent__name", "division__parent__code")
        .annotate(villages=Count("pk"), complete=Count("pk", filter=Q(done__gte=ITEM_COUNT)))
        .order_by("division__parent__code")
    )
    per_item = (
        visible_items(user).order_by().values("center__division__parent_id", "item").annotate(n=Count("pk"))
    )
    counts = {(row["center__division__parent_id"], row["item"]): row["n"] for row in per_item}
    rows = []
    for town in towns:
        town_id = town["division__parent_id"]
        rows.append(
            {
                "town_id": town_id,
                "town": town["division__parent__name"],
                "villages": town["villages"],
                "complete": town["complete"],
                "rate": round(100 * town["complete"] / town["villages"], 1) if town["villages"] else 0.0,
                "items": [counts.get((town_id, item), 0) for item in ChecklistItem.values],
            }
        )
    return rows


def centers_with_items(user: User, *, town_id: int | None = None, incomplete_only: bool = False) -> QuerySet[Center]:
    """Centers with their checklist rows prefetched (one query for the page, one for the rows)."""
    centers = with_done_count(visible_centers(user))
    if town_id is not None:
        centers = centers.filter(division__parent_id=town_id)
    if incomplete_only:
        centers = centers.filter(done__lt=ITEM_COUNT)
    rows = Prefetch("checklist_items", queryset=CenterChecklistItem.objects.order_by("item"))
    return centers.prefetch_related(rows).order_by("division__code")


def item_cells(center: Center) -> list[CenterChecklistItem | None]:
    """The center's seven cells in checklist order (None where missing); uses the prefetched rows."""
    by_item = {row.item: row for row in center.checklist_items.all()}
    return [by_item.get(item) for item in ChecklistItem.values]
