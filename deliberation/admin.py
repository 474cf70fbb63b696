from django.contrib import admin

from pinggu_center.admin import ReadOnlyAdmin

from .models import CenterDocument, MajorMatter, MatterStepRecord, Meeting, Resolution, Topic, Vote


# Deliberation records change only through services, which check the rules and write the audit log.
@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "center", "held_at", "eligible_count", "present_count"]
    list_filter = ["kind"]
    search_fields = ["title", "center__name"]
    list_select_related = ["center"]


@admin.register(Topic)
class TopicAdmin(ReadOnlyAdmin):
    list_display = ["title", "meeting", "position"]
    list_select_related = ["meeting"]


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ["topic", "votes_for", "votes_against", "abstentions", "recorded_at"]


@admin.register(Resolution)
class ResolutionAdmin(ReadOnlyAdmin):
    list_display = ["topic", "adopted", "published_at"]
    list_filter = ["adopted"]


@admin.register(MajorMatter)
class MajorMatterAdmin(ReadOnlyAdmin):
    list_display = ["title", "center", "current_step", "created_at"]
    list_filter = ["current_step"]


@admin.register(MatterStepRecord)
class MatterStepRecordAdmin(ReadOnlyAdmin):
    list_display = ["matter", "step", "done_on", "recorded_by"]


@admin.register(CenterDocument)
class CenterDocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "center", "adopted_on", "uploaded_at"]
    list_filter = ["kind"]
