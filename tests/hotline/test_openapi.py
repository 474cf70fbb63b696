"""The OpenAPI document and the server agree: real answers match it, and it refuses the bodies the server refuses."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from jsonschema import Draft202012Validator

from cases import services
from cases.hotline.openapi import document
from cases.models import Case
from pinggu_center.models import Level, Outbox

from .helpers import ORDERS_URL, get, order, post

pytestmark = pytest.mark.django_db

DOCUMENT = document()


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    """A validator for one schema of the document, its `$ref`s resolved against the whole document."""
    return Draft202012Validator({**DOCUMENT, **schema})


def _check_answer(path: str, method: str, response) -> None:
    """The answer's status is documented for this operation and its body matches that status's schema."""
    responses = DOCUMENT["paths"][path][method]["responses"]
    assert str(response.status_code) in responses, f"{method.upper()} {path} answered {response.status_code}"
    schema = responses[str(response.status_code)]["content"]["application/json"]["schema"]
    errors = [error.message for error in _validator(schema).iter_errors(response.json())]
    assert errors == [], f"{method.upper()} {path} {response.status_code}: {errors}"


def test_the_document_is_valid_openapi_json_schema():
    Draft202012Validator.check_schema({**DOCUMENT, "$ref": "#/components/schemas/Order"})
    for name in DOCUMENT["components"]["schemas"]:
        Draft202012Validator.check_schema(DOCUMENT["components"]["schemas"][name])


def test_real_answers_match_the_document(org, director, settings):
    api = Client()
    orders = "/api/hotline/v1/orders"
    _check_answer(orders, "post", post(api, ORDERS_URL, order()))  # 201
    _check_answer(orders, "post", post(api, ORDERS_URL, order()))  # 200, a retry
    _check_answer(orders, "post", post(api, ORDERS_URL, order(content="另一件事")))  # 409
    _check_answer(orders, "post", post(api, ORDERS_URL, order(order_no="B-2", caller={"name": "", "phone": ""})))
    _check_answer(orders, "post", post(api, ORDERS_URL, order(), secret="wrong"))  # 401
    _check_answer(orders, "post", post(api, ORDERS_URL, b"{" + b" " * 70000 + b"}"))  # 413
    _check_answer(orders, "post", api.get(ORDERS_URL))  # 405
    case = Case.objects.get()
    services.choose_path(case_id=case.pk, actor=director, path="direct")
    detail = "/api/hotline/v1/orders/{order_no}"
    _check_answer(detail, "get", get(api, f"{ORDERS_URL}/{order()['order_no']}"))
    _check_answer(detail, "get", get(api, f"{ORDERS_URL}/unknown"))
    _check_answer("/api/hotline/v1/categories", "get", get(api, "/api/hotline/v1/categories"))


def test_every_callback_body_matches_the_document(org, director, town_user, settings):
    settings.HOTLINE_CALLBACK_URL = "http://127.0.0.1:9/unused"
    assert post(Client(), ORDERS_URL, order()).status_code == 201
    case = Case.objects.get()
    services.choose_path(case_id=case.pk, actor=director, path="direct")
    services.escalate_case(case_id=case.pk, from_level=Level.VILLAGE, actor=director, reason="涉及多户")
    services.route_escalation(case_id=case.pk, level=Level.TOWN)
    services.archive_case(case_id=case.pk, actor=town_user, outcome="resolved", summary="已修复")
    services.record_follow_up(case_id=case.pk, actor=town_user, performance="na", risk="", satisfaction="satisfied",
                              note="满意")
    callback = _validator(DOCUMENT["webhooks"]["hotlineProgress"]["post"]["requestBody"]["content"][
        "application/json"]["schema"])
    messages = [row.payload["message"] for row in Outbox.objects.filter(topic="hotline_callback").order_by("pk")]
    assert len(messages) == 5
    for message in messages:
        assert [error.message for error in callback.iter_errors(message)] == []


ORDER_SCHEMA = _validator({"$ref": "#/components/schemas/Order"})


@pytest.mark.parametrize("changes", [
    {},
    {"caller": {"name": "", "phone": "13800001234"}},
    {"caller": {"name": "   ", "phone": "13800001234"}},
    {"caller": {"name": "张三", "phone": ""}},
    {"caller": {"name": "张三", "phone": "  "}},
    {"caller": {"name": "张三", "phone": "12345"}},
    {"caller": {"name": "张三", "phone": "23800001234"}},
    {"caller": {"name": "张三", "phone": "010-69961234"}},
    {"caller": {"name": "张三", "phone": "0106996123"}},
    {"caller": {"name": "张三", "phone": "١٣٨٠٠٠٠١٢٣٤"}},  # digits, but not ASCII ones
    {"caller": {"name": "张" * 50, "phone": "13800001234"}},
    {"caller": {"name": "张" * 51, "phone": "13800001234"}},
    {"caller": {"name": "张\x00三", "phone": "13800001234"}},
    {"caller": {"name": "张三"}},
    {"content": ""},
    {"content": " \n "},
    {"content": "路灯\x00坏了"},
    {"content": ...},
    {"order_no": ""},
    {"order_no": "   "},
    {"order_no": "x" * 65},
    {"urgency": "urgent"},
    {"urgency": "soon"},
    {"division_code": "11011710420"},
])
def test_the_document_refuses_what_the_server_refuses(org, changes):
    """Each body: the document's Order schema accepts it exactly when the server registers it."""
    body = order(order_no="BJ12345-AGREE", **changes) if "order_no" not in changes else order(**changes)
    accepted_by_document = ORDER_SCHEMA.is_valid(body)
    status = post(Client(), ORDERS_URL, json.dumps(body, ensure_ascii=False).encode()).status_code
    assert status in {201, 400}
    assert accepted_by_document == (status == 201), (body, status)
