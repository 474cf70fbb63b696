"""State changes of deliberation: meetings, topics, votes and resolutions, 四议两公开 steps, village rules."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from pinggu_center import audit
from pinggu_center.errors import RuleError
from pinggu_center.models import AuditLog, Center, User

from . import rules
from .models import (
    CenterDocument,
    MajorMatter,
    MatterStep,
    MatterStepRecord,
    Meeting,
    MeetingKind,
    Resolution,
    Topic,
    Vote,
)

RESOLVING_KINDS = {MeetingKind.VILLAGER, MeetingKind.HOUSEHOLD, MeetingKind.REPRESENTATIVES}


class DeliberationError(RuleError):
    """A deliberation step the rules do not allow; the message is shown to the user."""


def _require_writer(actor: User) -> None:
    if actor.is_read_only or actor.role == User.Role.DEPARTMENT_STAFF:
        raise DeliberationError(_("您没有登记议事的权限。"), code="not_allowed")


def _require_director(actor: User) -> None:
    if actor.is_read_only or not actor.is_director_or_above:
        raise DeliberationError(_("只有中心主任或上级可以推进重大事项。"), code="director_only")


@transaction.atomic
def record_meeting(*, center: Center, actor: User, data: dict[str, Any]) -> Meeting:
    """Record a meeting with its notice date and attendance; present never exceeds eligible."""
    _require_writer(actor)
    if data["present_count"] > data["eligible_count"]:
        raise DeliberationError(_("实到人数不能多于应到人数。"), code="present_exceeds_eligible")
    if data["notice_date"] > timezone.localdate(data["held_at"]):
        raise DeliberationError(_("通知日期不能晚于召开日期。"), code="notice_after_meeting")
    meeting = Meeting.objects.create(center=center, created_by=actor, **data)
    audit.record(AuditLog.Action.CHANGE, actor=actor, obj=meeting, detail=f"record meeting {meeting.title}")
    return meeting


def _check_sources(meeting: Meeting, source_case: Any, source_visit: Any) -> None:
    village_id = meeting.center.division_id
    if source_case is not None and source_case.division_id != village_id:
        raise DeliberationError(_("所选事项不属于本村，不能作为本会议的议题来源。"), code="case_of_other_village")
    if source_visit is not None and source_visit.division_id != village_id:
        raise DeliberationError(_("所选走访不属于本村，不能作为本会议的议题来源。"), code="visit_of_other_village")


@transaction.atomic
def add_topic(
    *,
    meeting: Meeting,
    actor: User,
    title: str,
    description: str = "",
    source_case: Any = None,
    source_visit: Any = None,
) -> Topic:
    """Add an agenda topic at the end of the meeting's list, optionally raised by a case or a visit of the village."""
    _require_writer(actor)
    _check_sources(meeting, source_case, source_visit)
    Meeting.objects.select_for_update().get(pk=meeting.pk)  # serialise positions
    last = meeting.topics.aggregate(last=Max("position"))["last"] or 0
    topic = Topic.objects.create(
        meeting=meeting,
        position=last + 1,
        title=title,
        description=description,
        source_case=source_case,
        source_visit=source_visit,
    )
    audit.record(AuditLog.Action.CHANGE, actor=actor, obj=topic, detail=f"add topic {title}")
    return topic


def _check_meeting_may_decide(meeting: Meeting) -> None:
    if not rules.quorum_met(meeting.kind, eligible=meeting.eligible_count, present=meeting.present_count):
        raise DeliberationError(
            _("此会议未达到法定人数，不能作出决议。依据：%(rule)s（应到 %(eligible)s 人，实到 %(present)s 人）。")
            % {"rule": rules.QUORUM_RULES[meeting.kind], "eligible": meeting.eligible_count, "present": meeting.present_count},
            code="quorum_not_met"
        )
    held_on = timezone.localdate(meeting.held_at)
    if not rules.notice_ok(meeting.kind, notice_date=meeting.notice_date, held_on=held_on):
        raise DeliberationError(
            _("此会议未按规定提前通知，不能作出决议。依据：%(rule)s（通知日期 %(notice)s，召开日期 %(held)s）。")
            % {"rule": rules.NOTICE_RULE, "notice": meeting.notice_date, "held": held_on},
            code="notice_too_late"
        )


