"""GET /api/hotline/v1/orders/<order_no> and /categories, and the OpenAPI document."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases import services
from cases.models import Case
from tests.cases.factories import CaseEventFactory

from .helpers import ORDERS_URL, get, order, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> Client:
    return Client()


@pytest.fixture
def hotline_case(api, org) -> Case:
    post(api, ORDERS_URL, order())
    return Case.objects.get()


def test_status_of_a_registered_order(api, hotline_case):
    response = get(api, f"{ORDERS_URL}/BJ12345-20261124-000123")
    assert response.status_code == 200
    data = response.json()
    assert {k: data[k] for k in ("order_no", "case_number", "status", "level", "path", "closure", "outcome")} == {
        "order_no": "BJ12345-20261124-000123", "case_number": hotline_case.number, "status": "registered",
        "level": "village", "path": None, "closure": None, "outcome": None,
    }
    assert [(e["kind"], e["level"], e["note"]) for e in data["events"]] == [("registered", "village", "来源：12345 热线")]


def test_status_after_archive_shows_path_closure_outcome_and_only_public_events(api, hotline_case, director):
    services.choose_path(case_id=hotline_case.pk, actor=director, path="direct")
    services.archive_case(case_id=hotline_case.pk, actor=director, outcome="resolved",
                          summary="已修复路灯，联系电话13800001234已回复。")
    data = get(api, f"{ORDERS_URL}/BJ12345-20261124-000123").json()
    assert (data["status"], data["path"], data["closure"], data["outcome"]) == ("closed", "direct", "archive", "resolved")
    assert [e["kind"] for e in data["events"]] == ["registered", "path_chosen", "archived"]
    assert "13800001234" not in str(data) and "138****34" in data["events"][-1]["note"]


def test_an_unknown_order_is_404(api, org):
    response = get(api, f"{ORDERS_URL}/NO-SUCH-ORDER")
    assert response.status_code == 404
    assert response.json() == {"error": "未找到该工单。"}


def test_status_needs_a_signature(api, hotline_case):
    assert get(api, f"{ORDERS_URL}/BJ12345-20261124-000123", secret="nope").status_code == 401
    assert api.get(f"{ORDERS_URL}/BJ12345-20261124-000123").status_code == 401


def test_categories_list_the_active_ones(api, org):
    response = get(api, "/api/hotline/v1/categories")
    assert response.status_code == 200
    categories = response.json()
    assert {"code": "infrastructure", "name": "基础设施"} in categories
    assert {"code": "other", "name": "其他"} in categories


def test_categories_need_a_signature(api, org):
    assert api.get("/api/hotline/v1/categories").status_code == 401


def test_status_query_count_does_not_grow_with_events(api, hotline_case):
    url = f"{ORDERS_URL}/BJ12345-20261124-000123"
    with CaptureQueriesContext(connection) as few:
        assert get(api, url).status_code == 200
    CaseEventFactory.create_batch(20, case=hotline_case, kind="routed", note="镇里接收")
    with CaptureQueriesContext(connection) as many:
        response = get(api, url)
    assert response.status_code == 200
    assert len(response.json()["events"]) == 21
    # the case by its order number; its public events
    assert len(many.captured_queries) == len(few.captured_queries) == 2


def test_the_openapi_document_describes_every_interface(api, org):
    response = api.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {
        "/api/hotline/v1/orders", "/api/hotline/v1/orders/{order_no}", "/api/hotline/v1/categories",
        "/api/enforcement/v1/transfers/{transfer_id}/feedback",
    }
    assert "hotlineProgress" in document["webhooks"]
