"""State changes of the visit system: households and their import, visits, turning a visit into a case,
the weekly quota record and the director's assessment."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.models import Case, Category
from cases.services import Intake, PartyData, register_case
from pinggu_center import audit
from pinggu_center.errors import RuleError
from pinggu_center.models import AuditLog, Division, Member, User
from pinggu_center.notifications import notify_division

from . import tally
from .models import CadreAssessment, Household, Visit, WeeklyQuotaResult, name_initials
from .selectors import prorated_quota, quota_counts


class VisitRuleError(RuleError):
    """A change the visit rules do not allow; the message is shown to the user."""


def _require_writer(actor: User | None) -> None:
    if actor is None:  # the system itself (demo seeding)
        return
    if actor.is_read_only or actor.role == User.Role.DEPARTMENT_STAFF:
        raise VisitRuleError(_("您的账号不能登记走访信息。"), code="not_allowed")


@transaction.atomic
def create_household(*, division: Division, actor: User, data: dict[str, Any]) -> Household:
    """Register one household in a village."""
    _require_writer(actor)
    if Household.objects.filter(division=division, address=data["address"], head_name=data["head_name"]).exists():
        raise VisitRuleError(_("该住户已登记。"), code="household_exists")
    household = Household.objects.create(division=division, **data)
    tally.count_households(division.pk, division.parent_id, 1)
    audit.record(AuditLog.Action.CHANGE, actor=actor, obj=household, detail="add household")
    return household


@transaction.atomic
def update_household(*, household_id: int, actor: User, data: dict[str, Any]) -> Household:
    """Correct a household's details; it stays in its village, and its visits keep pointing at it."""
    _require_writer(actor)
    household = Household.objects.select_for_update().get(pk=household_id)
    clash = Household.objects.filter(division=household.division, address=data["address"], head_name=data["head_name"])
    if clash.exclude(pk=household.pk).exists():
        raise VisitRuleError(_("该住户已登记。"), code="household_exists")
    for field, value in data.items():
        setattr(household, field, value)
    household.save(update_fields=list(data))
    audit.record(AuditLog.Action.CHANGE, actor=actor, obj=household, detail="edit household")
    return household


@transaction.atomic
def import_households(*, division: Division, actor: User, rows: list[dict[str, Any]]) -> int:
    """Save the confirmed good rows of an import; rows that exist meanwhile are skipped, never duplicated."""
    _require_writer(actor)
    before = Household.objects.filter(division=division).count()
    households = [Household(division=division, name_initials=name_initials(row["head_name"]), **row) for row in rows]
    Household.objects.bulk_create(households, ignore_conflicts=True)
    created = Household.objects.filter(division=division).count() - before
    tally.count_households(division.pk, division.parent_id, created)
    audit.record(AuditLog.Action.CHANGE, actor=actor, obj=division, detail=f"import {created} households")
    return created


@transaction.atomic
def record_visit(
    *, household: Household, actor: User, data: dict[str, Any], client_token: uuid.UUID | None = None
) -> Visit:
    """Record one visit to a household by one or more cadres of its village."""
    _require_writer(actor)
    cadres = list(data.pop("cadres"))
    if any(member.center.division_id != household.division_id for member in cadres):
        raise VisitRuleError(_("走访干部须为本村中心成员。"), code="visitor_not_member")
    visit = Visit.objects.create(
        household=household, division_id=household.division_id, recorded_by=actor, client_token=client_token, **data
    )
    visit.cadres.set(cadres)
    tally.count_visit(visit, [member.pk for member in cadres])  # and keeps household.last_visited_on
    return visit


def record_visit_once(
    *, household: Household, actor: User, data: dict[str, Any], client_token: uuid.UUID | None
) -> tuple[Visit, bool]:
    """Record a visit at most once per client token; a repeat (or a simultaneous twin) gets the visit already saved."""
    if client_token is not None and (existing := visit_for_client_token(client_token, actor=actor)) is not None:
        return existing, False
    try:
        return record_visit(household=household, actor=actor, data=data, client_token=client_token), True
    except IntegrityError:
        existing = visit_for_client_token(client_token, actor=actor) if client_token else None
        if existing is None:
            raise
        return existing, False


