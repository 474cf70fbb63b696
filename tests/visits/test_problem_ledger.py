"""问题台账: what visits raised that needs action, cleared once its case is closed; scoped, filtered, exported."""

from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases.models import Case
from pinggu_center.models import AuditLog
from tests.cases.factories import CaseFactory

from .factories import HouseholdFactory, VisitFactory

pytestmark = pytest.mark.django_db
URL = reverse("visits:problem_ledger")


def _problems(org):
    household = HouseholdFactory(division=org.village)
    open_one = VisitFactory(household=household, needs_action=True, raised="路灯坏了")
    closed_case = CaseFactory(center=org.center, status=Case.Status.CLOSED, closure="archive", outcome="resolved",
                              closed_at=timezone.now())
    cleared = VisitFactory(household=household, needs_action=True, raised="排水沟堵塞", case=closed_case)
    VisitFactory(household=household, needs_action=False, raised="一切正常")
    VisitFactory(household=HouseholdFactory(division=org.other_village), needs_action=True, raised="别村的问题")
    return open_one, cleared


def test_ledger_lists_what_needs_action_in_scope(org, director, client_for):
    _problems(org)
    body = client_for(director).get(URL).content.decode()
    assert "路灯坏了" in body and "排水沟堵塞" in body
    assert "一切正常" not in body and "别村的问题" not in body
    assert "已销号" in body and "未转办" in body


@pytest.mark.parametrize(("state", "shown", "hidden"), [("open", "路灯坏了", "排水沟堵塞"), ("cleared", "排水沟堵塞", "路灯坏了")])
def test_state_filter(org, director, client_for, state, shown, hidden):
    _problems(org)
    body = client_for(director).get(URL, {"state": state}).content.decode()
    assert shown in body and hidden not in body


def test_bad_filter_is_a_400(org, director, client_for):
    assert client_for(director).get(URL, {"state": "nonsense"}).status_code == 400


def test_export_is_filtered_and_audited(org, director, client_for):
    _problems(org)
    response = client_for(director).get(URL, {"state": "open", "export": "xlsx"})
    rows = list(load_workbook(BytesIO(response.content)).active.values)
    assert [row[4] for row in rows[1:]] == ["路灯坏了"]
    assert AuditLog.objects.filter(action="export", detail__startswith="problems").exists()


def test_query_count_does_not_grow(org, director, client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(director)
    _problems(org)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    household = HouseholdFactory(division=org.village)
    VisitFactory.create_batch(40, household=household, needs_action=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(URL).status_code == 200
