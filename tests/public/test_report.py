"""/public/<division_code>/report/: a resident brings a matter online, protected against abuse."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cases.models import Case
from tests.images import PNG

from .helpers import challenge_from, report

pytestmark = pytest.mark.django_db



def test_the_form_needs_no_login(org):
    response = Client().get(f"/public/{org.village.code}/report/")
    assert response.status_code == 200
    assert "线上说事" in response.content.decode() and "请计算" in response.content.decode()


@pytest.mark.parametrize("code", ["110117999999", "110117104000", "abc"])
def test_an_unknown_village_or_a_town_is_404(org, code):
    assert Client().get(f"/public/{code}/report/").status_code == 404


def test_a_valid_report_registers_an_online_case_and_shows_its_number(org):
    response = report(Client(), org.village.code)
    assert response.status_code == 201
    case = Case.objects.get()
    assert case.number in response.content.decode()
    assert (case.source, case.center, case.category.code, case.rights_informed) == ("online", org.center, "other", False)
    assert case.registered_by is None
    assert case.parties.get().phone == "13911112222"


def test_a_chosen_category_and_photos_are_kept(org):
    photo = SimpleUploadedFile("dog.png", PNG, content_type="image/png")
    assert report(Client(), org.village.code, category="neighbour", photos=[photo]).status_code == 201
    case = Case.objects.get()
    assert case.category.code == "neighbour"
    assert case.attachments.get().content_type == "image/png"


def test_a_file_that_is_not_a_photo_is_refused(org):
    fake = SimpleUploadedFile("dog.png", b"<html>not a photo</html>", content_type="image/png")
    response = report(Client(), org.village.code, photos=[fake])
    assert response.status_code == 400
    assert "不是允许的类型" in response.content.decode()
    assert not Case.objects.exists()


def test_a_wrong_answer_is_refused_with_a_new_sum(org):
    response = report(Client(), org.village.code, answer_offset=1)
    assert response.status_code == 400
    assert "验证答案不正确或已过期，请重新计算。" in response.content.decode()
    assert not Case.objects.exists()


def test_a_challenge_is_single_use(org):
    client = Client()
    url = f"/public/{org.village.code}/report/"
    token, answer = challenge_from(client.get(url))
    data = {"name": "李四", "phone": "13911112222", "description": "狗叫", "challenge": token, "answer": answer}
    assert client.post(url, data).status_code == 201
    replay = client.post(url, {**data, "phone": "13911113333"})
    assert replay.status_code == 400
    assert Case.objects.count() == 1


def test_a_forged_token_is_refused(org):
    response = Client().post(f"/public/{org.village.code}/report/", {
        "name": "李四", "phone": "13911112222", "description": "狗叫", "challenge": "1:2:forged", "answer": 3})
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_invalid_phone_is_refused_in_chinese(org):
    response = report(Client(), org.village.code, phone="12345")
    assert response.status_code == 400
    assert "请输入有效的手机或固定电话号码。" in response.content.decode()


def test_more_than_five_posts_an_hour_from_one_address_are_429(org):
    client = Client()
    for n in range(5):
        assert report(client, org.village.code, phone=f"1391111{n:04d}").status_code == 201
    response = report(client, org.village.code, phone="13922220000")
    assert response.status_code == 429
    assert "提交过于频繁，请稍后再试。" in response.content.decode()
    assert Case.objects.count() == 5
    # another address is not affected
    assert report(client, org.village.code, phone="13922220000", ip="10.0.0.2").status_code == 201


def test_more_than_three_reports_a_day_from_one_phone_are_429(org):
    client = Client()
    for n in range(3):
        assert report(client, org.village.code, ip=f"10.0.1.{n}").status_code == 201
    response = report(client, org.village.code, ip="10.0.1.9")
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert Case.objects.count() == 3


def test_limits_follow_the_settings(org, settings):
    settings.PUBLIC_REPORT_LIMIT_PER_IP_HOUR = 1
    client = Client()
    assert report(client, org.village.code).status_code == 201
    assert report(client, org.village.code, phone="13911113333").status_code == 429
