"""A topic can come from a case or a visit of the same village, and both sides reach the link."""

import pytest
from django.urls import reverse

from deliberation.models import Topic
from deliberation.selectors import topics_for_case, topics_for_visit
from deliberation.services import DeliberationError, add_topic
from tests.cases.factories import CaseFactory
from tests.rules import refused
from tests.visits.factories import HouseholdFactory, VisitFactory

from .factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_topic_from_a_case_by_its_number(org, director, client_for):
    meeting = MeetingFactory(center=org.center)
    case = CaseFactory(center=org.center)
    response = client_for(director).post(
        reverse("deliberation:topic_create", args=[meeting.pk]), {"title": "宅基地边界统一划定", "source_case": case.number}
    )
    assert response.status_code == 302
    topic = Topic.objects.get()
    assert topic.source_case == case
    assert list(case.deliberation_topics.all()) == [topic]
    assert list(topics_for_case(director, case)) == [topic]
    assert case.number in client_for(director).get(meeting.get_absolute_url()).content.decode()


def test_another_villages_case_number_is_a_400(org, director, client_for):
    meeting = MeetingFactory(center=org.center)
    foreign = CaseFactory(center=org.other_center)
    response = client_for(director).post(
        reverse("deliberation:topic_create", args=[meeting.pk]), {"title": "x", "source_case": foreign.number}
    )
    assert response.status_code == 400 and "本村没有编号为" in response.content.decode()
    assert not Topic.objects.exists()


def test_topic_from_a_visit(org, director):
    meeting = MeetingFactory(center=org.center)
    visit = VisitFactory(household=HouseholdFactory(division=org.village), raised="村东路灯不亮")
    topic = add_topic(meeting=meeting, actor=director, title="村东路灯维修", source_visit=visit)
    assert list(topics_for_visit(director, visit)) == [topic]
    other_visit = VisitFactory(household=HouseholdFactory(division=org.other_village), raised="x")
    with refused("visit_of_other_village", DeliberationError):
        add_topic(meeting=meeting, actor=director, title="y", source_visit=other_visit)
