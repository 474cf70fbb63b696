"""The status a person reads says where the case is and who it waits on, at every step of the lifecycle."""

from __future__ import annotations

import pytest

from cases import services
from cases.models import Case
from cases.progress import case_progress, with_pending_summons

from .helpers import register

pytestmark = pytest.mark.django_db


def _progress(case: Case) -> tuple[str, str, str]:
    fresh = with_pending_summons(Case.objects.select_related("holder")).get(pk=case.pk)
    progress = case_progress(fresh)
    return progress.code, progress.label, progress.waits_on


def test_a_joint_case_from_intake_to_reopening(org, director, department_user):
    case = register(org.center, director)
    assert _progress(case) == ("accepted", "已受理", "等待西凡各庄村确定办理路径")

    services.choose_path(case_id=case.pk, actor=director, path="joint")
    assert _progress(case)[:2] == ("handling", "办理中")

    whistle = services.blow_whistle(case_id=case.pk, actor=director, matter="请报到", departments=[org.justice_office])
    assert _progress(case) == ("awaiting_departments", "待部门报到", "等待被吹哨部门报到")

    services.report_in(summons_id=whistle.summonses.get().pk, actor=department_user, note="到", attended=True)
    assert _progress(case) == ("handling", "办理中", "等待西凡各庄村办结")

    services.archive_case(case_id=case.pk, actor=director, outcome="resolved", summary="已化解")
    assert _progress(case) == ("closed", "已办结", "")

    services.record_follow_up(case_id=case.pk, actor=director, performance="na", risk="", satisfaction="unsatisfied",
                              note="", reopen=True)
    assert _progress(case) == ("reopened", "重新办理", "等待西凡各庄村重新办理")


def test_an_escalated_case_waits_for_routing_then_for_the_town(org, director, town_user):
    case = register(org.center, director)
    services.escalate_case(case_id=case.pk, from_level="village", actor=director, reason="本村无法化解")
    assert _progress(case) == ("escalated", "已提级待接收", "等待系统转交上级（镇/街道）")

    services.route_escalation(case_id=case.pk, level="town")
    assert _progress(case) == ("escalated", "已提级待接收", "等待峪口地区受理")

    services.choose_path(case_id=case.pk, actor=town_user, path="direct")
    assert _progress(case) == ("handling", "办理中", "等待峪口地区办结")


def test_a_transferred_case_waits_for_feedback(org, director):
    case = register(org.center, director)
    services.transfer_case(case_id=case.pk, actor=director, target="department", department=org.justice_office,
                           reason="依法移交")
    assert _progress(case) == ("transferred", "已移交待反馈", "等待接收单位反馈")


def test_case_page_shows_the_derived_status_and_the_levels_of_an_escalation(org, director, town_user, client_for):
    case = register(org.center, director)
    services.escalate_case(case_id=case.pk, from_level="village", actor=director, reason="本村无法化解")
    services.route_escalation(case_id=case.pk, level="town")

    page = client_for(town_user).get(case.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-progress="escalated"' in html and "已提级待接收" in html
    assert "等待峪口地区受理" in html
    assert "村/社区 → 镇/街道" in html


def test_ledger_shows_the_derived_status(org, director, client_for):
    case = register(org.center, director)
    services.choose_path(case_id=case.pk, actor=director, path="joint")
    services.blow_whistle(case_id=case.pk, actor=director, matter="请报到", departments=[org.justice_office])
    page = client_for(director).get("/cases/")
    assert page.status_code == 200
    assert 'data-progress="awaiting_departments"' in page.content.decode()
