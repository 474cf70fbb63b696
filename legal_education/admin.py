from django.contrib import admin

from .models import ActivityPhoto, LegalActivity, LegalLiaison, LegalTeam, LiaisonTraining, VillageLegalReport


@admin.register(LegalTeam)
class LegalTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "lead_unit", "member_count", "active"]
    list_filter = ["active"]


@admin.register(LegalActivity)
class LegalActivityAdmin(admin.ModelAdmin):
    list_display = ["topic", "kind", "center", "team", "held_on", "attendance"]
    list_filter = ["kind", "team"]
    search_fields = ["topic", "center__name"]
    list_select_related = ["center", "team"]
    readonly_fields = ["created_by", "created_at"]


@admin.register(ActivityPhoto)
class ActivityPhotoAdmin(admin.ModelAdmin):
    list_display = ["activity", "uploaded_at"]


@admin.register(LegalLiaison)
class LegalLiaisonAdmin(admin.ModelAdmin):
    list_display = ["name", "center", "appointed_on", "retired_on"]
    search_fields = ["name", "center__name"]
    list_select_related = ["center"]
    raw_id_fields = ["center", "member"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # liaisons retire; their training records stay


@admin.register(LiaisonTraining)
class LiaisonTrainingAdmin(admin.ModelAdmin):
    list_display = ["liaison", "trained_on", "topic", "hours"]


@admin.register(VillageLegalReport)
class VillageLegalReportAdmin(admin.ModelAdmin):
    list_display = ["title", "center", "report_date", "author"]
