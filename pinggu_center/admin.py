from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    AuditLog,
    Center,
    CenterChecklistItem,
    Department,
    Division,
    Member,
    Notification,
    Outbox,
    Role,
    SecondFactor,
    User,
)


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent", "abbr"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]


@admin.register(Center)
class CenterAdmin(admin.ModelAdmin):
    list_display = ["name", "division", "phone"]
    search_fields = ["name", "division__name"]
    list_select_related = ["division"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "visits_households", "sort_order"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "center", "title", "joined_on", "retired_on"]
    list_filter = ["roles", "retired_on"]
    search_fields = ["name", "center__name"]
    autocomplete_fields = ["center", "user"]
    filter_horizontal = ["roles"]
    list_select_related = ["center"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # members are retired, never deleted


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "division", "phone", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    list_select_related = ["division"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "role", "division", "department", "is_active"]
    list_filter = ["role", "is_active"]
    list_select_related = ["division", "department"]
    autocomplete_fields = ["division", "department"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("角色与范围"), {"fields": ("role", "division", "department", "phone")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("角色与范围"), {"fields": ("role", "division", "department")}),
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "action", "object_type", "object_id", "detail", "ip_address"]
    list_filter = ["action"]
    search_fields = ["username", "object_id", "detail"]
    date_hierarchy = "at"


@admin.register(Outbox)
class OutboxAdmin(ReadOnlyAdmin):
    list_display = ["id", "topic", "status", "attempts", "next_attempt_at", "created_at", "done_at", "last_error"]
    list_filter = ["status", "topic"]
    actions = ["retry"]

    @admin.action(description=_("重新投递所选消息"))
    def retry(self, request, queryset) -> None:
        try:
            count = services.retry_outbox_rows(ids=list(queryset.values_list("pk", flat=True)), actor=request.user)
        except services.DeliveryRuleError as error:
            self.message_user(request, str(error), level=messages.ERROR)
        else:
            self.message_user(request, _("已重新投递 %(count)d 条消息。") % {"count": count})


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "text", "created_at", "read_at"]


# 七有 checklist rows: changed through the center's checklist page (the service writes the audit row).
@admin.register(CenterChecklistItem)
class CenterChecklistItemAdmin(ReadOnlyAdmin):
    list_display = ["center", "item", "in_place_on", "updated_by", "updated_at"]
    list_filter = ["item"]
    search_fields = ["center__name"]
    list_select_related = ["center", "updated_by"]


@admin.register(SecondFactor)
class SecondFactorAdmin(admin.ModelAdmin):
    """An administrator who lost their phone is helped by deleting the row; the secret itself is never shown."""

    list_display = ["user", "confirmed_at"]
    fields = ["user", "confirmed_at"]
    readonly_fields = ["user", "confirmed_at"]

    def has_add_permission(self, request) -> bool:
        return False
