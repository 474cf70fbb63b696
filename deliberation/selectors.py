"""Scoped reads of deliberation; every queryset goes through pinggu_center.scopes."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from pinggu_center.models import User
from pinggu_center.scopes import division_filter

from .models import CenterDocument, MajorMatter, Meeting, Resolution, Topic

CENTER_DIVISION = "center__division"


def visible_meetings(user: User) -> QuerySet[Meeting]:
    return Meeting.objects.filter(division_filter(user, CENTER_DIVISION)).select_related(
        "center", "center__division"
    )


def visible_matters(user: User) -> QuerySet[MajorMatter]:
    return MajorMatter.objects.filter(division_filter(user, CENTER_DIVISION)).select_related("center")


def visible_documents(user: User) -> QuerySet[CenterDocument]:
    return CenterDocument.objects.filter(division_filter(user, CENTER_DIVISION)).select_related("center")


def get_meeting_for_user(user: User, meeting_id: int) -> Meeting:
    """A meeting in the user's scope, or 404."""
    return get_object_or_404(visible_meetings(user), pk=meeting_id)


def get_topic_for_user(user: User, topic_id: int) -> Topic:
    topics = Topic.objects.filter(division_filter(user, f"meeting__{CENTER_DIVISION}")).select_related(
        "meeting", "meeting__center"
    )
    return get_object_or_404(topics, pk=topic_id)


def get_matter_for_user(user: User, matter_id: int) -> MajorMatter:
    return get_object_or_404(visible_matters(user), pk=matter_id)


def get_document_for_user(user: User, document_id: int) -> CenterDocument:
    return get_object_or_404(visible_documents(user), pk=document_id)


def meeting_topics(meeting: Meeting) -> QuerySet[Topic]:
    """The meeting's topics with their vote, resolution and source (one query)."""
    return meeting.topics.select_related("vote", "resolution", "source_case", "source_visit__household")


SOURCE_VISIT_DAYS = 180


def topic_sources(user: User, meeting: Meeting) -> dict:
    """What a new topic of this meeting may come from: the village's cases and its recent visits, in scope."""
    from cases.models import Case
    from visits.models import Visit

    village_id = meeting.center.division_id
    since = timezone.localdate() - timedelta(days=SOURCE_VISIT_DAYS)
    return {
        "cases": Case.objects.visible_to(user).filter(division_id=village_id),
        "visits": Visit.objects.visible_to(user)
        .filter(division_id=village_id, visited_on__gte=since)
        .exclude(raised="")
        .select_related("household")
        .order_by("-visited_on", "-pk"),
    }


def topics_for_case(user: User, case) -> QuerySet[Topic]:
    """Meeting topics raised by a case, for the case's page (the link's other direction)."""
    return Topic.objects.filter(division_filter(user, f"meeting__{CENTER_DIVISION}"), source_case=case).select_related(
        "meeting", "resolution"
    )


def topics_for_visit(user: User, visit) -> QuerySet[Topic]:
    return Topic.objects.filter(division_filter(user, f"meeting__{CENTER_DIVISION}"), source_visit=visit).select_related(
        "meeting", "resolution"
    )


def adopted_resolutions(center_id: int) -> QuerySet[Resolution]:
    """Adopted resolutions of the center's resolving meetings, for the 决议 step of a major matter."""
    from .services import RESOLVING_KINDS

    return Resolution.objects.filter(
        topic__meeting__center_id=center_id, topic__meeting__kind__in=RESOLVING_KINDS, adopted=True
    ).select_related("topic", "topic__meeting")


def public_resolution(token: str) -> Resolution:
    """A resolution by its unguessable public key, or 404; public pages need no login."""
    resolutions = Resolution.objects.select_related("topic__meeting__center__division__parent", "topic__vote")
    return get_object_or_404(resolutions, public_token=token)
