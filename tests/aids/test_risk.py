"""矛盾风险预警 on constructed data: each rule fires where it should and not in a control village with ordinary
activity; a second scan raises nothing new; handling writes the timeline; pages are scoped."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from aids import risk, services
from aids.models import RiskWarning
from cases.models import Case, CaseEvent, Category
from pinggu_center.models import Level, Notification
from tests.cases.factories import CaseEventFactory, CaseFactory, PartyFactory
from tests.factories import CenterFactory, UserFactory, VillageFactory
from visits.models import Household, Visit

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def control(org):
    """A village of the same town with ordinary activity: a steady trickle of cases of every kind, nothing odd."""
    village = VillageFactory(name="鲍家庄村", code="110117104202", parent=org.town)
    center = CenterFactory(division=village)
    categories = list(Category.objects.order_by("code")[:4])
    for month in range(13):
        for n, category in enumerate(categories):
            at = NOW - timedelta(days=30 * month + 3 + n)
            case = CaseFactory(center=center, category=category, registered_at=at, title="邻里口角",
                               description="两户因小事发生口角，经劝解平息。")
            PartyFactory(case=case, phone=f"137{month:02d}{n:06d}")
            PartyFactory(case=case, phone=f"136{month:02d}{n:06d}")
    household = Household.objects.create(division=village, address="鲍家庄村1号", head_name="赵老汉")
    for days, category in zip((10, 40, 70), categories[:3], strict=True):
        Visit.objects.create(household=household, division=village, visited_on=NOW.date() - timedelta(days=days),
                             raised="反映情况", category=category)
    return village


def kinds_for(findings, division) -> set[str]:
    return {f.kind for f in findings if f.division_id == division.pk}


def test_repeat_party(org, control, clock):
    for days in (5, 30, 80):
        PartyFactory(case=CaseFactory(center=org.center, registered_at=NOW - timedelta(days=days)), phone="13800001111",
                     name="周桂荣")
    PartyFactory(case=CaseFactory(center=org.center, registered_at=NOW - timedelta(days=120)), phone="13800002222")
    for days in (5, 30):
        PartyFactory(case=CaseFactory(center=org.center, registered_at=NOW - timedelta(days=days)), phone="13800002222")
    findings = risk.repeat_parties(timezone.now())
    assert [f.subject for f in findings] == ["当事人周桂荣（138****1111）90 日内 3 件事项"]
    assert findings[0].division_code == org.village.code and len(findings[0].case_numbers) == 3
    assert not kinds_for(risk.scan(), control)


def test_repeat_visit(org, control, clock):
    household = Household.objects.create(division=org.village, address="西凡各庄村5号", head_name="刘老太")
    category = Category.objects.get(code="infrastructure")
    for days in (5, 50, 100):
        Visit.objects.create(household=household, division=org.village, visited_on=NOW.date() - timedelta(days=days),
                             raised="门前排水沟破损，雨天污水进院。", category=category)
    findings = risk.repeat_visits(timezone.now())
    assert len(findings) == 1 and "刘老太" in findings[0].subject and "基础设施" in findings[0].subject
    cleared = Household.objects.create(division=org.village, address="西凡各庄村6号", head_name="王大爷")
    done = CaseFactory(center=org.center, status=Case.Status.CLOSED, closure=Case.Closure.ARCHIVE,
                       outcome=Case.Outcome.RESOLVED, closed_at=timezone.now())
    for days in (5, 50, 100):
        Visit.objects.create(household=cleared, division=org.village, visited_on=NOW.date() - timedelta(days=days),
                             raised="路灯不亮。", category=category, case=done, needs_action=True)
    assert len(risk.repeat_visits(timezone.now())) == 1


def test_poisson_bound():
    assert risk.poisson_upper(1.0) == 3  # P(X ≤ 2) = 0.920, P(X ≤ 3) = 0.981
    assert risk.poisson_upper(0.0) == 0
    assert risk.poisson_upper(4.0) == 8  # P(X ≤ 7) = 0.949, P(X ≤ 8) = 0.979


def test_category_spike_against_the_villages_own_level(org, control, clock):
    neighbour = Category.objects.get(code="neighbour")
    for month in range(1, 13):
        CaseFactory(center=org.center, category=neighbour, registered_at=NOW - timedelta(days=30 * month))
    for day in range(5):
        CaseFactory(center=org.center, category=neighbour, registered_at=NOW - timedelta(days=day, hours=1))
    findings = risk.category_spikes(timezone.now())
    assert [(f.division_id, f.evidence["count"], f.evidence["bound"]) for f in findings] == [(org.village.pk, 5, 3)]
    assert "邻里纠纷" in findings[0].subject
    # the control village's usual four categories a month stay quiet
    assert not kinds_for(risk.scan(), control)


def test_reopened_twice_and_overdue_at_two_levels(org, control, clock):
    reopened = CaseFactory(center=org.center, status=Case.Status.HANDLING)
    once = CaseFactory(center=org.center, status=Case.Status.HANDLING)
    for _ in range(2):
        CaseEventFactory(case=reopened, kind=CaseEvent.Kind.REOPENED)
    CaseEventFactory(case=once, kind=CaseEvent.Kind.REOPENED)
    overdue = CaseFactory(center=org.center, level=Level.TOWN, holder=org.town, status=Case.Status.REGISTERED,
                          resolution_due=NOW - timedelta(days=1))
    CaseEventFactory(case=overdue, kind=CaseEvent.Kind.ESCALATED, automatic=True)
    findings = risk.repeated_failures(timezone.now())
    assert sorted(f.case_numbers[0] for f in findings) == sorted([reopened.number, overdue.number])


def test_words_of_violence_or_many_parties(org, control, clock):
    threat = CaseFactory(center=org.center, title="宅基地纠纷", description="对方扬言要拿刀砍人，还说要喝农药。")
    crowd = CaseFactory(center=org.center, title="土地流转款", description="村民对分配有意见。")
    for n in range(5):
        PartyFactory(case=crowd, phone=f"1350000000{n}")
    CaseFactory(center=org.center, title="外出打工工资", description="在外打工被拖欠工资。")
    findings = {f.case_numbers[0]: f for f in risk.escalation_risks(timezone.now())}
    assert set(findings) == {threat.number, crowd.number}
    assert findings[threat.number].evidence["words"] == ["喝农药", "扬言", "拿刀", "砍人"]
    assert "5 名当事人" in findings[crowd.number].subject


@pytest.fixture
def warned(org, control, clock, director, town_user):
    for days in (5, 30, 80):
        PartyFactory(case=CaseFactory(center=org.center, registered_at=NOW - timedelta(days=days)), phone="13800001111")
    CaseFactory(center=org.center, title="邻里纠纷", description="扬言要放火烧了他家。")
    return services.raise_warnings(risk.scan())


def test_scan_twice_raises_nothing_new_and_notifies_director_and_town(warned, director, town_user, cadre, control):
    assert {w.kind for w in warned} == {"repeat_party", "escalation_risk"}
    assert not RiskWarning.objects.filter(division=control).exists()
    assert services.raise_warnings(risk.scan()) == []
    assert RiskWarning.objects.count() == 2
    for user in (director, town_user):
        assert Notification.objects.filter(recipient=user, key__startswith="risk:").count() == 2
    assert not Notification.objects.filter(recipient=cadre, key__startswith="risk:").exists()


def test_handled_warning_is_not_raised_again_but_new_evidence_is(warned, org, director, clock):
    party = next(w for w in warned if w.kind == "repeat_party")
    services.handle_warning(warning_id=party.pk, actor=director, note="已入户谈心，双方情绪稳定。")
    assert services.raise_warnings(risk.scan()) == []
    PartyFactory(case=CaseFactory(center=org.center, registered_at=NOW - timedelta(days=1)), phone="13800001111")
    again = services.raise_warnings(risk.scan())
    assert [w.kind for w in again] == ["repeat_party"] and again[0].cases.count() == 4


def test_handling_writes_the_note_into_each_cases_timeline(warned, director, cadre, client_for):
    warning = next(w for w in warned if w.kind == "repeat_party")
    url = reverse("aids:warning_handle", args=[warning.pk])
    client_for(cadre).post(url, {"note": "看过了"})
    warning.refresh_from_db()
    assert warning.status == RiskWarning.Status.OPEN  # a cadre may not handle it
    response = client_for(director).post(url, {"note": "已入户谈心，双方情绪稳定。"})
    assert response.status_code == 302
    warning.refresh_from_db()
    assert warning.status == RiskWarning.Status.HANDLED and warning.handled_by == director
    notes = CaseEvent.objects.filter(kind=CaseEvent.Kind.NOTE, case__in=warning.cases.all())
    assert notes.count() == 3 and all("已入户谈心" in e.note for e in notes)


def test_pages_are_scoped(warned, org, director, other_director, town_user, district_admin, client_for):
    warning = warned[0]
    detail = reverse("aids:warning_detail", args=[warning.pk])
    assert client_for(other_director).get(detail).status_code == 404
    other_town = UserFactory(username="dxz", role="town_staff", division=org.other_town)
    assert client_for(other_town).get(detail).status_code == 404
    for user in (director, town_user, district_admin):
        response = client_for(user).get(detail)
        assert response.status_code == 200 and warning.subject in response.content.decode()
    listing = client_for(other_director).get(reverse("aids:warning_list"))
    assert listing.status_code == 200 and warning.subject not in listing.content.decode()
    filtered = client_for(district_admin).get(reverse("aids:warning_list"), {"kind": "escalation_risk"})
    html = filtered.content.decode()
    assert filtered.status_code == 200 and "扬言" in html and "138****1111" not in html
    assert "泊松" in html  # the rule is stated on the page
    assert client_for(district_admin).get(reverse("aids:warning_list"), {"kind": "nope"}).status_code == 400


def test_start_pages_show_the_count(warned, director, town_user, district_admin, client_for):
    for user, name in ((director, "dashboards:village_workbench"), (town_user, "dashboards:town_page"),
                       (district_admin, "dashboards:district_review")):
        response = client_for(user).get(reverse(name))
        assert response.status_code == 200
        assert 'data-testid="risk-count">2<' in response.content.decode(), name


def test_risk_scan_command_prints_json(org, control, clock):
    CaseFactory(center=org.center, title="纠纷", description="有人扬言要集体上访。")
    out = StringIO()
    call_command("risk_scan", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert rows and set(rows[0]) == {"kind", "division_code", "subject", "cases"}
    assert rows[0]["division_code"] == org.village.code and rows[0]["cases"][0].startswith("PG-")
    assert RiskWarning.objects.count() == len(rows)


def test_warnings_export_holds_the_filtered_rows_in_scope(warned, other_director, district_admin, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_for(district_admin).get(reverse("aids:warning_export"), {"kind": "repeat_party"})
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "同一当事人反复来访"
    mine = client_for(other_director).get(reverse("aids:warning_export"))
    assert len(list(load_workbook(BytesIO(mine.content)).active.iter_rows(values_only=True))) == 1


def test_daily_task_run_twice_raises_nothing_new(org, control, clock):
    from aids.tasks import scan_risks

    CaseFactory(center=org.center, title="纠纷", description="当事人扬言要跳楼。")
    assert scan_risks() == 1
    assert scan_risks() == 0
    assert RiskWarning.objects.count() == 1
