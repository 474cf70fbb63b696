"""The one place that decides which divisions a login may see.

Every app's `visible_to(user)` builds on `division_filter`; an object outside it is a 404.
"""

from __future__ import annotations

from django.db.models import Q

from .models import Center, Division, Level, User


def division_ids(user: User) -> list[int] | None:
    """The ids of the divisions in the user's subtree, or None for the whole district (no filter needed)."""
    cached = getattr(user, "_scope_division_ids", False)
    if cached is not False:
        return cached
    division = user.division if user.is_authenticated else None
    ids = [] if division is None else subtree_ids(division)
    user._scope_division_ids = ids
    return ids


def subtree_ids(division: Division) -> list[int] | None:
    """The ids of the division and the divisions under it, or None for the district (no filter needed)."""
    if division.level == Level.DISTRICT:
        return None
    if division.level == Level.TOWN:
        return [division.pk, *Division.objects.filter(parent_id=division.pk).values_list("pk", flat=True)]
    return [division.pk]


def division_filter(user: User, field: str = "division") -> Q:
    """A Q that keeps rows whose `field` (a Division foreign key) lies in the user's subtree."""
    ids = division_ids(user)
    if ids is None:
        return Q()
    if not ids:
        return Q(pk__in=[])
    return Q(**{f"{field}__in": ids})


def visible_divisions(user: User):
    ids = division_ids(user)
    divisions = Division.objects.all()
    return divisions if ids is None else divisions.filter(pk__in=ids)


def visible_centers(user: User):
    return Center.objects.filter(division_filter(user)).select_related("division", "division__parent")
