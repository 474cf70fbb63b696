"""The case lifecycle as a transition table: every step, and every refusal with its code."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services
from cases.models import Case, CaseEvent, FollowUp, Summons, Transfer
from pinggu_center.models import Level, Notification, Outbox

from ..rules import refused
from .helpers import register

pytestmark = pytest.mark.django_db


def _events(case: Case) -> list[str]:
    return list(case.events.order_by("at", "pk").values_list("kind", flat=True))


def test_register_gives_a_readable_number_deadlines_and_an_event(org, cadre):
    case = register(org.center, cadre)
    year = timezone.localtime().year
    assert case.number == f"PG-YK-{year}-00001"
    assert register(org.center, cadre).number == f"PG-YK-{year}-00002"
    assert (case.status, case.level, case.holder) == (Case.Status.REGISTERED, Level.VILLAGE, org.village)
    assert case.response_due > case.registered_at and case.resolution_due > case.response_due
    assert _events(case) == [CaseEvent.Kind.REGISTERED]


def test_enforcement_matter_goes_straight_to_the_town_enforcement_body(org, cadre):
    case = register(org.center, cadre, kind=Case.Kind.ENFORCEMENT)
    case.refresh_from_db()
    transfer = case.transfers.get()
    assert (case.status, case.closure) == (Case.Status.TRANSFERRED, Case.Closure.TRANSFER)
    assert (transfer.target, transfer.department) == (Transfer.Target.ENFORCEMENT, org.enforcement)
    assert Outbox.objects.filter(topic="enforcement_transfer").count() == 1


def test_matter_accepted_elsewhere_is_transferred_not_mediated(org, cadre):
    case = register(org.center, cadre, accepted_elsewhere=True, transfer_to=org.district_court)
    case.refresh_from_db()
    assert case.status == Case.Status.TRANSFERRED
    assert case.transfers.get().target == Transfer.Target.COURT
    with refused("transfer_target_required", services.CaseRuleError):
        register(org.center, cadre, reserved_by_law=True)


# (step, who, expected status afterwards, expected event) — each row starts from a fresh registered case.
def _path_direct(case, org, users):
    return services.choose_path(case_id=case.pk, actor=users["cadre"], path="direct")


def _path_legal(case, org, users):
    return services.choose_path(case_id=case.pk, actor=users["cadre"], path="legal", legal_method="peoples",
                                legal_basis="《人民调解法》第十七条")


def _archive(case, org, users):
    return services.archive_case(case_id=case.pk, actor=users["director"], outcome="resolved", summary="双方和解")


def _escalate(case, org, users):
    return services.escalate_case(case_id=case.pk, from_level="village", actor=users["director"], reason="涉及多户")


def _transfer(case, org, users):
    services.transfer_case(case_id=case.pk, actor=users["director"], target="department",
                           department=org.justice_office, reason="需司法所处理")
    return Case.objects.get(pk=case.pk)


@pytest.mark.parametrize(
    ("step", "status", "closure", "event"),
    [
        (_path_direct, Case.Status.HANDLING, "", CaseEvent.Kind.PATH_CHOSEN),
        (_path_legal, Case.Status.HANDLING, "", CaseEvent.Kind.PATH_CHOSEN),
        (_archive, Case.Status.CLOSED, Case.Closure.ARCHIVE, CaseEvent.Kind.ARCHIVED),
        (_escalate, Case.Status.REGISTERED, Case.Closure.ESCALATE, CaseEvent.Kind.ESCALATED),
        (_transfer, Case.Status.TRANSFERRED, Case.Closure.TRANSFER, CaseEvent.Kind.TRANSFERRED),
    ],
)
def test_transitions(org, cadre, director, step, status, closure, event):
    case = register(org.center, cadre)
    version = Case.objects.get(pk=case.pk).version
    result = step(case, org, {"cadre": cadre, "director": director})
    case.refresh_from_db()
    assert (case.status, case.closure) == (status, closure)
    assert _events(case)[-1] == event
    assert case.version > version
    assert result is not None


def _closed(org, cadre, director):
    case = register(org.center, cadre)
    return _archive(case, org, {"director": director})


def _held_by_town(org, cadre, director):
    case = register(org.center, cadre)
    _escalate(case, org, {"director": director})
    services.route_escalation(case_id=case.pk, level="town")
    return Case.objects.get(pk=case.pk)


def _at_district(org, cadre, director, town_user, district_admin):
    case = _held_by_town(org, cadre, director)
    services.escalate_case(case_id=case.pk, from_level="town", actor=town_user, reason="跨镇")
    services.route_escalation(case_id=case.pk, level="district")
    return Case.objects.get(pk=case.pk)


@pytest.mark.parametrize(
    ("make", "actor_name", "action", "code"),
    [
        # wrong state
        ("closed", "director", lambda c, u, o: _archive(c, o, u), "closed"),
        ("closed", "director", lambda c, u, o: _escalate(c, o, u), "closed"),
        ("transferred", "director", lambda c, u, o: _archive(c, o, u), "transferred"),
        ("fresh", "director", lambda c, u, o: services.record_follow_up(
            case_id=c.pk, actor=u["director"], performance="na", risk="", satisfaction="satisfied", note=""),
         "not_closed"),
        ("fresh", "director", lambda c, u, o: services.record_session(
            case_id=c.pk, actor=u["director"], held_at=timezone.now(), place="中心", mediators="王", parties_present="张",
            record="记录", outcome="未果"), "no_path"),
        # wrong role
        ("fresh", "cadre", lambda c, u, o: services.choose_path(case_id=c.pk, actor=u["cadre"], path="joint"),
         "not_director"),
        ("fresh", "other_director", lambda c, u, o: _archive(c, o, {"director": u["other_director"]}),
         "not_holder"),
        ("fresh", "auditor", lambda c, u, o: _archive(c, o, {"director": u["auditor"]}), "read_only"),
        ("fresh", "department_user", lambda c, u, o: services.report_in(
            summons_id=0, actor=u["department_user"], note="", attended=True), Summons.DoesNotExist),
        ("escalated", "director", lambda c, u, o: _archive(c, o, u), "not_holder"),
        # past the district, missing reason or summary
        ("district", "district_admin", lambda c, u, o: services.escalate_case(
            case_id=c.pk, from_level="district", actor=u["district_admin"], reason="再上报"), "top_level"),
        ("fresh", "director", lambda c, u, o: services.escalate_case(
            case_id=c.pk, from_level="village", actor=u["director"], reason="  "), "reason_required"),
        ("fresh", "director", lambda c, u, o: services.archive_case(
            case_id=c.pk, actor=u["director"], outcome="resolved", summary=""), "summary_required"),
        ("fresh", "director", lambda c, u, o: services.escalate_case(
            case_id=c.pk, from_level="town", actor=u["director"], reason="x"), "not_at_level"),
        ("fresh", "director", lambda c, u, o: services.transfer_case(
            case_id=c.pk, actor=u["director"], target="department", department=None, reason="x"), "transfer_receiver_required"),
        ("fresh", "director", lambda c, u, o: services.extend_deadline(
            case_id=c.pk, actor=u["director"], new_due=timezone.now() + timedelta(days=60), consent=""), "consent_required"),
        ("fresh", "director", lambda c, u, o: services.blow_whistle(
            case_id=c.pk, actor=u["director"], matter="x", departments=[o.justice_office]), "not_joint"),
        ("fresh", "director", lambda c, u, o: services.add_review_comment(
            case_id=c.pk, actor=u["director"], note="好"), "not_district"),
    ],
)
def test_refusals(org, cadre, director, other_director, auditor, department_user, town_user, district_admin,
                  make, actor_name, action, code):
    users = {"cadre": cadre, "director": director, "other_director": other_director, "auditor": auditor,
             "department_user": department_user, "town_user": town_user, "district_admin": district_admin}
    if make == "closed":
        case = _closed(org, cadre, director)
    elif make == "transferred":
        case = _transfer(register(org.center, cadre), org, users)
    elif make == "escalated":
        case = _escalate(register(org.center, cadre), org, users)
    elif make == "district":
        case = _at_district(org, cadre, director, town_user, district_admin)
    else:
        case = register(org.center, cadre)
    before = (Case.objects.get(pk=case.pk).version, CaseEvent.objects.filter(case=case).count())
    if isinstance(code, type):  # a summons that does not exist: no rule applies, the lookup itself fails
        with pytest.raises(code):
            action(case, users, org)
    else:
        with refused(code, services.CaseRuleError):
            action(case, users, org)
    assert (Case.objects.get(pk=case.pk).version, CaseEvent.objects.filter(case=case).count()) == before


def test_joint_path_whistle_report_in_rating(org, cadre, director, department_user):
    case = register(org.center, cadre)
    services.choose_path(case_id=case.pk, actor=director, path="joint")
    whistle = services.blow_whistle(case_id=case.pk, actor=director, matter="宅基地界址争议",
                                    departments=[org.justice_office])
    summons = whistle.summonses.get()
    assert Notification.objects.filter(recipient=department_user, key=f"whistle:{whistle.pk}").exists()
    services.report_in(summons_id=summons.pk, actor=department_user, note="已到场", attended=True)
    with refused("reported", services.CaseRuleError):
        services.report_in(summons_id=summons.pk, actor=department_user, note="again", attended=True)
    services.rate_department(summons_id=summons.pk, actor=director, rating=5, comment="响应迅速")
    with refused("rated", services.CaseRuleError):
        services.rate_department(summons_id=summons.pk, actor=director, rating=4, comment="")
    with refused("whistle_outside_town", services.CaseRuleError):
        from tests.factories import DepartmentFactory

        services.blow_whistle(case_id=case.pk, actor=director, matter="x",
                              departments=[DepartmentFactory(division=org.other_town)])
    assert _events(case)[-3:] == [CaseEvent.Kind.WHISTLE, CaseEvent.Kind.REPORTED_IN, CaseEvent.Kind.RATED]


def test_a_second_escalation_from_the_same_level_is_refused_and_changes_nothing(org, cadre, director):
    case = register(org.center, cadre)
    _escalate(case, org, {"director": director})
    before = (Case.objects.get(pk=case.pk).version, _events(case), Outbox.objects.count())
    with refused("not_at_level", services.CaseRuleError):
        services.escalate_case(case_id=case.pk, from_level="village", actor=director, reason="再次上报")
    assert (Case.objects.get(pk=case.pk).version, _events(case), Outbox.objects.count()) == before


def test_escalation_routes_to_town_then_district_and_past_the_district_is_refused(
    org, cadre, director, town_user, district_admin
):
    case = register(org.center, cadre)
    _escalate(case, org, {"director": director})
    assert services.route_escalation(case_id=case.pk, level="town") is True
    assert services.route_escalation(case_id=case.pk, level="town") is False  # run twice: nothing more
    case.refresh_from_db()
    assert (case.level, case.holder, case.status) == (Level.TOWN, org.town, Case.Status.REGISTERED)
    assert Notification.objects.filter(recipient=town_user).count() == 1
    assert _events(case).count(CaseEvent.Kind.ROUTED) == 1
    services.escalate_case(case_id=case.pk, from_level="town", actor=town_user, reason="涉及跨镇")
    services.route_escalation(case_id=case.pk, level="district")
    case.refresh_from_db()
    assert (case.level, case.holder) == (Level.DISTRICT, org.district)
    assert Notification.objects.filter(recipient=district_admin).count() == 1


def test_transfer_feedback_closes_and_follow_up_unsatisfied_reopens(org, cadre, director, department_user):
    case = register(org.center, cadre)
    transfer = services.transfer_case(case_id=case.pk, actor=director, target="department",
                                      department=org.justice_office, reason="法律咨询")
    with refused("not_receiver", services.CaseRuleError):
        services.record_transfer_feedback(transfer_id=transfer.pk, actor=director, feedback="x")
    services.record_transfer_feedback(transfer_id=transfer.pk, actor=department_user, feedback="已答复当事人")
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    services.record_follow_up(case_id=case.pk, actor=director, performance="na", risk="仍有矛盾",
                              satisfaction=FollowUp.Satisfaction.UNSATISFIED, note="当事人不认可", reopen=True)
    case.refresh_from_db()
    assert (case.status, case.closure) == (Case.Status.HANDLING, "")
    assert _events(case)[-2:] == [CaseEvent.Kind.FOLLOW_UP, CaseEvent.Kind.REOPENED]
    with refused("reopen_needs_unsatisfied", services.CaseRuleError):
        case = _archive(case, org, {"director": director})
        services.record_follow_up(case_id=case.pk, actor=director, performance="na", risk="",
                                  satisfaction="satisfied", note="", reopen=True)


def test_agreement_and_judicial_confirmation_window(org, cadre, director):
    case = register(org.center, cadre)
    _path_legal(case, org, {"cadre": cadre})
    today = timezone.localdate()
    fields = dict(parties_details="张三，男", facts="漏水", disputed_matters="维修费用", terms="赔偿 2000 元",
                  performance="一次性支付", performance_due=today + timedelta(days=10), effective_on=today,
                  mediator_name="王调解")
    with refused("agreement_unsigned", services.CaseRuleError):
        services.save_agreement(case_id=case.pk, actor=director, **fields)
    services.save_agreement(case_id=case.pk, actor=director, signatures_recorded=True, **fields)
    with refused("confirmation_window_passed", services.CaseRuleError):
        services.record_confirmation(case_id=case.pk, actor=director, applied_on=today + timedelta(days=31),
                                     court=org.district_court, result="pending")
    agreement = services.record_confirmation(case_id=case.pk, actor=director, applied_on=today + timedelta(days=30),
                                             court=org.district_court, result="confirmed")
    assert agreement.confirmation_result == "confirmed"


def test_peoples_mediation_gets_one_month_and_extension_needs_consent(org, cadre, director):
    case = register(org.center, cadre)
    case = _path_legal(case, org, {"cadre": cadre})
    assert case.resolution_due == case.level_since + timedelta(days=30)
    new_due = case.resolution_due + timedelta(days=15)
    services.extend_deadline(case_id=case.pk, actor=director, new_due=new_due, consent="双方于调解会上口头同意并签字")
    case.refresh_from_db()
    assert case.resolution_due == new_due and "双方" in case.extension_consent


def test_stale_version_is_refused(org, cadre, director):
    case = register(org.center, cadre)
    stale = Case.objects.get(pk=case.pk).version
    services.choose_path(case_id=case.pk, actor=director, path="direct")
    with refused("case_changed", services.CaseChanged):
        services.archive_case(case_id=case.pk, actor=director, outcome="resolved", summary="x", version=stale)


def test_events_are_append_only(org, cadre):
    event = register(org.center, cadre).events.get()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_what_is_stored_does_not_depend_on_the_actors_language(org, cadre, director, town_user):
    from django.utils import translation

    case = register(org.center, cadre)
    with translation.override("en"):
        services.archive_case(case_id=case.pk, actor=director, outcome="resolved", summary="和解")
    event = case.events.get(kind=CaseEvent.Kind.ARCHIVED)
    assert (event.data, event.note) == ({"outcome": "resolved"}, "和解")
    other = register(org.center, cadre)
    _escalate(other, org, {"director": director})
    with translation.override("en"):
        services.route_escalation(case_id=other.pk, level="town")
    notification = Notification.objects.get(recipient=town_user)
    assert (notification.message, notification.params["number"]) == ("提级上报事项待办：%(number)s %(title)s", other.number)


def test_case_keeps_its_first_escalation_and_latest_satisfaction(org, cadre, director, town_user):
    case = register(org.center, cadre)
    _escalate(case, org, {"director": director})
    first = Case.objects.get(pk=case.pk).escalated_at
    services.route_escalation(case_id=case.pk, level="town")
    services.escalate_case(case_id=case.pk, from_level="town", actor=town_user, reason="跨镇")
    assert Case.objects.get(pk=case.pk).escalated_at == first
    other = _closed(org, cadre, director)
    for answer in ["unsatisfied", "basically"]:
        services.record_follow_up(case_id=other.pk, actor=director, performance="na", risk="", satisfaction=answer,
                                  note="", reopen=False, keep_closed_reason="诉求超出调解范围")
    assert Case.objects.get(pk=other.pk).satisfaction == "basically"
