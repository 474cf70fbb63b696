"""Registering a case (登记受理), its attachments, and the reveal of parties' full details."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pinggu_center import audit
from pinggu_center.models import AuditLog, Center, Department, Level, User

from .. import tally
from ..models import Attachment, Case, CaseEvent, CaseSequence, Category, Party, Transfer
from ..permissions import can_attach, can_reveal, require
from ..uploads import staged_attachments
from .base import CaseRuleError, lock_case, record_event, resolution_due, response_due
from .closures import open_transfer


@dataclass
class PartyData:
    name: str
    role: str = Party.Role.APPLICANT
    phone: str = ""
    id_number: str = ""
    address: str = ""


@dataclass
class HotlineOrder:
    order_no: str
    reply_by: datetime | None
    request_hash: str


@dataclass
class Intake:
    """What a cadre, a resident or the hotline brings; validated by the form or API before it gets here."""

    source: str
    category: Category
    title: str
    description: str
    parties: Sequence[PartyData]
    kind: str = Case.Kind.DISPUTE
    urgency: str = Case.Urgency.NORMAL
    occurred_on: date | None = None
    location_text: str = ""
    rights_informed: bool = False
    accepted_elsewhere: bool = False
    reserved_by_law: bool = False
    transfer_to: Department | None = None
    attachments: Sequence[UploadedFile] = field(default_factory=list)
    hotline: HotlineOrder | None = None
    client_token: uuid.UUID | None = None


def register_case(*, center: Center, intake: Intake, actor: User | None) -> Case:
    """Register a case at its village's center; a matter for another body or for enforcement leaves at once.

    Its files are checked and written before the transaction opens and deleted if it fails, so no lock waits on a
    disk and a refused or rolled-back registration keeps no file (call it outside any transaction of your own).
    """
    with staged_attachments(intake.attachments) as attachments:
        return _register_case(center=center, intake=intake, actor=actor, attachments=attachments)


@transaction.atomic
def _register_case(*, center: Center, intake: Intake, actor: User | None, attachments: list[Attachment]) -> Case:
    if not intake.parties:
        raise CaseRuleError(_("至少需要一名当事人。"), code="no_party")
    if (intake.accepted_elsewhere or intake.reserved_by_law) and intake.transfer_to is None:
        raise CaseRuleError(_("已由其他机关受理或依法应由其他机关处理的事项，请选择移交的部门或法院。"), code="transfer_target_required")
    now = timezone.now()
    case = Case(
        number=next_case_number(center, now),
        center=center,
        division=center.division,
        level=Level.VILLAGE,
        holder=center.division,
        status=Case.Status.REGISTERED,
        source=intake.source,
        kind=intake.kind,
        category=intake.category,
        title=intake.title,
        description=intake.description,
        party_names=" ".join(party.name for party in intake.parties),
        occurred_on=intake.occurred_on,
        location_text=intake.location_text,
        urgency=intake.urgency,
        rights_informed=intake.rights_informed,
        accepted_elsewhere=intake.accepted_elsewhere,
        reserved_by_law=intake.reserved_by_law,
        registered_at=now,
        registered_by=actor,
        level_since=now,
        public_token=secrets.token_hex(8),
        client_token=intake.client_token,
    )
    if intake.hotline is not None:
        case.hotline_order_no = intake.hotline.order_no
        case.hotline_reply_by = intake.hotline.reply_by
        case.hotline_request_hash = intake.hotline.request_hash
    case.response_due = response_due(now)
    case.resolution_due = resolution_due(case, now)
    case.save()
    tally.track(case)
    Party.objects.bulk_create([Party(case=case, **vars(party)) for party in intake.parties])
    add_attachments(case, attachments, actor=actor)
    record_event(case, CaseEvent.Kind.REGISTERED, actor=actor, data={"source": case.source})
    _send_on_if_not_ours(case, intake, actor)
    return case


def register_case_once(*, center: Center, intake: Intake, actor: User) -> tuple[Case, bool]:
    """Register a case at most once per client token; a repeat, or a twin sent at the same moment, gets the first.

    Returns the case and whether this call created it. The token's unique index settles a race: the second
    transaction fails on insert and rolls back whole (no number used, no file kept), then reads the winner's case.
    """
    if intake.client_token is not None:
        existing = case_for_client_token(intake.client_token, actor=actor)
        if existing is not None:
            return existing, False
    try:
        return register_case(center=center, intake=intake, actor=actor), True
    except IntegrityError:
        existing = case_for_client_token(intake.client_token, actor=actor) if intake.client_token else None
        if existing is None:
            raise
        return existing, False


def case_for_client_token(token: uuid.UUID, *, actor: User) -> Case | None:
    """The case a form with this token already registered; a token of somebody else's submission is refused."""
    case = Case.objects.filter(client_token=token).first()
    if case is not None and case.registered_by_id != actor.pk:
        raise CaseRuleError(_("提交标识无效，请刷新页面后重新填写。"), code="bad_client_token")
    return case


