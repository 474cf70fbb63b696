"""Every deliberation and legal-education list exports what its filters select, audited, in a fixed number of queries."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from pinggu_center.models import AuditLog

pytestmark = pytest.mark.django_db

LISTS = [
    "deliberation:meeting_list",
    "deliberation:matter_list",
    "deliberation:document_list",
    "legal_education:activity_list",
    "legal_education:liaison_list",
    "legal_education:report_list",
]


@pytest.mark.parametrize("url_name", LISTS)
def test_export_downloads_a_workbook_and_is_audited(org, director, client_for, url_name):
    response = client_for(director).get(reverse(url_name), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(load_workbook(BytesIO(response.content)).active.values)
    assert rows[0][0] == "村/社区"
    assert AuditLog.objects.filter(action="export").count() == 1


def test_meeting_export_has_the_scoped_rows_and_constant_queries(org, director, client_for):
    from .factories import MeetingFactory

    client = client_for(director)
    MeetingFactory(center=org.center, title="本村会议")
    MeetingFactory(center=org.other_center, title="别村会议")
    url = reverse("deliberation:meeting_list")
    with CaptureQueriesContext(connection) as few:
        response = client.get(url, {"export": "xlsx"})
    assert response.status_code == 200
    titles = [row[1] for row in list(load_workbook(BytesIO(response.content)).active.values)[1:]]
    assert titles == ["本村会议"]
    MeetingFactory.create_batch(20, center=org.center)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url, {"export": "xlsx"}).status_code == 200
    assert len(many) == len(few)
