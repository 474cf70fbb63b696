"""Meetings: recording, voting at the quorum's edges, the public notice, and scope."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation.models import Meeting, MeetingKind, Resolution, Topic, Vote
from deliberation.services import DeliberationError, record_vote
from tests.rules import refused

from .factories import MeetingFactory, TopicFactory

pytestmark = pytest.mark.django_db

VOTE = {"votes_for": 15, "votes_against": 3, "abstentions": 2, "resolution_text": "同意硬化村东主路。"}


def test_director_records_a_representatives_meeting(org, director, client_for):
    held = timezone.localtime() - timedelta(hours=2)
    response = client_for(director).post(
        reverse("deliberation:meeting_create"),
        {
            "center": org.center.pk,
            "kind": MeetingKind.REPRESENTATIVES,
            "title": "2026年第四次村民代表会议",
            "notice_date": (held.date() - timedelta(days=3)).isoformat(),
            "held_at": held.strftime("%Y-%m-%dT%H:%M"),
            "eligible_count": 30,
            "present_count": 20,
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == meeting.get_absolute_url()
    assert meeting.center == org.center and meeting.created_by == director and meeting.quorum_met


def test_more_present_than_eligible_is_a_400(org, director, client_for):
    held = timezone.localtime()
    response = client_for(director).post(
        reverse("deliberation:meeting_create"),
        {
            "center": org.center.pk, "kind": MeetingKind.VILLAGER, "title": "村民会议",
            "notice_date": held.date().isoformat(), "held_at": held.strftime("%Y-%m-%dT%H:%M"),
            "eligible_count": 10, "present_count": 11,
        },
    )
    assert response.status_code == 400
    assert "实到人数不能多于应到人数" in response.content.decode()
    assert not Meeting.objects.exists()


def test_cannot_record_a_meeting_for_another_village(org, director, client_for):
    held = timezone.localtime()
    response = client_for(director).post(
        reverse("deliberation:meeting_create"),
        {
            "center": org.other_center.pk, "kind": MeetingKind.COMMITTEE, "title": "越权", "notice_date": held.date().isoformat(),
            "held_at": held.strftime("%Y-%m-%dT%H:%M"), "eligible_count": 5, "present_count": 5,
        },
    )
    assert response.status_code == 400
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("eligible", "present", "votes_for", "adopted"),
    [
        (30, 20, 11, True),  # exactly two thirds present; 11 of 20 is a majority
        (30, 20, 10, False),  # a tie: half of those present is not a majority
        (31, 21, 11, True),
    ],
)
def test_vote_at_quorate_meeting(org, director, eligible, present, votes_for, adopted):
    topic = TopicFactory(meeting=MeetingFactory(center=org.center, eligible_count=eligible, present_count=present))
    resolution = record_vote(
        topic_id=topic.pk, actor=director, votes_for=votes_for, votes_against=present - votes_for, abstentions=0,
        resolution_text="决议",
    )
    assert resolution.adopted is adopted
    assert len(resolution.public_token) >= 20


@pytest.mark.parametrize(
    ("kind", "eligible", "present", "rule"),
    [
        (MeetingKind.REPRESENTATIVES, 30, 19, "三分之二以上的组成人员参加"),
        (MeetingKind.VILLAGER, 100, 50, "十八周岁以上村民过半数参加"),
        (MeetingKind.HOUSEHOLD, 90, 59, "三分之二以上的户的代表参加"),
    ],
)
def test_resolution_without_quorum_is_refused_with_the_rule(org, director, client_for, kind, eligible, present, rule):
    meeting = MeetingFactory(center=org.center, kind=kind, eligible_count=eligible, present_count=present)
    topic = TopicFactory(meeting=meeting)
    response = client_for(director).post(
        reverse("deliberation:topic_vote", args=[topic.pk]), {**VOTE, "votes_for": 10}, follow=True
    )
    page = response.content.decode()
    assert "此会议未达到法定人数" in page and rule in page
    assert f"应到 {eligible} 人，实到 {present} 人" in page
    assert not Vote.objects.exists() and not Resolution.objects.exists()


def test_villager_meeting_without_ten_days_notice_cannot_resolve(org, director):
    held = timezone.now() - timedelta(days=1)
    meeting = MeetingFactory(
        center=org.center, kind=MeetingKind.VILLAGER, eligible_count=100, present_count=60, held_at=held,
        notice_date=timezone.localdate(held) - timedelta(days=9),
    )
    with refused("notice_too_late", DeliberationError):
        record_vote(topic_id=TopicFactory(meeting=meeting).pk, actor=director, **VOTE)


def test_a_topic_is_voted_once(org, director):
    topic = TopicFactory(meeting=MeetingFactory(center=org.center))
    record_vote(topic_id=topic.pk, actor=director, **VOTE)
    with refused("already_voted", DeliberationError):
        record_vote(topic_id=topic.pk, actor=director, **VOTE)
    assert Vote.objects.count() == 1


def test_more_votes_than_present_are_refused(org, director):
    topic = TopicFactory(meeting=MeetingFactory(center=org.center, eligible_count=30, present_count=20))
    with refused("votes_exceed_present", DeliberationError):
        record_vote(topic_id=topic.pk, actor=director, votes_for=15, votes_against=5, abstentions=1, resolution_text="x")


def test_negative_votes_are_a_400(org, director, client_for):
    topic = TopicFactory(meeting=MeetingFactory(center=org.center))
    response = client_for(director).post(reverse("deliberation:topic_vote", args=[topic.pk]), {**VOTE, "votes_for": -1})
    assert response.status_code == 400


def test_public_notice_needs_no_login_and_shows_no_people(org, director, client):
    meeting = MeetingFactory(center=org.center, chaired_by="王德明")
    topic = TopicFactory(meeting=meeting, title="村东主路硬化")
    resolution = record_vote(topic_id=topic.pk, actor=director, **VOTE)
    response = client.get(reverse("deliberation:resolution_notice", args=[resolution.public_token]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "村东主路硬化" in page and "同意硬化村东主路。" in page and "西凡各庄村" in page
    assert "王德明" not in page and director.username not in page and director.get_full_name() not in page
    assert client.get(reverse("deliberation:resolution_notice", args=["guess"])).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_public_notice_only_answers_reads(org, director, client, method):
    resolution = record_vote(topic_id=TopicFactory(meeting=MeetingFactory(center=org.center)).pk, actor=director,
                             **VOTE)
    url = reverse("deliberation:resolution_notice", args=[resolution.public_token])
    response = getattr(client, method)(url)
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
    assert client.head(url).status_code == 200


def test_another_villages_meeting_is_a_404(org, other_director, client_for):
    meeting = MeetingFactory(center=org.center)
    topic = TopicFactory(meeting=meeting)
    client = client_for(other_director)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert client.get(reverse("deliberation:topic_vote", args=[topic.pk])).status_code == 404
    assert client.post(reverse("deliberation:topic_create", args=[meeting.pk]), {"title": "x"}).status_code == 404
    assert not Topic.objects.filter(title="x").exists()


def test_list_shows_own_meetings_and_filters(org, director, town_user, client_for):
    MeetingFactory(center=org.center, title="本村会议", kind=MeetingKind.COMMITTEE)
    MeetingFactory(center=org.other_center, title="外村会议")
    page = client_for(director).get(reverse("deliberation:meeting_list")).content.decode()
    assert "本村会议" in page and "外村会议" not in page
    filtered = client_for(town_user).get(reverse("deliberation:meeting_list"), {"kind": MeetingKind.VILLAGER})
    assert "本村会议" not in filtered.content.decode()
    assert client_for(town_user).get(reverse("deliberation:meeting_list"), {"kind": "nope"}).status_code == 400


def test_auditor_cannot_vote(org, auditor):
    topic = TopicFactory(meeting=MeetingFactory(center=org.center))
    with refused("not_allowed", DeliberationError):
        record_vote(topic_id=topic.pk, actor=auditor, **VOTE)


def _villager_meeting_post(org, *, notice_days: int, present: int, **extra) -> dict:
    held = timezone.localtime() - timedelta(hours=2)
    return {
        "center": org.center.pk, "kind": MeetingKind.VILLAGER, "title": "村民会议",
        "notice_date": (held.date() - timedelta(days=notice_days)).isoformat(),
        "held_at": held.strftime("%Y-%m-%dT%H:%M"), "eligible_count": 100, "present_count": present, **extra,
    }


def test_short_notice_is_warned_at_creation_before_any_topic(org, director, client_for):
    client = client_for(director)
    url = reverse("deliberation:meeting_create")
    warned = client.post(url, _villager_meeting_post(org, notice_days=9, present=60))
    html = warned.content.decode()
    assert warned.status_code == 400 and not Meeting.objects.exists()
    assert "未按规定提前通知" in html and "本次提前 9 天" in html and 'type="checkbox" name="record_anyway"' in html

    recorded = client.post(url, _villager_meeting_post(org, notice_days=9, present=60, record_anyway="on"), follow=True)
    meeting = Meeting.objects.get()
    assert not meeting.may_resolve
    page = recorded.content.decode()
    assert "已标记为“不能作出决议”" in page and 'data-testid="cannot-resolve"' in page
    topic = TopicFactory(meeting=meeting)
    detail = client.get(meeting.get_absolute_url()).content.decode()
    assert reverse("deliberation:topic_vote", args=[topic.pk]) not in detail  # no votes typed for nothing


def test_missing_quorum_is_warned_at_creation(org, director, client_for):
    warned = client_for(director).post(reverse("deliberation:meeting_create"),
                                       _villager_meeting_post(org, notice_days=12, present=40))
    assert warned.status_code == 400 and "未达到法定人数" in warned.content.decode()


def test_a_lawful_meeting_is_recorded_without_a_warning(org, director, client_for):
    response = client_for(director).post(reverse("deliberation:meeting_create"),
                                         _villager_meeting_post(org, notice_days=10, present=51))
    assert response.status_code == 302 and Meeting.objects.get().may_resolve
