"""Factories for deliberation; the organisation's own come from tests/factories.py."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from deliberation.models import MajorMatter, Meeting, MeetingKind, Topic
from tests.factories import CenterFactory


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    center = factory.SubFactory(CenterFactory)
    kind = MeetingKind.REPRESENTATIVES
    title = factory.Sequence(lambda n: f"第{n}次村民代表会议")
    held_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    notice_date = factory.LazyAttribute(lambda o: timezone.localdate(o.held_at) - timedelta(days=12))
    venue = "村委会议室"
    eligible_count = 30
    present_count = 24


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"议题{n}：村内道路硬化")


class MajorMatterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MajorMatter

    center = factory.SubFactory(CenterFactory)
    title = factory.Sequence(lambda n: f"重大事项{n}：集体土地流转")
