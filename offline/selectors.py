"""What a cadre's phone keeps for work without signal: the pages to cache and the own village's households."""

from __future__ import annotations

from math import ceil

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from pinggu_center.models import User
from visits.models import Household

# Who works in the field with the offline pages: the village's own people, who register cases and visits.
OFFLINE_ROLES = {User.Role.VILLAGE_DIRECTOR, User.Role.VILLAGE_STAFF}
HOUSEHOLD_PAGE_SIZE = 50  # the household list's page size
MAX_HOUSEHOLD_PAGES = 40
MAX_HOUSEHOLDS = HOUSEHOLD_PAGE_SIZE * MAX_HOUSEHOLD_PAGES


def offline_enabled(user: User) -> bool:
    return user.is_authenticated and user.role in OFFLINE_ROLES and user.division_id is not None


def own_households(user: User) -> QuerySet[Household]:
    """The households of the user's own village only — never a neighbour's, whatever the user's scope."""
    return Household.objects.visible_to(user).filter(division_id=user.division_id)


def field_paths() -> list[str]:
    """The pages (by path prefix) a cadre may open without signal: kept ones from the phone, others "not kept"."""
    return [
        reverse("dashboards:cadre_home"),
        reverse("cases:case_create"),
        reverse("visits:visit_create"),
        reverse("offline:drafts"),
    ]


def household_paths() -> list[str]:
    """Cached pages under these paths show households; the phone drops them after OFFLINE_HOUSEHOLD_MAX_AGE_DAYS."""
    return [reverse("visits:visit_create"), reverse("offline:households")]


def precache_urls(user: User) -> list[str]:
    """The pages a cadre needs in the field, cached after one visit online (forms carry the categories)."""
    intake = reverse("cases:case_create")
    visit = reverse("visits:visit_create")
    urls = [
        reverse("dashboards:cadre_home"),
        intake,
        f"{intake}?source=grid",
        visit,
        reverse("offline:drafts"),
        reverse("offline:unavailable"),
        reverse("offline:households"),
    ]
    households = own_households(user)
    household_list = reverse("visits:household_list")
    pages = min(ceil(households.count() / HOUSEHOLD_PAGE_SIZE), MAX_HOUSEHOLD_PAGES)
    urls += [household_list + (f"?page={number}" if number > 1 else "") for number in range(1, pages + 1)]
    first = households.order_by("pk").values_list("pk", flat=True).first()
    if first is not None:
        # One visit form stands for all: the page fills in the household chosen offline (see offline.js).
        urls.append(f"{visit}?household={first}")
    return urls


def household_max_age_ms() -> int:
    return settings.OFFLINE_HOUSEHOLD_MAX_AGE_DAYS * 24 * 3600 * 1000
