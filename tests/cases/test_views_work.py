"""The case page and its actions: each happy path, each refusal with its Chinese message, stale versions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.models import Agreement, Attachment, Case, Category, Summons, Transfer, Whistle
from pinggu_center.models import AuditLog, Level

from .factories import CaseFactory, PartyFactory


@pytest.fixture
def case(org, director) -> Case:
    case = CaseFactory(center=org.center, registered_by=director)
    PartyFactory(case=case, name="张三", phone="13812345678", id_number="110117198001011234")
    return case


@pytest.fixture
def joint_case(case) -> Case:
    Case.objects.filter(pk=case.pk).update(path=Case.Path.JOINT, status=Case.Status.HANDLING)
    case.refresh_from_db()
    return case


def _post(client, name: str, pk: int, data: dict, *, follow: bool = True):
    return client.post(reverse(f"cases:{name}", args=[pk]), data, follow=follow)


def _text(response) -> str:
    return response.content.decode()


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_case_page_masks_parties_and_lists_allowed_actions(client_for, case, cadre):
    body = _text(client_for(cadre).get(case.get_absolute_url()))
    assert "138****5678" in body and "13812345678" not in body
    assert "110117********1234" in body
    assert reverse("cases:case_choose_path", args=[case.pk]) in body
    assert reverse("cases:case_reveal", args=[case.pk]) not in body  # a cadre may not reveal


def test_director_reveals_parties_and_it_is_logged(client_for, case, director):
    response = client_for(director).post(reverse("cases:case_reveal", args=[case.pk]))
    assert response.status_code == 200
    assert "13812345678" in _text(response)
    assert AuditLog.objects.filter(action=AuditLog.Action.REVEAL, actor=director).exists()


def test_cadre_cannot_reveal(client_for, case, cadre):
    response = client_for(cadre).post(reverse("cases:case_reveal", args=[case.pk]), follow=True)
    assert "只有中心主任（或上级）可以查看当事人完整信息。" in _text(response)
    assert "13812345678" not in _text(response)


def test_action_page_shows_its_form_with_the_version(client_for, case, director):
    response = client_for(director).get(reverse("cases:case_archive", args=[case.pk]))
    assert response.status_code == 200
    assert 'name="version"' in _text(response)


def test_invalid_action_form_is_400(client_for, case, director):
    response = _post(client_for(director), "case_archive", case.pk, {"version": case.version}, follow=False)
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == Case.Status.REGISTERED


def test_director_chooses_joint_path(client_for, case, director):
    response = _post(client_for(director), "case_choose_path", case.pk, {"version": case.version, "path": "joint"})
    case.refresh_from_db()
    assert case.path == Case.Path.JOINT and case.status == Case.Status.HANDLING
    assert "已确定办理路径。" in _text(response)


def test_cadre_may_not_choose_joint_path(client_for, case, cadre):
    # The cadre's form does not offer the joint path, so a forged choice is an invalid one.
    response = _post(client_for(cadre), "case_choose_path", case.pk, {"version": case.version, "path": "joint"})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.path == ""


def test_legal_path_needs_a_method(client_for, case, cadre):
    response = _post(client_for(cadre), "case_choose_path", case.pk, {"version": case.version, "path": "legal"},
                     follow=False)
    assert response.status_code == 400
    assert "法治事件剖析评须选择处置方式。" in _text(response)


def test_stale_version_is_refused(client_for, case, director):
    response = _post(client_for(director), "case_choose_path", case.pk, {"version": case.version + 1,
                                                                           "path": "direct"})
    assert "此事项刚被他人更新，请刷新页面后再操作。" in _text(response)
    response = _post(client_for(director), "case_escalate", case.pk, {"version": case.version + 1, "reason": "x"})
    assert "此事项刚被他人更新，请刷新页面后再操作。" in _text(response)
    case.refresh_from_db()
    assert case.level == Level.VILLAGE


def test_whistle_report_in_and_rating(client_for, joint_case, director, department_user, cadre, org):
    data = {"version": joint_case.version, "matter": "请司法所参加联合调解", "departments": [org.justice_office.pk]}
    response = _post(client_for(director), "case_whistle", joint_case.pk, data)
    summons = Summons.objects.get(whistle__case=joint_case)
    assert "已吹哨" in _text(response)
    joint_case.refresh_from_db()
    refused = client_for(cadre).post(reverse("cases:summons_report_in", args=[summons.pk]),
                                     {"version": joint_case.version, "note": "x", "attended": "on"}, follow=True)
    assert "只有被吹哨部门的工作人员可以报到。" in _text(refused)
    inbox = _text(client_for(department_user).get(reverse("cases:whistle_inbox")))
    assert joint_case.number in inbox
    client_for(department_user).post(reverse("cases:summons_report_in", args=[summons.pk]),
                                     {"version": joint_case.version, "note": "已派员", "attended": "on"})
    summons.refresh_from_db()
    assert summons.reported_at is not None
    joint_case.refresh_from_db()
    client_for(director).post(reverse("cases:summons_rate", args=[summons.pk]),
                              {"version": joint_case.version, "rating": "5", "comment": "及时"})
    summons.refresh_from_db()
    assert summons.rating == 5


def test_cadre_cannot_blow_the_whistle(client_for, joint_case, cadre, org):
    data = {"version": joint_case.version, "matter": "x", "departments": [org.justice_office.pk]}
    response = _post(client_for(cadre), "case_whistle", joint_case.pk, data)
    assert "只有中心主任（或上级）可以进行此操作。" in _text(response)
    assert not Whistle.objects.exists()


def test_session_agreement_print_and_confirmation(client_for, joint_case, director, org):
    client = client_for(director)
    _post(client, "case_session", joint_case.pk, {
        "version": joint_case.version, "held_at": _local(timezone.now()), "place": "中心调解室",
        "mediators": "王调解", "parties_present": "张三、李四", "record": "双方陈述", "outcome": "达成一致"})
    joint_case.refresh_from_db()
    today = timezone.localdate()
    response = _post(client, "case_agreement", joint_case.pk, {
        "version": joint_case.version, "parties_details": "张三，男", "facts": "漏水", "disputed_matters": "维修费",
        "terms": "赔偿 2000 元", "performance": "一次性支付", "performance_due": today + timedelta(days=10),
        "effective_on": today, "mediator_name": "王调解", "signatures_recorded": "on"})
    assert "已保存调解协议书。" in _text(response)
    printed = client.get(reverse("cases:agreement_print", args=[joint_case.pk]))
    assert printed.status_code == 200 and "人民调解协议书" in _text(printed) and "赔偿 2000 元" in _text(printed)
    joint_case.refresh_from_db()
    _post(client, "case_confirmation", joint_case.pk, {"version": joint_case.version, "applied_on": today,
                                                       "court": org.district_court.pk, "result": "pending"})
    assert Agreement.objects.get(case=joint_case).confirmation_court == org.district_court


def test_agreement_print_without_agreement_is_404(client_for, case, director):
    assert client_for(director).get(reverse("cases:agreement_print", args=[case.pk])).status_code == 404


def test_archive_and_follow_up_reopen(client_for, joint_case, director):
    client = client_for(director)
    _post(client, "case_archive", joint_case.pk, {"version": joint_case.version, "outcome": "resolved",
                                                  "summary": "双方和解", "succeeded": "on", "agreement_form": "oral",
                                                  "oral_terms": "双方和解", "people": 5})
    joint_case.refresh_from_db()
    assert joint_case.status == Case.Status.CLOSED
    response = _post(client, "case_follow_up", joint_case.pk, {
        "version": joint_case.version, "performance": "partly", "satisfaction": "unsatisfied", "reopen": "yes"})
    assert "已保存回访。" in _text(response)
    joint_case.refresh_from_db()
    assert joint_case.status == Case.Status.HANDLING


def test_auditor_cannot_archive(client_for, case, auditor):
    response = _post(client_for(auditor), "case_archive", case.pk, {"version": case.version, "outcome": "resolved",
                                                                      "summary": "x", "succeeded": "on",
                                                                      "agreement_form": "written", "people": 3})
    assert "只读账号不能办理事项。" in _text(response)


def test_follow_up_before_closing_is_refused(client_for, case, director):
    response = _post(client_for(director), "case_follow_up", case.pk, {
        "version": case.version, "performance": "na", "satisfaction": "satisfied"})
    assert "事项办结后才能回访。" in _text(response)


def test_escalate_moves_the_case_up(client_for, case, cadre):
    _post(client_for(cadre), "case_escalate", case.pk, {"version": case.version, "reason": "涉及多个村"})
    case.refresh_from_db()
    assert case.level == Level.TOWN


def test_transfer_and_department_feedback(client_for, case, director, department_user, org):
    _post(client_for(director), "case_transfer", case.pk, {
        "version": case.version, "target": "department", "department": org.justice_office.pk, "reason": "属司法所职责"})
    transfer = Transfer.objects.get(case=case)
    case.refresh_from_db()
    assert case.status == Case.Status.TRANSFERRED
    response = client_for(department_user).post(reverse("cases:transfer_feedback", args=[transfer.pk]),
                                                {"version": case.version, "feedback": "已处理完毕"}, follow=True)
    assert "已反馈。" in _text(response)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED


def test_transfer_needs_a_department(client_for, case, director):
    response = _post(client_for(director), "case_transfer", case.pk, {
        "version": case.version, "target": "department", "reason": "x"}, follow=False)
    assert response.status_code == 400
    assert "请选择接收部门或法院。" in _text(response)


def test_extend_deadline_with_consent(client_for, case, director):
    new_due = case.resolution_due + timedelta(days=15)
    _post(client_for(director), "case_extend", case.pk, {"version": case.version, "new_due": _local(new_due),
                                                          "consent": "双方同意延期"})
    case.refresh_from_db()
    assert case.extension_consent == "双方同意延期"


def test_district_review_comment(client_for, case, district_admin, director):
    response = _post(client_for(district_admin), "case_review", case.pk, {"version": case.version, "note": "办理规范"})
    assert "已保存点评。" in _text(response)
    refused = _post(client_for(director), "case_review", case.pk, {"version": case.version, "note": "x"})
    assert "只有区级管理员可以点评事项。" in _text(refused)


def test_attachments_added_and_downloaded_safely(client_for, case, cadre):
    client = client_for(cadre)
    pdf = SimpleUploadedFile("协议.pdf", b"%PDF-1.4\n%\xe2\xe3\n", content_type="application/pdf")
    _post(client, "case_attach", case.pk, {"version": case.version, "files": [pdf]})
    attachment = Attachment.objects.get(case=case)
    response = client.get(reverse("cases:attachment_download", args=[attachment.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_wrong_type_attachment_is_400(client_for, case, cadre):
    html = SimpleUploadedFile("a.jpg", b"<svg onload=alert(1)>", content_type="image/jpeg")
    response = _post(client_for(cadre), "case_attach", case.pk, {"version": case.version, "files": [html]},
                     follow=False)
    assert response.status_code == 400
    assert "不是允许的类型" in _text(response)
    assert not Attachment.objects.exists()


def test_inboxes_per_role(client_for, org, director, town_user):
    held = CaseFactory(center=org.center, level=Level.TOWN, holder=org.town, title="提级到镇的事项")
    assert held.title in _text(client_for(town_user).get(reverse("cases:whistle_inbox")))
    joint = CaseFactory(center=org.center, path=Case.Path.JOINT, status=Case.Status.HANDLING, title="待报到的事项")
    whistle = Whistle.objects.create(case=joint, matter="x", blown_by=director,
                                     report_in_due=timezone.now() + timedelta(days=1))
    Summons.objects.create(whistle=whistle, department=org.justice_office)
    assert joint.title in _text(client_for(director).get(reverse("cases:whistle_inbox")))


def test_category_seeded(db):
    assert Category.objects.filter(code="neighbour").exists()


def test_archiving_a_case_that_never_had_a_path_asks_for_confirmation(client_for, case, director):
    client = client_for(director)
    form = client.get(reverse("cases:case_archive", args=[case.pk])).content.decode()
    assert 'data-testid="no-path-warning"' in form and 'name="confirm_no_path"' in form
    data = {"version": case.version, "outcome": "withdrawn", "summary": "当事人撤回"}
    refused = _post(client, "case_archive", case.pk, data)
    assert refused.status_code == 400
    case.refresh_from_db()
    assert case.status == Case.Status.REGISTERED
    _post(client, "case_archive", case.pk, {**data, "confirm_no_path": "on"})
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED


def test_archiving_a_case_with_a_path_needs_no_confirmation(client_for, joint_case, director):
    form = client_for(director).get(reverse("cases:case_archive", args=[joint_case.pk])).content.decode()
    assert 'name="confirm_no_path"' not in form


def test_path_form_marks_the_legal_fields_as_legal_only(client_for, case, cadre):
    form = client_for(cadre).get(reverse("cases:case_choose_path", args=[case.pk])).content.decode()
    block = form.split('id="legal-fields"')[1].split("</div>\n</div>")[0]
    assert 'data-path-only="legal"' in form and 'name="legal_method"' in block and 'name="legal_basis"' in block
