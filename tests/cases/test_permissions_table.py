"""One decision in one place: every action × role × case state asked of the predicate and of the service agree.

For each state the case is built once; for each role and action the predicate is asked, then the service is called
with valid input inside a savepoint that is rolled back. The service must succeed exactly when the predicate allows,
and when it refuses it must say what the predicate said.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from cases import permissions, services
from cases.models import Agreement, Case, Summons, Transfer, Whistle
from pinggu_center.models import Level, User
from tests.factories import UserFactory

from .factories import CaseFactory

pytestmark = pytest.mark.django_db


class _RolledBack(Exception):
    pass


ROLES = ["director", "cadre", "other_director", "town_user", "department_user", "other_department_user",
         "district_admin", "auditor"]


def _build_state(state: str, org, director: User) -> Case:
    """The case in one of the states a case lives in, built directly (the services are what is under test)."""
    now = timezone.now()
    village = dict(center=org.center, registered_by=director)
    if state == "registered":
        return CaseFactory(**village)
    if state in {"direct", "joint", "joint_reported", "legal_agreement"}:
        path = {"direct": "direct", "legal_agreement": "legal"}.get(state, "joint")
        case = CaseFactory(**village, status=Case.Status.HANDLING, path=path,
                           legal_method="peoples" if path == "legal" else "")
        if path == "joint":
            whistle = Whistle.objects.create(case=case, matter="联合调解", report_in_due=now + timedelta(days=2),
                                             blown_by=director)
            Summons.objects.create(whistle=whistle, department=org.justice_office,
                                   reported_at=now if state == "joint_reported" else None)
        if state == "legal_agreement":
            Agreement.objects.create(
                case=case, parties_details="甲乙", facts="漏水", disputed_matters="赔偿", terms="赔偿 500 元",
                performance="现金", performance_due=now.date() + timedelta(days=10), effective_on=now.date(),
                signatures_recorded=True, mediator_name="王调解", created_by=director,
            )
        return case
    if state == "transferred":
        case = CaseFactory(**village, status=Case.Status.TRANSFERRED, closure=Case.Closure.TRANSFER)
        Transfer.objects.create(case=case, target=Transfer.Target.DEPARTMENT, department=org.justice_office,
                                reason="依法移交", feedback_due=now + timedelta(days=10), transferred_by=director)
        return case
    if state == "closed":
        return CaseFactory(**village, status=Case.Status.CLOSED, closure=Case.Closure.ARCHIVE,
                           outcome=Case.Outcome.RESOLVED, summary="已化解", closed_at=now, path="direct")
    if state == "escalating":  # escalated, not yet routed: nobody holds it at its new level
        return CaseFactory(**village, level=Level.TOWN, closure=Case.Closure.ESCALATE)
    if state == "town":
        return CaseFactory(**village, level=Level.TOWN, holder=org.town, closure=Case.Closure.ESCALATE)
    if state == "district":
        return CaseFactory(**village, level=Level.DISTRICT, holder=org.district, status=Case.Status.HANDLING,
                           path="direct", closure=Case.Closure.ESCALATE)
    raise AssertionError(state)


STATES = ["registered", "direct", "joint", "joint_reported", "legal_agreement", "transferred", "closed",
          "escalating", "town", "district"]


def _actions(org) -> dict[str, tuple[Callable, Callable]]:
    """action → (predicate(case, user), service call(case, user)); the call passes valid input."""
    now = timezone.now()

    def summons(case: Case) -> Summons | None:
        return Summons.objects.filter(whistle__case=case).first()

    def transfer(case: Case) -> Transfer | None:
        return Transfer.objects.filter(case=case).first()

    return {
        "choose_path": (permissions.can_choose_path, lambda c, u: services.choose_path(
            case_id=c.pk, actor=u, path="direct")),
        "choose_joint_path": (permissions.can_choose_joint_path, lambda c, u: services.choose_path(
            case_id=c.pk, actor=u, path="joint")),
        "session": (permissions.can_record_session, lambda c, u: services.record_session(
            case_id=c.pk, actor=u, held_at=now, place="中心", mediators="王", parties_present="甲乙", record="谈",
            outcome="达成一致")),
        "whistle": (permissions.can_blow_whistle, lambda c, u: services.blow_whistle(
            case_id=c.pk, actor=u, matter="请报到", departments=[org.enforcement])),
        "agreement": (permissions.can_save_agreement, lambda c, u: services.save_agreement(
            case_id=c.pk, actor=u, parties_details="甲乙", facts="漏水", disputed_matters="赔偿", terms="500 元",
            performance="现金", performance_due=now.date(), effective_on=now.date(), mediator_name="王",
            signatures_recorded=True)),
        "confirmation": (permissions.can_record_confirmation, lambda c, u: services.record_confirmation(
            case_id=c.pk, actor=u, applied_on=now.date(), court=org.district_court, result="")),
        "archive": (permissions.can_archive, lambda c, u: services.archive_case(
            case_id=c.pk, actor=u, outcome="resolved", summary="已化解")),
        "escalate": (permissions.can_escalate, lambda c, u: services.escalate_case(
            case_id=c.pk, from_level=c.level, actor=u, reason="本级无法化解")),
        "transfer": (permissions.can_transfer, lambda c, u: services.transfer_case(
            case_id=c.pk, actor=u, target="department", department=org.justice_office, reason="依法移交")),
        "extend": (permissions.can_extend_deadline, lambda c, u: services.extend_deadline(
            case_id=c.pk, actor=u, new_due=(c.resolution_due or now) + timedelta(days=30), consent="双方同意")),
        "follow_up": (permissions.can_follow_up, lambda c, u: services.record_follow_up(
            case_id=c.pk, actor=u, performance="performed", risk="", satisfaction="satisfied", note="")),
        "review": (permissions.can_review, lambda c, u: services.add_review_comment(
            case_id=c.pk, actor=u, note="处理得当")),
        "attach": (permissions.can_attach, lambda c, u: services.attach_files(case_id=c.pk, actor=u, files=[])),
        "reveal": (permissions.can_reveal, lambda c, u: services.reveal_parties(case=c, actor=u)),
        "report_in": (
            lambda c, u: permissions.can_report_in(summons(c), u),
            lambda c, u: services.report_in(summons_id=summons(c).pk, actor=u, note="到", attended=True),
        ),
        "rate": (
            lambda c, u: permissions.can_rate(summons(c), c, u),
            lambda c, u: services.rate_department(summons_id=summons(c).pk, actor=u, rating=4, comment="及时"),
        ),
        "feedback": (
            lambda c, u: permissions.can_give_feedback(transfer(c), c, u),
            lambda c, u: services.record_transfer_feedback(transfer_id=transfer(c).pk, actor=u, feedback="已处理"),
        ),
    }


SUMMONS_ACTIONS = {"report_in", "rate"}


def _service_outcome(call: Callable[[Case, User], object], case: Case, user: User) -> tuple[bool, str]:
    """(allowed, refusal message) of one service call, its changes rolled back."""
    try:
        with transaction.atomic():
            call(case, user)
            raise _RolledBack
    except _RolledBack:
        return True, ""
    except services.CaseRuleError as error:
        return False, str(error)


@pytest.mark.parametrize("state", STATES)
def test_predicate_and_service_agree_for_every_role_and_action(state, org, director, cadre, other_director,
                                                               town_user, department_user, district_admin, auditor):
    users = {
        "director": director, "cadre": cadre, "other_director": other_director, "town_user": town_user,
        "department_user": department_user, "district_admin": district_admin, "auditor": auditor,
        "other_department_user": UserFactory(username="enforcer", role="department_staff", division=org.town,
                                             department=org.enforcement),
    }
    case = _build_state(state, org, director)
    has_summons = Summons.objects.filter(whistle__case=case).exists()
    has_transfer = Transfer.objects.filter(case=case).exists()
    disagreements, allowed_somewhere = [], 0
    for name, (predicate, call) in _actions(org).items():
        if (name in SUMMONS_ACTIONS and not has_summons) or (name == "feedback" and not has_transfer):
            continue
        for role in ROLES:
            user = users[role]
            fresh = Case.objects.select_related("holder").get(pk=case.pk)
            decision = predicate(fresh, user)
            allowed, message = _service_outcome(call, fresh, user)
            allowed_somewhere += allowed
            if bool(decision) != allowed or (not allowed and decision.reason != message):
                disagreements.append((name, role, bool(decision), decision.reason, allowed, message))
    assert disagreements == []
    assert allowed_somewhere > 0 or state == "escalating"


def test_the_page_shows_exactly_the_actions_the_predicates_allow(org, director, cadre, town_user):
    case = _build_state("direct", org, director)
    assert permissions.available_actions(case, cadre) == {
        "choose_path", "session", "agreement", "archive", "escalate", "transfer", "extend", "attach"}
    assert "whistle" not in permissions.available_actions(_build_state("joint", org, director), cadre)
    assert "whistle" in permissions.available_actions(_build_state("joint", org, director), director)
    assert permissions.available_actions(case, town_user) == {"reveal", "attach"}


def test_director_only_form_is_refused_to_a_cadre_and_hidden_from_the_page(org, director, cadre, client_for):
    case = _build_state("joint", org, director)
    cadre_client, director_client = client_for(cadre), client_for(director)

    page = cadre_client.get(case.get_absolute_url())
    assert page.status_code == 200 and f"/cases/{case.pk}/whistle/" not in page.content.decode()
    refused = cadre_client.get(f"/cases/{case.pk}/whistle/")
    assert refused.status_code == 403
    assert "只有中心主任（或上级）可以进行此操作。" in refused.content.decode()
    assert 'name="matter"' not in refused.content.decode()
    posted = cadre_client.post(f"/cases/{case.pk}/whistle/", {"version": case.version, "matter": "x",
                                                               "departments": [org.justice_office.pk]})
    assert posted.status_code == 302 and not Whistle.objects.filter(case=case, matter="x").exists()

    assert f"/cases/{case.pk}/whistle/" in director_client.get(case.get_absolute_url()).content.decode()
    assert director_client.get(f"/cases/{case.pk}/whistle/").status_code == 200


def test_joint_path_is_not_offered_to_a_cadre(org, director, cadre, client_for):
    case = _build_state("registered", org, director)
    cadre_form = client_for(cadre).get(f"/cases/{case.pk}/path/").content.decode()
    director_form = client_for(director).get(f"/cases/{case.pk}/path/").content.decode()
    assert 'value="joint"' not in cadre_form and 'value="direct"' in cadre_form
    assert 'value="joint"' in director_form
