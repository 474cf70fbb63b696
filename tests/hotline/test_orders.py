"""POST /api/hotline/v1/orders: every answer of the contract."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from django.test import Client

from cases.models import Case, CaseEvent, Category
from pinggu_center.models import Outbox

from .helpers import ORDERS_URL, get, order, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> Client:
    return Client(enforce_csrf_checks=True)


def test_new_order_registers_a_hotline_case_at_the_village(api, org):
    response = post(api, ORDERS_URL, order())
    assert response.status_code == 201
    case = Case.objects.get()
    assert response.json() == {"order_no": "BJ12345-20261124-000123", "case_number": case.number,
                               "status": "registered", "level": "village"}
    assert (case.center, case.source, case.kind, case.urgency) == (org.center, "hotline", "request", "normal")
    assert case.title == "村东头路灯坏了两周，晚上出行不便。"[:30]
    assert "村东头路灯坏了两周" in case.description and "三街12号" in case.description
    assert case.location_text == "平谷区峪口镇西凡各庄村三街12号"
    assert case.resolution_due == datetime.fromisoformat("2026-12-01T18:00:00+08:00")
    party = case.parties.get()
    assert (party.name, party.phone, party.role) == ("张三", "13800001234", "applicant")
    assert case.events.get().kind == CaseEvent.Kind.REGISTERED


def test_title_is_the_first_thirty_characters_of_the_content(api, org):
    post(api, ORDERS_URL, order(content="长" * 80))
    assert Case.objects.get().title == "长" * 30


@pytest.mark.parametrize(
    ("urgency", "category", "hours"),
    [("urgent", "infrastructure", 2), ("normal", "infrastructure", 7 * 24), ("normal", "water", 24)],
)
def test_without_reply_by_the_hotline_clock_applies(api, org, urgency, category, hours):
    Category.objects.get_or_create(code="water", defaults={"name": "供水"})
    assert post(api, ORDERS_URL, order(reply_by=..., urgency=urgency, category=category)).status_code == 201
    received = datetime.fromisoformat("2026-11-24T09:30:00+08:00")
    assert Case.objects.get().resolution_due == received + timedelta(hours=hours)


def test_a_retry_with_the_same_body_answers_200_and_creates_nothing(api, org):
    first = post(api, ORDERS_URL, order())
    # The same JSON, keys in another order and other spacing: still the same order.
    body = b'{"urgency":"normal","reply_by":"2026-12-01T18:00:00+08:00",' + (
        '"content":"村东头路灯坏了两周，晚上出行不便。","category":"infrastructure",'
        '"address":"平谷区峪口镇西凡各庄村三街12号","division_code":"110117104201",'
        '"caller":{"phone":"13800001234","name":"张三"},"received_at":"2026-11-24T09:30:00+08:00",'
        '"order_no":"BJ12345-20261124-000123"}'
    ).encode()
    second = post(api, ORDERS_URL, body)
    assert second.status_code == 200
    assert second.json() == first.json()
    assert Case.objects.count() == 1 and CaseEvent.objects.count() == 1


def test_the_same_order_no_with_a_different_body_is_a_conflict(api, org):
    post(api, ORDERS_URL, order())
    response = post(api, ORDERS_URL, order(content="另一件事"))
    assert response.status_code == 409
    assert response.json() == {"error": "该工单号已以不同内容接收过。"}
    assert Case.objects.count() == 1


def test_a_bad_signature_is_401_and_changes_nothing(api, org):
    response = post(api, ORDERS_URL, order(), secret="wrong-secret")
    assert response.status_code == 401
    assert response.json() == {"error": "签名不匹配。"}
    assert not Case.objects.exists()


@pytest.mark.parametrize("offset", [-301, 301, -3600])
def test_a_stale_timestamp_is_401(api, org, offset):
    response = post(api, ORDERS_URL, order(), timestamp=int(time.time()) + offset)
    assert response.status_code == 401
    assert response.json() == {"error": "时间戳超出允许范围。"}
    assert not Case.objects.exists()


def test_a_timestamp_within_the_tolerance_is_accepted(api, org):
    assert post(api, ORDERS_URL, order(), timestamp=int(time.time()) - 250).status_code == 201


def test_missing_headers_are_401(api, org):
    response = api.post(ORDERS_URL, order(), content_type="application/json")
    assert response.status_code == 401
    assert response.json() == {"error": "缺少签名或时间戳。"}


def test_an_unknown_division_is_400(api, org):
    response = post(api, ORDERS_URL, order(division_code="110117999999"))
    assert response.status_code == 400
    assert response.json() == {"errors": {"division_code": ["未知的村/社区区划代码。"]}}
    assert not Case.objects.exists()


def test_a_town_code_is_not_a_village(api, org):
    response = post(api, ORDERS_URL, order(division_code=org.town.code))
    assert response.json()["errors"] == {"division_code": ["未知的村/社区区划代码。"]}


@pytest.mark.parametrize("code", ["no-such-category", "retired"])
def test_an_unknown_or_retired_category_is_400(api, org, code):
    Category.objects.create(code="retired", name="停用", active=False)
    response = post(api, ORDERS_URL, order(category=code))
    assert response.status_code == 400
    assert response.json() == {"errors": {"category": ["未知的事项类别，请使用类别接口返回的代码。"]}}


def test_missing_fields_are_all_named(api, org):
    response = post(api, ORDERS_URL, {})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"order_no", "division_code", "category", "caller", "content"}
    assert errors["content"] == ["此字段为必填项。"]


def test_missing_caller_name_and_phone(api, org):
    response = post(api, ORDERS_URL, order(caller={}))
    assert response.json()["errors"] == {"caller.name": ["此字段为必填项。"], "caller.phone": ["此字段为必填项。"]}


@pytest.mark.parametrize("phone", ["12345", "23800001234", "1380000123x", "138 0000 1234", "１３８００００１２３４"])
def test_an_invalid_phone_is_400(api, org, phone):
    response = post(api, ORDERS_URL, order(caller={"name": "张三", "phone": phone}))
    assert response.status_code == 400
    assert response.json()["errors"]["caller.phone"] == ["请输入有效的手机或固定电话号码。"]


def test_a_landline_is_accepted(api, org):
    assert post(api, ORDERS_URL, order(caller={"name": "张三", "phone": "010-69961234"})).status_code == 201


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"order_no": "x" * 65}, "order_no"),
        ({"order_no": 12345}, "order_no"),
        ({"urgency": "soon"}, "urgency"),
        ({"received_at": "2026-11-24 09:30"}, "received_at"),
        ({"reply_by": "2026-12-01T18:00:00"}, "reply_by"),
        ({"reply_by": "9999-12-31T23:59:59+08:00"}, "reply_by"),
        ({"content": "有\x00字"}, "content"),
        ({"caller": "张三"}, "caller"),
    ],
)
def test_invalid_fields_are_400(api, org, changes, field):
    response = post(api, ORDERS_URL, order(**changes))
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Case.objects.exists()


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b"[1, 2]", b"null", b"[" * 5000])
def test_invalid_json_is_400(api, org, body):
    response = post(api, ORDERS_URL, body)
    assert response.status_code == 400
    assert "body" in response.json()["errors"]


def test_a_body_over_64_kib_is_413(api, org):
    response = post(api, ORDERS_URL, order(content="长" * 30000))
    assert response.status_code == 413
    assert response.json() == {"error": "请求体超过 64 KiB 上限。"}
    assert not Case.objects.exists()


def test_other_methods_are_405(api, org):
    assert api.put(ORDERS_URL).status_code == 405
    assert api.delete(ORDERS_URL).status_code == 405


def test_a_hotline_case_queues_no_callback_without_a_callback_url(api, org, settings):
    settings.HOTLINE_CALLBACK_URL = ""
    post(api, ORDERS_URL, order())
    assert not Outbox.objects.filter(topic="hotline_callback").exists()


def test_answers_are_utf8_json_without_escapes(api, org):
    response = post(api, ORDERS_URL, order(division_code="110117999999"))
    assert response["Content-Type"] == "application/json"
    assert "未知".encode() in response.content


def test_get_on_the_orders_collection_is_405(api, org):
    assert get(api, ORDERS_URL).status_code == 405
