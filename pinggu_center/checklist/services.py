"""State changes of the 七有 checklist: the director records an item with its evidence and date."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import audit
from ..errors import RuleError
from ..models import AuditLog, Center, CenterChecklistItem, ChecklistItem, User


class ChecklistError(RuleError):
    """A checklist change the rules do not allow; the message is shown to the user."""


@transaction.atomic
def record_checklist_item(
    *, center: Center, actor: User, item: str, in_place_on: date, evidence: UploadedFile, note: str = ""
) -> CenterChecklistItem:
    """Record or renew one of a center's 七有; there is at most one row per item, and it always has evidence."""
    if actor.is_read_only or not actor.is_director_or_above:
        raise ChecklistError(_("只有中心主任或上级可以维护七有情况。"), code="director_only")
    if item not in ChecklistItem.values:
        raise ChecklistError(_("未知的七有项目。"), code="unknown_item")
    if in_place_on > timezone.localdate():
        raise ChecklistError(_("落实日期不能晚于今天。"), code="date_in_future")
    row = CenterChecklistItem.objects.select_for_update().filter(center=center, item=item).first()
    if row is None:
        row = CenterChecklistItem.objects.create(
            center=center, item=item, in_place_on=in_place_on, evidence=evidence, note=note, updated_by=actor
        )
    else:
        # The earlier evidence file stays on disk: the audit trail may point at it.
        row.in_place_on, row.evidence, row.note = in_place_on, evidence, note
        row.updated_by, row.updated_at = actor, timezone.now()
        row.save(update_fields=["in_place_on", "evidence", "note", "updated_by", "updated_at"])
    audit.record(AuditLog.Action.CHANGE, actor=actor, obj=row, detail=f"checklist {item} in place on {in_place_on}")
    return row
