from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import CadreAssessment, Household, Visit, WeeklyQuotaResult


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["head_name", "address", "division", "members_count"]
    search_fields = ["head_name", "address"]
    list_select_related = ["division"]
    # Households are added through the app (create_household, the import), which counts them (visits/tally.py).
    readonly_fields = ["division", "last_visited_on"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Household | None = None) -> bool:
        return False


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["household", "visited_on", "mode", "needs_action"]
    list_select_related = ["household"]
    raw_id_fields = ["case"]
    # What the visit counters count is written only by record_visit (visits/tally.py).
    readonly_fields = ["household", "division", "visited_on", "category", "cadres"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Visit | None = None) -> bool:
        return False


@admin.register(WeeklyQuotaResult)
class WeeklyQuotaResultAdmin(admin.ModelAdmin):
    list_display = ["member", "week_start", "households_visited", "quota", "met"]


@admin.register(CadreAssessment)
class CadreAssessmentAdmin(admin.ModelAdmin):
    list_display = ["member", "period", "score", "assessed_by"]