@transaction.atomic
def record_vote(
    *, topic_id: int, actor: User, votes_for: int, votes_against: int, abstentions: int, resolution_text: str
) -> Resolution:
    """Record the vote on a topic and its resolution; a topic is voted once, and only at a quorate meeting."""
    _require_writer(actor)
    topic = Topic.objects.select_for_update().select_related("meeting").get(pk=topic_id)
    if Vote.objects.filter(topic=topic).exists():
        raise DeliberationError(_("该议题已经表决，不能重复表决。"), code="already_voted")
    meeting = topic.meeting
    _check_meeting_may_decide(meeting)
    total = votes_for + votes_against + abstentions
    if total > meeting.present_count:
        raise DeliberationError(
            _("表决票数合计 %(total)s 超过实到人数 %(present)s。") % {"total": total, "present": meeting.present_count},
            code="votes_exceed_present"
        )
    Vote.objects.create(
        topic=topic, votes_for=votes_for, votes_against=votes_against, abstentions=abstentions, recorded_by=actor
    )
    adopted = rules.majority_reached(votes_for=votes_for, present=meeting.present_count)
    resolution = Resolution.objects.create(topic=topic, adopted=adopted, text=resolution_text)
    audit.record(
        AuditLog.Action.CHANGE,
        actor=actor,
        obj=resolution,
        detail=f"vote on topic {topic.pk}: {votes_for}/{votes_against}/{abstentions}, adopted={adopted}",
    )
    return resolution


@transaction.atomic
def open_major_matter(*, center: Center, actor: User, title: str, description: str = "") -> MajorMatter:
    """Register a major matter; it starts before 提议."""
    _require_director(actor)
    matter = MajorMatter.objects.create(center=center, title=title, description=description, created_by=actor)
    audit.record(AuditLog.Action.CHANGE, actor=actor, obj=matter, detail=f"open major matter {title}")
    return matter


def _check_step_order(matter: MajorMatter, step: str) -> None:
    order = MatterStep.ordered()
    done = order.index(matter.current_step) if matter.current_step else -1
    if order.index(step) <= done:
        raise DeliberationError(
            _("「%(step)s」已经完成，不能重复。") % {"step": MatterStep(step).label},
            code="step_repeated"
        )
    expected = matter.next_step
    if step != expected:
        raise DeliberationError(
            _("不能跳过「%(expected)s」：四议两公开须依次进行。") % {"expected": expected.label},
            code="step_skipped"
        )


def _check_resolution(matter: MajorMatter, resolution: Resolution | None) -> None:
    if resolution is None:
        raise DeliberationError(_("决议这一步须关联一项已通过的村民代表会议或村民会议决议。"), code="resolution_required")
    meeting = resolution.topic.meeting
    if meeting.center_id != matter.center_id or meeting.kind not in RESOLVING_KINDS or not resolution.adopted:
        raise DeliberationError(_("所选决议须是本村村民代表会议或村民会议已通过的决议。"), code="resolution_not_valid")


@transaction.atomic
def advance_major_matter(
    *, matter_id: int, actor: User, step: str, done_on: date, note: str, resolution: Resolution | None = None
) -> MatterStepRecord:
    """Record the next step of 四议两公开; a step can be neither skipped nor repeated."""
    _require_director(actor)
    matter = MajorMatter.objects.select_for_update().get(pk=matter_id)
    if matter.is_finished:
        raise DeliberationError(_("该事项已完成四议两公开全部步骤。"), code="matter_finished")
    _check_step_order(matter, step)
    last = matter.steps.order_by("-done_on").first()
    if last is not None and done_on < last.done_on:
        raise DeliberationError(_("完成日期不能早于上一步（%(date)s）。") % {"date": last.done_on}, code="date_before_previous_step")
    if step == MatterStep.RESOLUTION:
        _check_resolution(matter, resolution)
    else:
        resolution = None
    record = MatterStepRecord.objects.create(
        matter=matter, step=step, done_on=done_on, note=note, resolution=resolution, recorded_by=actor
    )
    matter.current_step = step
    matter.save(update_fields=["current_step"])
    audit.record(AuditLog.Action.CHANGE, actor=actor, obj=matter, detail=f"major matter step {step}")
    return record


@transaction.atomic
def attach_document(
    *, center: Center, actor: User, kind: str, title: str, file: UploadedFile, adopted_on: date | None = None
) -> CenterDocument:
    """Attach a village rule document (already checked for size and type by the form)."""
    _require_writer(actor)
    document = CenterDocument.objects.create(
        center=center, kind=kind, title=title, adopted_on=adopted_on, file=file, uploaded_by=actor
    )
    audit.record(AuditLog.Action.CHANGE, actor=actor, obj=document, detail=f"attach document {title}")
    return document
