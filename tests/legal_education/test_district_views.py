"""The district's coverage and 法律明白人 summaries: right on constructed data, and query counts that do not grow."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from legal_education.models import ActivityKind
from legal_education.selectors import coverage_by_town, liaisons_by_town
from tests.clock import FROZEN_NOW
from tests.factories import CenterFactory, VillageFactory

from .factories import LegalActivityFactory, LegalLiaisonFactory, build_villages

pytestmark = pytest.mark.django_db

THIS_YEAR = FROZEN_NOW.year  # the tests run at FROZEN_NOW (tests/conftest.py)


def test_coverage_counts_micro_lectures_of_the_year_only(org, district_admin):
    third = CenterFactory(division=VillageFactory(name="第三村", parent=org.town))
    LegalActivityFactory(center=org.center, held_on=date(THIS_YEAR, 2, 1))
    LegalActivityFactory(center=org.center, held_on=date(THIS_YEAR, 5, 1))  # twice is still one village
    LegalActivityFactory(center=third, kind=ActivityKind.CASE_LECTURE, held_on=date(THIS_YEAR, 2, 1))  # not a 微课堂
    LegalActivityFactory(center=org.other_center, held_on=date(THIS_YEAR - 1, 12, 31))  # last year
    rows = {row["town"]: row for row in coverage_by_town(district_admin, year=THIS_YEAR)}
    assert (rows["峪口地区"]["villages"], rows["峪口地区"]["covered_count"], rows["峪口地区"]["rate"]) == (2, 1, 50.0)
    assert (rows["大兴庄镇"]["villages"], rows["大兴庄镇"]["covered_count"]) == (1, 0)
    last_year = {row["town"]: row for row in coverage_by_town(district_admin, year=THIS_YEAR - 1)}
    assert last_year["大兴庄镇"]["covered_count"] == 1


def test_coverage_page_lists_uncovered_villages(org, district_admin, client_for):
    LegalActivityFactory(center=org.center, held_on=date(THIS_YEAR, 2, 1))
    response = client_for(district_admin).get(reverse("legal_education:coverage"))
    page = response.content.decode()
    assert response.status_code == 200
    uncovered = page.split('data-testid="uncovered"')[1]
    assert "周村" in uncovered and "西凡各庄村" not in uncovered
    assert 'id="coverage-chart"' in page
    assert client_for(district_admin).get(reverse("legal_education:coverage"), {"year": "abc"}).status_code == 400


def test_liaisons_short_villages(org, district_admin, town_user, client_for):
    for _ in range(3):
        LegalLiaisonFactory(center=org.center)
    LegalLiaisonFactory(center=org.other_center)
    LegalLiaisonFactory(center=org.other_center, retired_on=date(2026, 1, 1))  # retired: does not count
    rows = {row["town"]: row["short_count"] for row in liaisons_by_town(district_admin)}
    assert rows == {"峪口地区": 0, "大兴庄镇": 1}
    page = client_for(district_admin).get(reverse("legal_education:liaison_overview"), {"short_only": "on"})
    listed = page.content.decode().split('data-testid="liaison-villages"')[1]
    assert "周村" in listed and "西凡各庄村" not in listed
    # The town sees only its own villages.
    assert [row["town"] for row in liaisons_by_town(town_user)] == ["峪口地区"]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url_name", ["legal_education:coverage", "legal_education:liaison_overview", "legal_education:overview"])
def test_district_summaries_do_not_grow_with_villages(org, district_admin, client_for, url_name):
    """10 villages and 311 villages cost the same queries: session, user, scope, summary, page count, page rows."""
    build_villages(org.district, 8)
    client = client_for(district_admin)
    url = reverse(url_name)
    small = _queries(client, url)
    centers = build_villages(org.district, 301, towns=15, start=100)
    for center in centers[::3]:
        LegalLiaisonFactory(center=center)
        LegalActivityFactory(center=center, team=None)
    assert _queries(client, url) == small