def _send_on_if_not_ours(case: Case, intake: Intake, actor: User | None) -> None:
    """Enforcement-type matters go to the 三协同 chain; matters another body holds are transferred, not mediated."""
    if intake.kind == Case.Kind.ENFORCEMENT:
        department = intake.transfer_to or town_enforcement_body(case)
        open_transfer(
            case, actor=actor, target=Transfer.Target.ENFORCEMENT, department=department, reason_code="enforcement",
        )
    elif intake.accepted_elsewhere or intake.reserved_by_law:
        target = Transfer.Target.COURT if intake.transfer_to.kind == Department.Kind.COURT else Transfer.Target.DEPARTMENT
        reason_code = "accepted_elsewhere" if intake.accepted_elsewhere else "reserved_by_law"
        open_transfer(case, actor=actor, target=target, department=intake.transfer_to, reason_code=reason_code)


def town_enforcement_body(case: Case) -> Department | None:
    return Department.objects.filter(
        division=case.division.parent, kind=Department.Kind.ENFORCEMENT, active=True
    ).first()


def next_case_number(center: Center, now: datetime) -> str:
    """PG-YK-2026-00042: district, town code, year, a sequence per town and year that never repeats."""
    town = center.division.parent
    prefix = f"PG-{town.abbr or town.code[6:9]}-{timezone.localtime(now).year}"
    for _attempt in range(3):
        try:
            with transaction.atomic():
                sequence, _created = CaseSequence.objects.select_for_update().get_or_create(prefix=prefix)
                sequence.last += 1
                sequence.save(update_fields=["last"])
                return f"{prefix}-{sequence.last:05d}"
        except IntegrityError:
            continue  # two first cases of the year at once: the loser reads the row the winner made
    raise CaseRuleError(_("事项编号生成失败，请重试。"), code="number_unavailable")


def add_attachments(case: Case, attachments: list[Attachment], *, actor: User | None) -> list[Attachment]:
    """Record files already stored (staged_attachments) as the case's attachments."""
    for attachment in attachments:
        attachment.case, attachment.uploaded_by = case, actor
    return Attachment.objects.bulk_create(attachments)


def attach_files(*, case_id: int, actor: User, files: Sequence[UploadedFile],
                 version: int | None = None) -> list[Attachment]:
    """Add photos or documents to a case already registered; the files are written before the case is locked."""
    with staged_attachments(files) as attachments:
        return _attach_files(case_id=case_id, actor=actor, attachments=attachments, version=version)


@transaction.atomic
def _attach_files(*, case_id: int, actor: User, attachments: list[Attachment], version: int | None) -> list[Attachment]:
    case = lock_case(case_id, version=version)
    require(can_attach(case, actor))
    add_attachments(case, attachments, actor=actor)
    record_event(case, CaseEvent.Kind.ATTACHMENT, actor=actor, note=", ".join(a.original_name for a in attachments))
    return attachments


def reveal_parties(*, case: Case, actor: User, request=None) -> None:
    """Full phones and ID numbers are for the director and above, and every reveal is logged."""
    require(can_reveal(case, actor))
    audit.record(AuditLog.Action.REVEAL, request=request, actor=actor, obj=case, detail=f"parties of {case.number}")
