"""Events stored as data (a kind and its facts) read as a sentence in the reader's language.

Events written before the facts were stored are converted by migration 0011; converted and new events
store the same thing and read the same, in Chinese and in English. Notifications likewise.
"""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone, translation

from cases import services
from cases.hotline.messages import site_note
from cases.models import Case, CaseEvent, FollowUp
from pinggu_center.models import Notification
from tests.factories import DepartmentFactory

from .helpers import register

pytestmark = pytest.mark.django_db

event_migration = importlib.import_module("cases.migrations.0011_event_notes_to_facts")
notification_migration = importlib.import_module("pinggu_center.migrations.0007_notification_texts_to_messages")


def _lines(case: Case, language: str) -> list[str]:
    with translation.override(language):
        return [event.describe() for event in case.events.order_by("at", "pk")]


def _busy_case(org, cadre, director, department_user) -> Case:
    """One case through most kinds of event: path, whistle, report-in, rating, agreement, confirmation, follow-up."""
    case = register(org.center, cadre)
    services.choose_path(case_id=case.pk, actor=director, path="joint")
    whistle = services.blow_whistle(case_id=case.pk, actor=director, matter="宅基地界址",
                                    departments=[org.justice_office, DepartmentFactory(division=org.town, name="派出所")])
    summons = whistle.summonses.get(department=org.justice_office)
    services.report_in(summons_id=summons.pk, actor=department_user, note="已到场", attended=True)
    services.rate_department(summons_id=summons.pk, actor=director, rating=4, comment="响应及时")
    today = timezone.localdate()
    services.save_agreement(case_id=case.pk, actor=director, parties_details="张三", facts="漏水", disputed_matters="费用",
                            terms="赔偿", performance="一次性", performance_due=today + timedelta(days=10),
                            effective_on=today, mediator_name="王调解", signatures_recorded=True)
    services.record_confirmation(case_id=case.pk, actor=director, applied_on=today, court=org.district_court,
                                 result="confirmed")
    services.extend_deadline(case_id=case.pk, actor=director, new_due=timezone.now() + timedelta(days=90),
                             consent="双方同意")
    services.remind_deadline(case_id=case.pk)
    services.archive_case(case_id=case.pk, actor=director, outcome="resolved", summary="双方和解")
    services.record_follow_up(case_id=case.pk, actor=director, performance="performed", risk="",
                              satisfaction=FollowUp.Satisfaction.UNSATISFIED, note="仍有意见", reopen=True)
    return case


def _moving_case(org, cadre, director, town_user) -> Case:
    """One case escalated by a person and by the overdue sweep, routed, and transferred."""
    case = register(org.center, cadre, source=Case.Source.HOTLINE)
    services.escalate_case(case_id=case.pk, from_level="village", actor=director, reason="涉及多户")
    services.route_escalation(case_id=case.pk, level="town")
    Case.objects.filter(pk=case.pk).update(resolution_due=timezone.now() - timedelta(hours=1))
    services.escalate_case(case_id=case.pk, from_level="town", actor=None, automatic=True)
    services.route_escalation(case_id=case.pk, level="district")
    other = register(org.center, cadre, kind=Case.Kind.ENFORCEMENT)
    services.transfer_case(case_id=register(org.center, cadre).pk, actor=director, target="department",
                           department=org.justice_office, reason="法律咨询")
    return Case.objects.filter(pk__in=[case.pk, other.pk])


def test_new_events_read_as_the_sentences_that_used_to_be_stored_and_in_english(org, cadre, director, department_user):
    case = _busy_case(org, cadre, director, department_user)
    chinese = _lines(case, "zh-hans")
    due = timezone.localtime(Case.objects.get(pk=case.pk).reminded_for_due).strftime("%Y-%m-%d %H:%M")
    office = org.justice_office.name
    assert chinese == [
        "来源：日常/定期接待",
        "复杂矛盾联合评",
        f"吹哨：{office}、派出所",
        f"{office}：已到场",
        f"{office}：4 分。响应及时",
        f"履行期限：{timezone.localdate() + timedelta(days=10)}",
        f"{org.district_court.name}：已确认有效",
        f"延至 {timezone.localtime(timezone.now() + timedelta(days=90)):%Y-%m-%d}；双方同意",
        f"办结期限：{due}",
        "已化解：双方和解",
        "不满意。仍有意见",
        "回访不满意，重新办理。",
    ]
    english = _lines(case, "en")
    assert (english[0], english[-1]) == ("Source: Regular reception", "Not satisfied at follow-up; reopened.")
    assert f"{office}: 4 points. 响应及时" in english  # names and a person's words stay as written
    # Only a person's words are stored as text; the rest are facts.
    stored = list(case.events.order_by("at", "pk").values_list("note", flat=True))
    assert [note for note in stored if note] == ["已到场", "响应及时", "双方同意", "双方和解", "仍有意见"]


