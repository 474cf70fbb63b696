"""/public/track/: the resident's progress page shows status and public steps, and leaks nothing."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from cases import services
from cases.models import Case
from tests.cases.factories import CaseEventFactory
from tests.cases.helpers import register

pytestmark = pytest.mark.django_db

URL = "/public/track/"


@pytest.fixture
def case(org, director) -> Case:
    case = register(org.center, director, phone="13812345678", source="online",
                    description="隔壁王五家漏水，电话13900009999。")
    services.choose_path(case_id=case.pk, actor=director, path="direct")
    services.extend_deadline(case_id=case.pk, actor=director, new_due=case.resolution_due.replace(year=2099),
                             consent="双方同意延期，干部备注：王五情绪激动")
    return case


def look_up(number: str, last4: str, ip: str = "10.0.0.1"):
    return Client().post(URL, {"number": number, "phone_last4": last4}, REMOTE_ADDR=ip)


def _without_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_page_needs_no_login():
    assert Client().get(URL).status_code == 200


def test_the_right_number_and_digits_show_status_and_public_steps_only(case):
    response = look_up(case.number, "5678")
    html = response.content.decode()
    assert response.status_code == 200
    assert case.number in html and "办理中" in html
    assert "登记受理" in html and "确定办理路径" in html
    assert "延长期限" not in html  # not a public kind
    for secret in ["13812345678", "张三", "王五", "漏水", "13900009999", "干部备注"]:
        assert secret not in html.replace(case.number, ""), secret


def test_lower_case_number_is_found(case):
    assert "确定办理路径" in look_up(case.number.lower(), "5678").content.decode()


def test_a_wrong_number_and_wrong_digits_look_exactly_the_same(case):
    wrong_number = look_up("PG-YK-2026-99999", "5678")
    wrong_digits = look_up(case.number, "0000")
    assert wrong_number.status_code == wrong_digits.status_code == 200
    assert "未找到与该编号和联系电话后四位相符的事项" in wrong_number.content.decode()
    # the number typed is echoed back in the form; with the same typed values, the pages are identical
    same_typed = look_up(case.number, "0000")
    other_case_typed = look_up(case.number.replace("YK", "XX"), "0000")
    assert _without_token(same_typed.content.decode()).replace(case.number, "N") == _without_token(
        other_case_typed.content.decode()
    ).replace(case.number.replace("YK", "XX"), "N")
    assert _without_token(wrong_digits.content.decode()) == _without_token(same_typed.content.decode())


def test_invalid_digits_are_400_in_chinese(case):
    response = look_up(case.number, "12a4")
    assert response.status_code == 400
    assert "请输入 4 位数字。" in response.content.decode()


def test_lookups_are_rate_limited(case):
    for _ in range(20):
        assert look_up("PG-YK-2026-99999", "0000").status_code == 200
    response = look_up(case.number, "5678")
    assert response.status_code == 429
    assert "提交过于频繁，请稍后再试。" in response.content.decode()
    assert "确定办理路径" not in response.content.decode()
    assert look_up(case.number, "5678", ip="10.0.0.2").status_code == 200


def test_query_count_does_not_grow_with_events(case, director, django_assert_num_queries):
    client = Client()
    # the case (joined with its category, matched on the applicant's phone); its public events
    with django_assert_num_queries(2):
        assert client.post(URL, {"number": case.number, "phone_last4": "5678"}).status_code == 200
    CaseEventFactory.create_batch(10, case=case, kind="routed")
    with django_assert_num_queries(2):
        assert client.post(URL, {"number": case.number, "phone_last4": "5678"}).status_code == 200
