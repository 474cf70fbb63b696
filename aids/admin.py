from django.contrib import admin

from .models import RiskWord


@admin.register(RiskWord)
class RiskWordAdmin(admin.ModelAdmin):
    """The district's word list for the escalation-risk rule (threats, self-harm, fighting, collective petition)."""

    list_display = ["word", "kind", "active"]
    list_filter = ["kind", "active"]
    list_editable = ["active"]
    search_fields = ["word"]