def test_system_reasons_are_facts_and_a_persons_reason_is_kept_as_written(org, cadre, director, town_user):
    cases = _moving_case(org, cadre, director, town_user)
    escalated = CaseEvent.objects.filter(case__in=cases, kind=CaseEvent.Kind.ESCALATED).order_by("pk")
    assert [(event.note, event.data) for event in escalated] == [("涉及多户", {}), ("", {"reason": "overdue"})]
    with translation.override("en"):
        assert escalated[1].describe() == "Past the due date at this level; escalated automatically."
    routed = CaseEvent.objects.filter(case__in=cases, kind=CaseEvent.Kind.ROUTED).order_by("pk")
    with translation.override("en"):
        assert [event.describe() for event in routed] == [f"Taken over by {org.town.name}",
                                                          f"Taken over by {org.district.name}"]
    transfer = CaseEvent.objects.filter(kind=CaseEvent.Kind.TRANSFERRED, data__reason="enforcement").get()
    assert transfer.note == "" and transfer.describe().endswith("执法类事项，按“三协同”机制移交综合执法。")


def _stored(event: CaseEvent) -> tuple[dict, str]:
    data = dict(event.data)
    if event.kind == CaseEvent.Kind.TRANSFERRED and data.get("department") and data.get("reason") != "enforcement":
        data.pop("target")  # an old sentence names the receiver, not whether it was a department or a court
    return data, event.note


def test_converted_old_events_store_and_read_the_same_as_new_ones(org, cadre, director, department_user, town_user):
    _busy_case(org, cadre, director, department_user)
    _moving_case(org, cadre, director, town_user)
    new = list(CaseEvent.objects.order_by("pk"))
    # Rewrite every event as the services used to store it: the Chinese sentence in the note, no facts.
    with translation.override("zh-hans"):
        old_style = {event.pk: event.describe() for event in new}
    CaseEvent.objects.update(data={})
    for pk, sentence in old_style.items():
        CaseEvent.objects.filter(pk=pk).update(note=sentence)
    assert CaseEvent.objects.filter(data={}).count() == len(new)

    event_migration.convert(apps, None)

    converted = {event.pk: event for event in CaseEvent.objects.all()}
    assert {pk: _stored(e) for pk, e in converted.items()} == {e.pk: _stored(e) for e in new}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert [converted[e.pk].describe() for e in new] == [e.describe() for e in new]


def test_an_unknown_old_sentence_is_left_as_written(org, cadre):
    case = register(org.center, cadre)
    CaseEvent.objects.bulk_create([CaseEvent(case=case, kind=CaseEvent.Kind.ARCHIVED, level="village", note="手写的旧记录")])
    event_migration.convert(apps, None)
    event = case.events.get(kind=CaseEvent.Kind.ARCHIVED)
    assert (event.data, event.note, event.describe()) == ({}, "手写的旧记录", "手写的旧记录")


def test_the_hotline_hears_the_sentence_in_the_sites_language(org, cadre, director):
    case = register(org.center, cadre)
    services.archive_case(case_id=case.pk, actor=director, outcome="resolved", summary="已答复 13800001234")
    event = case.events.get(kind=CaseEvent.Kind.ARCHIVED)
    with translation.override("en"):
        assert site_note(event) == "已化解：已答复 138****34"


def test_notifications_render_in_the_readers_language_and_old_ones_convert(org, cadre, director, town_user):
    case = register(org.center, cadre)
    with translation.override("en"):  # the actor's language does not decide what the recipient reads
        services.escalate_case(case_id=case.pk, from_level="village", actor=director, reason="涉及多户")
        services.route_escalation(case_id=case.pk, level="town")
    notification = Notification.objects.get(recipient=town_user)
    expected_zh = f"提级上报事项待办：{case.number} {case.title}"
    with translation.override("zh-hans"):
        assert notification.render() == expected_zh
    with translation.override("en"):
        assert notification.render() == f"Escalated case to handle: {case.number} {case.title}"

    Notification.objects.filter(pk=notification.pk).update(message="", params={}, text=expected_zh)
    Notification.objects.create(recipient=town_user, key="legacy", text="一条旧的自由文本通知")
    notification_migration.convert(apps, None)
    with translation.override("en"):
        assert Notification.objects.get(pk=notification.pk).render() == f"Escalated case to handle: {case.number} {case.title}"
        assert Notification.objects.get(key="legacy").render() == "一条旧的自由文本通知"