def visit_for_client_token(token: uuid.UUID, *, actor: User) -> Visit | None:
    """The visit a form with this token already saved; a token of somebody else's submission is refused."""
    visit = Visit.objects.filter(client_token=token).first()
    if visit is not None and visit.recorded_by_id != actor.pk:
        raise VisitRuleError(_("提交标识无效，请刷新页面后重新填写。"), code="bad_client_token")
    return visit


@transaction.atomic
def turn_visit_into_case(
    *, visit_id: int, actor: User | None, category: Category, title: str, rights_informed: bool
) -> Case:
    """Register a case (source 走访) from a visit; a visit becomes at most one case."""
    _require_writer(actor)
    visit = (
        Visit.objects.select_for_update(of=("self",)).select_related("household", "division__center").get(pk=visit_id)
    )
    if visit.case_id is not None:
        raise VisitRuleError(_("该走访已转为事项。"), code="already_case")
    household = visit.household
    intake = Intake(
        source=Case.Source.VISIT,
        category=category,
        title=title,
        description=visit.raised or title,
        parties=[PartyData(name=household.head_name, phone=household.phone or "", address=household.address)],
        rights_informed=rights_informed,
        occurred_on=visit.visited_on,
    )
    case = register_case(center=visit.division.center, actor=actor, intake=intake)
    visit.case = case
    visit.needs_action = True
    visit.save(update_fields=["case", "needs_action"])
    return case


def record_week_quota(*, week_start: date) -> int:
    """Write each visiting cadre's result for the week once, then tell village directors who fell short.

    Results are inserted with ignore_conflicts on (member, week_start) and notifications are keyed by
    village and week, so a second run for the same week changes nothing.
    """
    rows = []
    for member in quota_counts(week_start):  # one query; one row per cadre, counted in SQL
        quota = prorated_quota(member, week_start)
        rows.append(
            WeeklyQuotaResult(
                member=member,
                week_start=week_start,
                households_visited=member.visited,
                quota=quota,
                met=member.visited >= quota,
            )
        )
    with transaction.atomic():
        WeeklyQuotaResult.objects.bulk_create(rows, ignore_conflicts=True)
    _notify_shortfalls(week_start)
    return len(rows)


def _notify_shortfalls(week_start: date) -> None:
    short = WeeklyQuotaResult.objects.filter(week_start=week_start, met=False).select_related(
        "member__center__division"
    )
    by_village: dict[Division, list[str]] = defaultdict(list)
    for result in short.order_by("member__name"):
        by_village[result.member.center.division].append(
            f"{result.member.name}（{result.households_visited}/{result.quota}）"
        )
    week_end = week_start + timedelta(days=6)
    for village, names in by_village.items():
        notify_division(
            village,
            url=reverse("visits:assessment"),
            roles=[User.Role.VILLAGE_DIRECTOR],
            key=f"quota:{village.pk}:{week_start.isoformat()}",
            message=gettext_noop("%(start)s 至 %(end)s 走访未达标：%(names)s"),
            params={"start": week_start, "end": week_end, "names": "、".join(names)},
        )


@transaction.atomic
def assess_cadre(*, member: Member, actor: User, period: str, score: int, comment: str) -> CadreAssessment:
    """Record (or revise) the director's score for a cadre and period; only a director or above may."""
    if actor.is_read_only or not actor.is_director_or_above:
        raise VisitRuleError(_("只有村书记/中心主任或上级可以考核干部。"), code="director_only")
    if member.user_id == actor.pk:
        raise VisitRuleError(_("不能为自己评分。"), code="self_assessment")
    assessment, _created = CadreAssessment.objects.update_or_create(
        member=member, period=period, defaults={"score": score, "comment": comment, "assessed_by": actor}
    )
    audit.record(AuditLog.Action.CHANGE, actor=actor, obj=assessment, detail=f"assess {member.name} {period}: {score}")
    return assessment
