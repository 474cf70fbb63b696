from django.contrib import admin

from .models import Case, CaseEvent, Category, HolidayOverride


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "active", "sort_order"]
    list_editable = ["active", "sort_order"]


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "note"]
    date_hierarchy = "date"


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "kind", "actor", "level", "from_status", "to_status", "note", "data", "automatic"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only in the admin: cases change only through the services and their timeline."""

    list_display = ["number", "title", "division", "level", "status", "category", "registered_at"]
    list_filter = ["status", "level", "source", "category"]
    search_fields = ["number", "title", "hotline_order_no"]
    list_select_related = ["division", "category"]
    inlines = [CaseEventInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
