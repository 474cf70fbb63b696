"""State changes of the organisation: the roster a director keeps, and outbox rows put back in the queue."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .errors import RuleError
from .models import AuditLog, Center, Member, Outbox, User
from .outbox import hand_to_worker


class RosterRuleError(RuleError):
    """A roster change the rules do not allow; the message is shown to the user."""


def _require_director(actor: User, center: Center) -> None:
    if actor.is_read_only or not actor.is_director_or_above:
        raise RosterRuleError(_("只有中心主任或上级可以维护成员名册。"), code="director_only")


@transaction.atomic
def add_member(*, center: Center, actor: User, data: dict[str, Any]) -> Member:
    """Add a person to a center's roster."""
    _require_director(actor, center)
    roles = data.pop("roles", [])
    member = Member.objects.create(center=center, **data)
    member.roles.set(roles)
    audit.record(AuditLog.Action.CHANGE, actor=actor, obj=member, detail=f"add member {member.name}")
    return member


@transaction.atomic
def update_member(*, member: Member, actor: User, data: dict[str, Any]) -> Member:
    """Change a roster entry's details and roles."""
    _require_director(actor, member.center)
    roles = data.pop("roles", None)
    for field, value in data.items():
        setattr(member, field, value)
    member.save(update_fields=list(data))
    if roles is not None:
        member.roles.set(roles)
    audit.record(AuditLog.Action.CHANGE, actor=actor, obj=member, detail=f"edit member {member.name}")
    return member


@transaction.atomic
def retire_member(*, member_id: int, actor: User, retired_on: date) -> Member:
    """Retire a member; roster entries are never deleted, so past records keep their names."""
    member = Member.objects.select_for_update().get(pk=member_id)
    _require_director(actor, member.center)
    if member.retired_on is not None:
        raise RosterRuleError(_("该成员已于 %(date)s 退出。") % {"date": member.retired_on}, code="already_retired")
    if retired_on < member.joined_on:
        raise RosterRuleError(_("退出日期不能早于加入日期。"), code="retired_before_joined")
    member.retired_on = retired_on
    member.save(update_fields=["retired_on"])
    audit.record(AuditLog.Action.CHANGE, actor=actor, obj=member, detail=f"retire member {member.name}")
    return member


class DeliveryRuleError(RuleError):
    """A retry of outbox rows the rules do not allow."""


def retry_outbox_rows(*, ids: list[int], actor: User) -> int:
    """Put failed (or long-pending) rows back in the queue with fresh attempts; delivered rows are never re-run."""
    if actor.role != User.Role.DISTRICT_ADMIN:
        raise DeliveryRuleError(_("只有区级管理员可以重新投递。"), code="district_admin_only")
    with transaction.atomic():
        rows = list(
            Outbox.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, status__in=[Outbox.Status.FAILED, Outbox.Status.PENDING])
            .order_by("pk")
        )
        now = timezone.now()
        for row in rows:
            row.status = Outbox.Status.PENDING
            row.attempts = 0
            row.next_attempt_at = now
            row.save(update_fields=["status", "attempts", "next_attempt_at"])
            transaction.on_commit(lambda pk=row.pk: hand_to_worker(pk, 0))
        if rows:
            audit.record(
                AuditLog.Action.CHANGE,
                actor=actor,
                detail="outbox retry " + ",".join(str(row.pk) for row in rows),
            )
    return len(rows)
