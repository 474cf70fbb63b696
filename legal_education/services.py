"""State changes of legal education: teams, activities and their photos, 法律明白人 and training, village reports."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from pinggu_center import audit
from pinggu_center.errors import RuleError
from pinggu_center.models import AuditLog, Center, Member, User

from .models import ActivityPhoto, LegalActivity, LegalLiaison, LegalTeam, LiaisonTraining, VillageLegalReport

LIAISON_ROLE = "legal_liaison"
MAX_PHOTOS = 12


class LegalEducationError(RuleError):
    """A legal-education change the rules do not allow; the message is shown to the user."""


def _require_writer(actor: User) -> None:
    if actor.is_read_only or actor.role == User.Role.DEPARTMENT_STAFF:
        raise LegalEducationError(_("您没有登记普法工作的权限。"), code="not_allowed")


@transaction.atomic
def create_team(*, actor: User, name: str, lead_unit: str, member_count: int) -> LegalTeam:
    """Add a team of the 普法联盟; only the district keeps the list."""
    if actor.role != User.Role.DISTRICT_ADMIN:
        raise LegalEducationError(_("只有区级管理员可以维护普法联盟队伍。"), code="district_admin_only")
    if LegalTeam.objects.filter(name=name).exists():
        raise LegalEducationError(_("已有同名队伍。"), code="team_exists")
    team = LegalTeam.objects.create(name=name, lead_unit=lead_unit, member_count=member_count)
    audit.record(AuditLog.Action.CHANGE, actor=actor, obj=team, detail=f"add legal team {name}")
    return team


@transaction.atomic
def record_activity(*, center: Center, actor: User, data: dict[str, Any]) -> LegalActivity:
    """Record an activity held in a village."""
    _require_writer(actor)
    activity = LegalActivity.objects.create(center=center, created_by=actor, **data)
    audit.record(AuditLog.Action.CHANGE, actor=actor, obj=activity, detail=f"record activity {activity.topic}")
    return activity


@transaction.atomic
def add_activity_photo(*, activity_id: int, actor: User, image: UploadedFile) -> ActivityPhoto:
    """Attach a photo (already checked by the form) to an activity, up to a dozen."""
    _require_writer(actor)
    activity = LegalActivity.objects.select_for_update().get(pk=activity_id)
    if activity.photos.count() >= MAX_PHOTOS:
        raise LegalEducationError(_("每项活动最多上传 %(count)s 张照片。") % {"count": MAX_PHOTOS}, code="too_many_photos")
    photo = ActivityPhoto.objects.create(activity=activity, image=image)
    audit.record(AuditLog.Action.CHANGE, actor=actor, obj=photo, detail=f"photo for activity {activity.pk}")
    return photo


@transaction.atomic
def appoint_liaison(*, center: Center, actor: User, data: dict[str, Any]) -> LegalLiaison:
    """Appoint a 法律明白人; a linked roster member must belong to the same center and hold the role."""
    _require_writer(actor)
    member: Member | None = data.get("member")
    if member is not None:
        if member.center_id != center.pk or not member.roles.filter(code=LIAISON_ROLE).exists():
            raise LegalEducationError(_("所选成员须是本中心名册中角色为“法律明白人”的成员。"), code="not_liaison_member")
        if LegalLiaison.objects.filter(member=member).exists():
            raise LegalEducationError(_("该成员已登记为法律明白人。"), code="liaison_exists")
    liaison = LegalLiaison.objects.create(center=center, **data)
    audit.record(AuditLog.Action.CHANGE, actor=actor, obj=liaison, detail=f"appoint liaison {liaison.name}")
    return liaison


@transaction.atomic
def record_training(*, liaison: LegalLiaison, actor: User, data: dict[str, Any]) -> LiaisonTraining:
    """Record one training a 法律明白人 attended."""
    _require_writer(actor)
    if data["trained_on"] < liaison.appointed_on:
        raise LegalEducationError(_("培训日期不能早于聘任日期。"), code="training_before_appointment")
    training = LiaisonTraining.objects.create(liaison=liaison, **data)
    audit.record(AuditLog.Action.CHANGE, actor=actor, obj=training, detail=f"training for liaison {liaison.pk}")
    return training


@transaction.atomic
def file_report(*, center: Center, actor: User, data: dict[str, Any]) -> VillageLegalReport:
    """File a village's 法治村情报告 (the document is checked by the form)."""
    _require_writer(actor)
    report = VillageLegalReport.objects.create(center=center, uploaded_by=actor, **data)
    audit.record(AuditLog.Action.CHANGE, actor=actor, obj=report, detail=f"file legal report {report.title}")
    return report
