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
    if division is None:
        ids: list[int] | None = []
    elif division.level == Level.DISTRICT:
        ids = None
    elif division.level == Level.TOWN:
        ids = [division.pk, *Division.objects.filter(parent_id=division.pk).values_list("pk", flat=True)]
    else:
        ids = [division.pk]
    user._scope_division_ids = ids
    return ids


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
