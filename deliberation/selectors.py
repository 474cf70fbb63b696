"""Scoped reads of deliberation; every queryset goes through pinggu_center.scopes."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

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
    """The meeting's topics with their vote and resolution (one query)."""
    return meeting.topics.select_related("vote", "resolution")


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
