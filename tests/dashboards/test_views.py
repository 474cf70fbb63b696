"""The dashboards' pages: what they list, who may see them (404 outside scope), exports and their audit."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases import tally
from cases.models import Agreement, Case, FollowUp
from dashboards.models import ExportJob
from dashboards.tasks import build_export
from pinggu_center.models import AuditLog
from tests.cases.factories import CaseFactory, SummonsFactory, WhistleFactory
from tests.factories import MemberFactory
from tests.pages import shown

pytestmark = pytest.mark.django_db


def _agreement(case: Case, effective_days_ago: int, director) -> Agreement:
    today = timezone.localdate()
    return Agreement.objects.create(
        case=case,
        parties_details="甲、乙",
        facts="事实",
        disputed_matters="争议",
        terms="条款",
        performance="一次性",
        performance_due=today,
        effective_on=today - timedelta(days=effective_days_ago),
        mediator_name="调解员",
        created_by=director,
    )


def test_workbench_lists_what_needs_the_director_today(org, director, client_for):
    now = timezone.now()
    new = CaseFactory(center=org.center, title="新登记的漏水纠纷", resolution_due=now + timedelta(days=9))
    near = CaseFactory(
        center=org.center,
        status="handling",
        path="direct",
        title="快到期的纠纷",
        resolution_due=now + timedelta(hours=20),
    )
    whistle = WhistleFactory(
        case__center=org.center,
        case__title="吹哨事项",
        case__registered_by=director,
        case__resolution_due=now + timedelta(days=9),
        blown_by=director,
    )
    SummonsFactory(whistle=whistle, department=org.justice_office)
    running_out = _agreement(
        CaseFactory(center=org.center, status="handling", title="协议待确认", resolution_due=now + timedelta(days=9)),
        25,
        director,
    )
    _agreement(CaseFactory(center=org.center, status="handling", resolution_due=now + timedelta(days=9)), 5, director)
    due = CaseFactory(
        center=org.center,
        status="closed",
        closure="archive",
        outcome="resolved",
        title="待回访事项",
        closed_at=now - timedelta(days=8),
    )
    done = CaseFactory(
        center=org.center,
        status="closed",
        closure="archive",
        outcome="resolved",
        title="已回访事项",
        closed_at=now - timedelta(days=8),
    )
    FollowUp.objects.create(case=done, performance="na", satisfaction="satisfied")
    CaseFactory(center=org.other_center, title="别村的事项")

    response = client_for(director).get(reverse("dashboards:village_workbench"))

    assert response.status_code == 200
    assert [c.pk for c in shown(response, "new_cases")] == [new.pk]
    assert [c.pk for c in shown(response, "deadlines")] == [near.pk]
    assert [s.whistle_id for s in shown(response, "waiting")] == [whistle.pk]
    assert [a.pk for a in shown(response, "confirmations")] == [running_out.pk]
    assert [c.pk for c in shown(response, "follow_ups")] == [due.pk]
    assert "别村的事项" not in response.content.decode()
    assert 'id="intake-data"' in response.content.decode()
    assert reverse("cases:case_detail", args=[new.pk]) in response.content.decode()


def test_other_village_is_404(org, director, client_for):
    client = client_for(director)
    assert client.get(reverse("dashboards:village_workbench", args=[org.other_village.pk])).status_code == 404
    assert client.get(reverse("dashboards:contact_card", args=[org.other_center.pk])).status_code == 404
    assert client.get(reverse("dashboards:village_review", args=[org.other_village.pk])).status_code == 404
    export = reverse("dashboards:export_table") + f"?kind=cases&division={org.other_village.pk}"
    assert client.get(export).status_code == 404
    assert (
        client.post(
            reverse("dashboards:export_job_create"), {"kind": "cases", "division": org.other_village.pk}
        ).status_code
        == 404
    )
    assert client.get(reverse("dashboards:district_review")).status_code == 404
    assert client.get(reverse("dashboards:export_table") + "?kind=towns").status_code == 404


def test_someone_elses_export_job_is_404(org, director, other_director, client_for):
    job = ExportJob.objects.create(user=other_director, kind="cases", params={})
    client = client_for(director)
    assert client.get(reverse("dashboards:export_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("dashboards:export_job_download", args=[job.pk])).status_code == 404


def test_district_review_drills_down(org, district_admin, client_for):
    CaseFactory(center=org.center)
    client = client_for(district_admin)
    response = client.get(reverse("dashboards:district_review"))
    assert response.status_code == 200
    town_url = reverse("dashboards:town_review", args=[org.town.pk])
    assert town_url in response.content.decode()
    assert "口径" in response.content.decode()
    response = client.get(town_url)
    village_url = reverse("dashboards:village_review", args=[org.village.pk])
    assert village_url in response.content.decode()
    assert shown(client.get(village_url), "page").paginator.count == 1


def test_bad_dates_are_refused_with_a_message(org, district_admin, client_for):
    client = client_for(district_admin)
    response = client.get(reverse("dashboards:district_review"), {"start": "2026-05-01", "end": "2026-01-01"})
    assert response.status_code == 400
    assert "开始日期不能晚于结束日期。" in response.content.decode()
    assert client.get(reverse("dashboards:district_review"), {"start": "不是日期"}).status_code == 400
    export = client.get(reverse("dashboards:export_table"), {"kind": "nonsense"})
    assert export.status_code == 400 and "未知的导出内容。" in export.content.decode()


def test_town_page_shows_the_inbox_and_whistles(org, town_user, director, client_for):
    escalated = CaseFactory(center=org.center, level="town", holder=org.town, closure="escalate", title="提级事项")
    whistle = WhistleFactory(case__center=org.center, case__registered_by=director, blown_by=director)
    SummonsFactory(whistle=whistle, department=org.justice_office)
    response = client_for(town_user).get(reverse("dashboards:town_page"))
    assert response.status_code == 200
    assert [c.pk for c in shown(response, "inbox")] == [escalated.pk]
    assert [s.whistle_id for s in shown(response, "whistles")] == [whistle.pk]
    assert [row["division"].pk for row in shown(response, "table")] == [org.village.pk]


def test_table_export_is_audited_and_has_the_rows(org, district_admin, client_for):
    CaseFactory(center=org.center)
    response = client_for(district_admin).get(reverse("dashboards:export_table"), {"kind": "towns"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "镇街"
    assert ("峪口地区", 1) in [row[:2] for row in rows[2:]]
    assert AuditLog.objects.filter(action=AuditLog.Action.EXPORT, actor=district_admin).count() == 1


def test_big_export_runs_as_a_job(org, director, client_for, django_capture_on_commit_callbacks, monkeypatch):
    CaseFactory.create_batch(3, center=org.center)
    queued = []
    monkeypatch.setattr(build_export, "delay", lambda job_id: queued.append(job_id))
    client = client_for(director)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dashboards:export_job_create"), {"kind": "cases", "division": org.village.pk})
    job = ExportJob.objects.get()
    assert queued == [job.pk]
    assert response.url == reverse("dashboards:export_job", args=[job.pk])
    progress = client.get(reverse("dashboards:export_job_progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in progress

    assert build_export(job.pk) == "done"
    assert build_export(job.pk) == "already-claimed"  # a redelivery changes nothing
    job.refresh_from_db()
    assert (job.status, job.progress) == ("done", 100)
    assert "hx-trigger" not in client.get(reverse("dashboards:export_job_progress", args=[job.pk])).content.decode()
    download = client.get(reverse("dashboards:export_job_download", args=[job.pk]))
    rows = list(load_workbook(BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True))
    assert len(rows) == 2 + 3
    assert AuditLog.objects.filter(action=AuditLog.Action.EXPORT).count() == 2  # built, downloaded


def test_contact_card_has_roster_and_qr(org, director, client_for):
    MemberFactory(center=org.center, name="王调解", phone="13800001111", role_codes=["mediator"])
    MemberFactory(center=org.center, name="不上卡", phone="13800002222", role_codes=["grid"])
    response = client_for(director).get(reverse("dashboards:contact_card", args=[org.center.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "王调解" in body and "13800001111" in body and "不上卡" not in body
    assert "data:image/svg+xml" in body
    assert f"/public/{org.village.code}/report/" in body


def test_cadre_home_lists_own_cases_and_links(org, cadre, client_for):
    CaseFactory(center=org.center, registered_by=cadre, title="我登记的")
    body = client_for(cadre).get(reverse("dashboards:cadre_home")).content.decode()
    assert "我登记的" in body
    assert reverse("cases:case_create") + "?source=grid" in body


def test_month_cards_count_each_case_once(org, director, client_for):
    now = timezone.now()
    closed = CaseFactory(center=org.center, status="closed", closure="archive", outcome="resolved", closed_at=now)
    for satisfaction in ("unsatisfied", "satisfied"):  # counted as record_follow_up counts them
        tally.count_follow_up(closed, FollowUp.objects.create(case=closed, performance="na", satisfaction=satisfaction))
    CaseFactory(center=org.center)
    cards = shown(client_for(director).get(reverse("dashboards:village_workbench")), "cards")
    assert cards == {"intake": 2, "closed": 1, "followed_up": 2, "satisfied": 1}


def test_town_staff_review_their_own_town_only(org, town_user, auditor, client_for):
    client = client_for(town_user)
    assert client.get(reverse("dashboards:town_review", args=[org.town.pk])).status_code == 200
    assert client.get(reverse("dashboards:town_review", args=[org.other_town.pk])).status_code == 404
    assert client.get(reverse("dashboards:village_review", args=[org.other_village.pk])).status_code == 404
    assert client.get(reverse("dashboards:district_review")).status_code == 404
    assert client_for(auditor).get(reverse("dashboards:district_review")).status_code == 200


def test_town_whistles_export(org, town_user, director, client_for):
    whistle = WhistleFactory(case__center=org.center, case__registered_by=director, blown_by=director)
    SummonsFactory(whistle=whistle, department=org.justice_office)
    client = client_for(town_user)
    response = client.get(reverse("dashboards:export_table"), {"kind": "whistles", "division": org.town.pk})
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[2][:3] == (whistle.case.number, whistle.case.title, "峪口地区司法所")
    other = client.get(reverse("dashboards:export_table"), {"kind": "whistles", "division": org.other_town.pk})
    assert other.status_code == 404
    wrong_level = client.get(reverse("dashboards:export_table"), {"kind": "whistles", "division": org.village.pk})
    assert wrong_level.status_code == 400 and "所选区划的层级不符。" in wrong_level.content.decode()


def test_rates_and_monthly_rows_link_the_period_escape_names_and_show_the_figures(org, district_admin, client_for):
    org.town.name = "<i>峪口地区</i>"
    org.town.save()
    CaseFactory(center=org.center)
    response = client_for(district_admin).get(reverse("dashboards:district_review"),
                                              {"start": "2026-01-01", "end": "2026-12-31"})
    text = response.content.decode()
    table = text[text.index('data-testid="rates-table"'):]
    table = table[:table.index("</table>")]
    town_url = reverse("dashboards:town_review", args=[org.town.pk])
    assert f'<a href="{town_url}?start=2026-01-01&amp;end=2026-12-31">&lt;i&gt;峪口地区&lt;/i&gt;</a>' in table
    assert "<i>峪口地区" not in text
    figures = [row["intake"] for row in shown(response, "table")]
    assert sorted(figures) == [0, 1]  # the town with the case, and the other town with none
    months = text[text.index('data-testid="monthly-table"'):]
    months = months[:months.index("</table>")]
    assert months.count("<tr>") == 13 and "2026年1月" in months and "2026年12月" in months
