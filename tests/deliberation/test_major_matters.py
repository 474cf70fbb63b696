"""四议两公开: each step in order; a skipped or repeated step is refused with a clear message."""

from datetime import date

import pytest
from django.urls import reverse

from deliberation.models import MajorMatter, MatterStep, MatterStepRecord, MeetingKind
from deliberation.services import DeliberationError, advance_major_matter, record_vote
from tests.rules import refused

from .factories import MajorMatterFactory, MeetingFactory, TopicFactory

pytestmark = pytest.mark.django_db

ORDER = MatterStep.ordered()


def _adopted_resolution(center, kind=MeetingKind.REPRESENTATIVES, actor=None):
    topic = TopicFactory(meeting=MeetingFactory(center=center, kind=kind, eligible_count=30, present_count=24))
    return record_vote(topic_id=topic.pk, actor=actor, votes_for=20, votes_against=2, abstentions=2, resolution_text="通过")


def _walk_to(matter, done: str | None, actor, resolution) -> None:
    for step in ORDER[: ORDER.index(done) + 1 if done else 0]:
        advance_major_matter(
            matter_id=matter.pk, actor=actor, step=step, done_on=date(2026, 10, 1), note="完成",
            resolution=resolution if step == MatterStep.RESOLUTION else None,
        )


@pytest.mark.parametrize(
    ("done", "attempt", "code"),
    [
        (None, MatterStep.PROPOSAL, None),
        (None, MatterStep.DISCUSSION, "step_skipped"),
        (None, MatterStep.RESULT_PUBLIC, "step_skipped"),
        (MatterStep.PROPOSAL, MatterStep.PROPOSAL, "step_repeated"),
        (MatterStep.PROPOSAL, MatterStep.DISCUSSION, None),
        (MatterStep.PROPOSAL, MatterStep.REVIEW, "step_skipped"),
        (MatterStep.DISCUSSION, MatterStep.REVIEW, None),
        (MatterStep.REVIEW, MatterStep.RESOLUTION, None),
        (MatterStep.REVIEW, MatterStep.RESOLUTION_PUBLIC, "step_skipped"),
        (MatterStep.REVIEW, MatterStep.DISCUSSION, "step_repeated"),
        (MatterStep.RESOLUTION, MatterStep.RESOLUTION_PUBLIC, None),
        (MatterStep.RESOLUTION_PUBLIC, MatterStep.RESULT_PUBLIC, None),
        (MatterStep.RESULT_PUBLIC, MatterStep.RESULT_PUBLIC, "matter_finished"),
    ],
)
def test_transition_table(org, director, done, attempt, code):
    resolution = _adopted_resolution(org.center, actor=director)
    matter = MajorMatterFactory(center=org.center)
    _walk_to(matter, done, director, resolution)
    before = MatterStepRecord.objects.count()
    call = lambda: advance_major_matter(  # noqa: E731
        matter_id=matter.pk, actor=director, step=attempt, done_on=date(2026, 10, 2), note="下一步",
        resolution=resolution if attempt == MatterStep.RESOLUTION else None,
    )
    if code is None:
        call()
        matter.refresh_from_db()
        assert matter.current_step == attempt
    else:
        with refused(code, DeliberationError):
            call()
        assert MatterStepRecord.objects.count() == before
        matter.refresh_from_db()
        assert matter.current_step == (done or "")


def test_resolution_step_needs_an_adopted_resolution_of_a_resolving_meeting(org, director):
    matter = MajorMatterFactory(center=org.center)
    _walk_to(matter, MatterStep.REVIEW, director, None)
    committee = _adopted_resolution(org.center, kind=MeetingKind.COMMITTEE, actor=director)
    foreign = _adopted_resolution(org.other_center, actor=director)
    for resolution, code in ((None, "resolution_required"), (committee, "resolution_not_valid"),
                             (foreign, "resolution_not_valid")):
        with refused(code, DeliberationError):
            advance_major_matter(
                matter_id=matter.pk, actor=director, step=MatterStep.RESOLUTION, done_on=date(2026, 10, 2), note="x",
                resolution=resolution,
            )
    assert MajorMatter.objects.get(pk=matter.pk).current_step == MatterStep.REVIEW


def test_a_step_cannot_be_dated_before_the_previous_one(org, director):
    matter = MajorMatterFactory(center=org.center)
    _walk_to(matter, MatterStep.PROPOSAL, director, None)
    with refused("date_before_previous_step", DeliberationError):
        advance_major_matter(
            matter_id=matter.pk, actor=director, step=MatterStep.DISCUSSION, done_on=date(2026, 9, 1), note="x"
        )


def test_skipping_through_the_page_shows_the_message(org, director, client_for):
    matter = MajorMatterFactory(center=org.center)
    response = client_for(director).post(
        reverse("deliberation:matter_advance", args=[matter.pk]),
        {"step": MatterStep.REVIEW, "done_on": "2026-10-01", "note": "跳步"},
        follow=True,
    )
    assert "不能跳过「提议（村党组织）」：四议两公开须依次进行。" in response.content.decode()
    assert not MatterStepRecord.objects.exists()


def test_cadre_cannot_advance_and_other_village_gets_404(org, cadre, other_director, client_for):
    matter = MajorMatterFactory(center=org.center)
    with refused("director_only", DeliberationError):
        advance_major_matter(matter_id=matter.pk, actor=cadre, step=MatterStep.PROPOSAL, done_on=date(2026, 10, 1), note="x")
    assert client_for(other_director).get(matter.get_absolute_url()).status_code == 404
    advance = reverse("deliberation:matter_advance", args=[matter.pk])
    assert client_for(other_director).post(advance, {"step": "proposal"}).status_code == 404
