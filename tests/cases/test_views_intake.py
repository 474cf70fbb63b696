"""登记受理 (cases:case_create): the form, its validation, the duplicate warning and who may register."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Attachment, Case, CaseEvent, Category, Party, Transfer
from tests.images import PNG

from .factories import CaseFactory, PartyFactory, intake_post, valid_id_number

URL = reverse("cases:case_create")


@pytest.fixture
def category(db) -> Category:
    return Category.objects.get(code="neighbour")


def _messages(response) -> str:
    return response.content.decode()


def test_form_shows_for_a_cadre(client_for, cadre):
    response = client_for(cadre).get(URL)
    assert response.status_code == 200
    assert "告知权利义务" in response.content.decode()


def test_grid_preset_fixes_the_source(client_for, cadre, category):
    client = client_for(cadre)
    assert "网格上报" in client.get(URL + "?source=grid").content.decode()
    response = client.post(URL + "?source=grid", intake_post(category, source="reception"))
    case = Case.objects.get()
    assert response.status_code == 302 and case.source == Case.Source.GRID


def test_grid_report_requires_a_location(client_for, cadre, category):
    response = client_for(cadre).post(URL + "?source=grid", intake_post(category, location_text=""))
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_cadre_registers_a_case_at_their_center(client_for, cadre, org, category):
    upload = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    data = intake_post(category, parties=[
        {"role": "applicant", "name": "张三", "phone": "13800001234", "id_number": valid_id_number()},
        {"role": "respondent", "name": "李四", "phone": "010-69961234"},
    ], attachments=upload)
    response = client_for(cadre).post(URL, data)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.center == org.center and case.registered_by == cadre and case.rights_informed
    assert case.number.startswith("PG-YK-")
    assert Party.objects.filter(case=case).count() == 2
    assert Attachment.objects.get(case=case).content_type == "image/png"
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.REGISTERED).exists()


@pytest.mark.parametrize(
    ("party", "message"),
    [
        ({"role": "applicant", "name": "张三", "phone": "12345"}, "请输入有效的手机或固定电话号码。"),
        ({"role": "applicant", "name": "张三", "phone": "13800001234", "id_number": "WRONG-CHECK"},
         "身份证号校验位不正确，请核对。"),
    ],
    ids=["bad-phone", "bad-id-checksum"],
)
def test_bad_party_input_is_400_and_nothing_saved(client_for, cadre, category, party, message):
    if party.get("id_number") == "WRONG-CHECK":
        good = valid_id_number()
        party = {**party, "id_number": good[:-1] + ("1" if good[-1] != "1" else "2")}
    response = client_for(cadre).post(URL, intake_post(category, parties=[party]))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Case.objects.exists() and not Party.objects.exists()


def test_missing_parties_is_400(client_for, cadre, category):
    response = client_for(cadre).post(URL, intake_post(category, parties=[]))
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_wrong_type_upload_is_400(client_for, cadre, category):
    upload = SimpleUploadedFile("photo.png", b"<html><script>alert(1)</script>", content_type="image/png")
    response = client_for(cadre).post(URL, intake_post(category, attachments=upload))
    assert response.status_code == 400
    assert "不是允许的类型" in response.content.decode()
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_oversize_upload_is_400(client_for, cadre, category, settings):
    settings.UPLOAD_MAX_BYTES = 32
    upload = SimpleUploadedFile("big.png", PNG, content_type="image/png")
    response = client_for(cadre).post(URL, intake_post(category, attachments=upload))
    assert response.status_code == 400
    assert "超过" in response.content.decode()
    assert not Case.objects.exists()


def test_rights_informed_is_required(client_for, cadre, category):
    response = client_for(cadre).post(URL, intake_post(category, rights_informed=None))
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_matter_for_another_body_needs_a_receiver(client_for, cadre, category):
    response = client_for(cadre).post(URL, intake_post(category, accepted_elsewhere="on"))
    assert response.status_code == 400
    assert "请选择移交的部门或法院" in response.content.decode()
    assert not Case.objects.exists()


def test_matter_for_another_body_is_transferred(client_for, cadre, org, category):
    response = client_for(cadre).post(URL, intake_post(category, reserved_by_law="on",
                                                       transfer_to=org.district_court.pk))
    case = Case.objects.get()
    assert response.status_code == 302 and case.status == Case.Status.TRANSFERRED
    assert Transfer.objects.get(case=case).target == Transfer.Target.COURT


def test_likely_duplicate_is_shown_before_saving(client_for, cadre, org, category):
    earlier = CaseFactory(center=org.center, category=category, title="早先登记的漏水")
    PartyFactory(case=earlier, phone="13800001234")
    client = client_for(cadre)
    response = client.post(URL, intake_post(category))
    assert response.status_code == 200
    body = response.content.decode()
    assert earlier.number in body and "确认不是重复事项" in body
    assert Case.objects.count() == 1
    response = client.post(URL, intake_post(category, confirm_not_duplicate="on"))
    assert response.status_code == 302
    assert Case.objects.count() == 2


@pytest.mark.parametrize("role", ["town_user", "department_user", "district_admin", "auditor"])
def test_only_village_users_register(client_for, request, role):
    user = request.getfixturevalue(role)
    assert client_for(user).get(URL).status_code == 404
