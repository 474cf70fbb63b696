"""Lists cost the same number of queries with 3 rows as with 25 (a full page)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.legal_education.factories import LegalActivityFactory

from .factories import MajorMatterFactory, MeetingFactory

pytestmark = pytest.mark.django_db

LISTS = [
    ("deliberation:meeting_list", lambda center: MeetingFactory(center=center)),
    ("deliberation:matter_list", lambda center: MajorMatterFactory(center=center)),
    ("legal_education:activity_list", lambda center: LegalActivityFactory(center=center)),
]


@pytest.mark.parametrize(("url_name", "make"), LISTS)
def test_list_queries_do_not_grow(org, town_user, client_for, url_name, make):
    """session, user, scope, filter choices, page count, page rows — whatever the number of rows."""
    client = client_for(town_user)
    for _ in range(3):
        make(org.center)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(url_name)).status_code == 200
    for _ in range(30):
        make(org.center)
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse(url_name)).status_code == 200
    assert len(large) == len(small)
