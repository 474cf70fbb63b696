"""The report page, its Excel file and the lock buttons: scoped, constant queries, layout as filed."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from cases.mediation_report.models import MediationRecord, ReportLock
from cases.models import CaseEvent
from pinggu_center.models import AuditLog

from .helpers import archive, fields, local, register

pytestmark = pytest.mark.django_db
URL = reverse("dashboards:mediation_report")


def _get(client, **params):
    return client.get(URL, params)


@pytest.fixture
def closed(org, director, other_director):
    a = register(org.center, director, at=local(2026, 8, 1, 9), parties=2)
    archive(a, director, at=local(2026, 8, 3, 9), report=fields(people=3, amount="1234.5", fight=True,
                                                                 fight_people=3))
    b = register(org.other_center, other_director, at=local(2026, 8, 1, 9), category="contract")
    archive(b, other_director, at=local(2026, 8, 4, 9), report=fields(succeeded=False, agreement="none"))
    return a


@time_machine.travel(local(2027, 1, 5, 9), tick=False)
def test_district_page_shows_towns_totals_and_the_definitions(client_for, district_admin, org, closed):
    response = _get(client_for(district_admin), division=org.district.pk, period="2026-Q3")
    assert response.status_code == 200
    text = response.content.decode()
    table = text[text.index('id="mediation-report"'):text.index("</table>")]
    assert "峪口地区" in table and "大兴庄镇" in table and "合计" in table
    assert "1,234.50" in table and "50.0" in table  # amount and the success rate of the total (1 of 2)
    assert "调解成功率 = 调解成功件数 ÷ 调解纠纷件数 × 100%" in text
    assert "只计入镇街（或区）的“直接调解”一行" in text
    assert "拒绝修改" in text  # the lock policy is stated on the page


@time_machine.travel(local(2027, 1, 5, 9), tick=False)
def test_each_town_links_to_its_report_for_the_same_period_and_names_are_escaped(client_for, district_admin, org,
                                                                                  closed):
    org.other_town.name = "<b>大兴庄镇</b>"
    org.other_town.save()
    text = _get(client_for(district_admin), division=org.district.pk, period="2026-Q3").content.decode()
    table = text[text.index('id="mediation-report"'):text.index("</table>")]
    assert f'<a href="{URL}?division={org.town.pk}&amp;period=2026-Q3">峪口地区</a>' in table
    assert "&lt;b&gt;大兴庄镇&lt;/b&gt;</a>" in table and "<b>大兴庄镇" not in table
    assert "区级直接调解）</th>" in table  # the district's own row links nowhere, nor does the total
    assert "?division=" not in table[table.index("<tfoot"):]


@time_machine.travel(local(2027, 1, 5, 9), tick=False)
def test_outside_the_scope_is_404(client_for, director, other_director, town_user, org):
    assert _get(client_for(director), division=org.other_village.pk, period="2026").status_code == 404
    assert _get(client_for(director), division=org.town.pk, period="2026").status_code == 404
    assert _get(client_for(town_user), division=org.other_town.pk, period="2026").status_code == 404
    assert _get(client_for(town_user), division="x", period="2026").status_code == 404
    assert _get(client_for(director), division=org.village.pk, period="2026").status_code == 200


@time_machine.travel(local(2027, 1, 5, 9), tick=False)
def test_a_bad_period_is_a_400_with_a_message(client_for, director, org):
    response = _get(client_for(director), division=org.village.pk, period="2026-Q5")
    assert response.status_code == 400
    assert "统计期间无效" in response.content.decode()


@time_machine.travel(local(2027, 1, 5, 9), tick=False)
def test_query_count_does_not_grow_with_the_cases(client_for, district_admin, org, director,
                                                  django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(district_admin)
    with CaptureQueriesContext(connection) as empty:
        assert _get(client, division=org.district.pk, period="2026").status_code == 200
    for day in range(1, 6):
        case = register(org.center, director, at=local(2026, 3, day, 9))
        archive(case, director, at=local(2026, 3, day, 12))
    with CaptureQueriesContext(connection) as full:
        assert _get(client, division=org.district.pk, period="2026").status_code == 200
    assert len(full) == len(empty)


@time_machine.travel(local(2027, 1, 5, 9), tick=False)
def test_excel_has_the_layout_of_the_page(client_for, town_user, org, closed):
    response = client_for(town_user).get(reverse("dashboards:mediation_report_export"),
                                         {"division": org.town.pk, "period": "2026-08"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    merged = {str(cell_range) for cell_range in sheet.merged_cells.ranges}
    assert "A3:A4" in merged  # the row heading spans both header rows
    assert sheet["A1"].value == "人民调解工作统计表"
    assert sheet["A2"].value == "填报单位：峪口地区    统计期间：2026年8月    计量单位：件、份、元、人"
    headers = {sheet.cell(row=3, column=c).value: c for c in range(1, sheet.max_column + 1)}
    mediated = headers["调解纠纷（件）"]
    assert sheet.cell(row=4, column=mediated).value == "合计"
    assert any(r.startswith(f"{sheet.cell(row=3, column=mediated).coordinate}:") for r in merged)
    assert f"{sheet.cell(row=3, column=headers['调解成功（件）']).coordinate}:" \
           f"{sheet.cell(row=4, column=headers['调解成功（件）']).coordinate}" in merged
    rows = {sheet.cell(row=r, column=1).value: r for r in range(5, sheet.max_row + 1)}
    total = rows["合计"]
    assert sheet.cell(row=total, column=mediated).value == 1
    assert sheet.cell(row=total, column=headers["涉及金额（元）"]).value == 1234.5
    assert sheet.cell(row=total, column=headers["涉及人数（人）"]).value == 3
    fight = headers["制止群体性械斗"]
    assert [sheet.cell(row=4, column=fight + i).value for i in (0, 1)] == ["件", "人"]
    assert [sheet.cell(row=total, column=fight + i).value for i in (0, 1)] == [1, 3]
    assert sheet.cell(row=rows["西凡各庄村"], column=mediated).value == 1
    assert "填报人：" in rows and "审核人：" in [c.value for c in sheet[sheet.max_row]]
    assert AuditLog.objects.filter(action=AuditLog.Action.EXPORT, detail__contains="2026-08").exists()


@time_machine.travel(local(2027, 1, 5, 9), tick=False)
def test_town_locks_and_unlocks_from_the_page(client_for, town_user, director, org):
    client = client_for(town_user)
    url = reverse("dashboards:mediation_report_lock")
    response = client.post(url, {"division": org.town.pk, "period": "2026-Q3", "action": "lock"}, follow=True)
    assert "已锁定 峪口地区 2026年第三季度（3 个月）" in response.content.decode()
    assert ReportLock.objects.filter(division=org.town, unlocked_at__isnull=True).count() == 3
    page = _get(client_for(director), division=org.village.pk, period="2026-Q3").content.decode()
    assert "本期已锁定" in page
    outside = client_for(director).post(url, {"division": org.town.pk, "period": "2026-Q3", "action": "unlock"})
    assert outside.status_code == 404  # the town lies outside a village director's scope
    refused = client_for(director).post(url, {"division": org.village.pk, "period": "2026-Q3", "action": "lock"},
                                        follow=True)
    assert "只有镇街" in refused.content.decode()
    client.post(url, {"division": org.town.pk, "period": "2026-Q3", "action": "unlock"})
    assert not ReportLock.objects.filter(unlocked_at__isnull=True).exists()
    assert AuditLog.objects.filter(action=AuditLog.Action.CHANGE).count() == 2


def test_archive_form_explains_and_validates_the_report_fields(client_for, director, org):
    case = register(org.center, director, at=local(2026, 8, 1, 9), parties=2)
    client = client_for(director)
    url = reverse("cases:case_archive", args=[case.pk])
    form = client.get(url).content.decode()
    assert "人民调解统计" in form and "不少于当事人人数" in form and "防止因民间纠纷引起自杀" in form
    data = {"version": case.version + 0, "outcome": "resolved", "summary": "和解。", "succeeded": "on",
            "agreement_form": "written", "people": 1, "petition": "on", "petition_people": 4,
                "confirm_no_path": "on"}  # the case never had a path, so archiving it asks for confirmation
    response = client.post(url, data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "涉及人数不能少于当事人人数（2 人）" in text and "此项人数不能多于涉及人数（1 人）" in text
    data.update(people=6, amount="2500")
    client.post(url, data)
    record = MediationRecord.objects.get(case=case)
    assert (record.people, record.petition, record.petition_people, record.amount) == (6, True, 4, 2500)


def test_director_edits_from_the_case_page(client_for, director, cadre, org):
    case = register(org.center, director, at=local(2026, 8, 1, 9))
    archive(case, director, at=local(2026, 8, 2, 9), report=fields(people=2))
    case.refresh_from_db()
    url = reverse("cases:case_report_edit", args=[case.pk])
    assert "修改" in client_for(director).get(case.get_absolute_url()).content.decode()
    refused = client_for(cadre).get(url, follow=True).content.decode()
    assert "只有中心主任（或上级）可以修改统计信息" in refused
    response = client_for(director).post(url, {"version": case.version, "succeeded": "on", "agreement_form": "oral",
                                               "oral_terms": "口头约定赔偿。", "people": 3})
    assert response.status_code == 302
    record = MediationRecord.objects.get(case=case)
    assert (record.agreement_form, record.people) == ("oral", 3)
    assert case.events.filter(kind=CaseEvent.Kind.REPORT_EDITED).count() == 1


@time_machine.travel(local(2027, 1, 5, 9), tick=False)
def test_excel_keeps_a_name_starting_with_equals_as_text(client_for, district_admin, org):
    from cases.models import Category

    Category.objects.create(code="formula", name='=HYPERLINK("http://x")', sort_order=99)
    response = client_for(district_admin).get(reverse("dashboards:mediation_report_export"),
                                              {"division": org.district.pk, "period": "2026"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows(min_row=4, max_row=4) for cell in row if cell.value
             and str(cell.value).startswith("=")]
    assert cells and all(cell.data_type == "s" for cell in cells)
