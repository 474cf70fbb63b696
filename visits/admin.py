from django.contrib import admin

from .models import CadreAssessment, Household, Visit, WeeklyQuotaResult


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["head_name", "address", "division", "members_count"]
    search_fields = ["head_name", "address"]
    list_select_related = ["division"]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["household", "visited_on", "mode", "needs_action"]
    list_select_related = ["household"]
    raw_id_fields = ["household", "case"]


@admin.register(WeeklyQuotaResult)
class WeeklyQuotaResultAdmin(admin.ModelAdmin):
    list_display = ["member", "week_start", "households_visited", "quota", "met"]


@admin.register(CadreAssessment)
class CadreAssessmentAdmin(admin.ModelAdmin):
    list_display = ["member", "period", "score", "assessed_by"]
