"""A GET never writes: every summary page and list is served without one INSERT, UPDATE or DELETE."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.cases.helpers import register

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def _pages(org, case) -> list[tuple[str, str]]:
    lists = reverse("cases:case_list")
    return [
        ("director", reverse("dashboards:village_workbench")),
        ("cadre", reverse("dashboards:cadre_home")),
        ("town_user", reverse("dashboards:town_page")),
        ("district_admin", reverse("dashboards:district_review")),
        ("district_admin", reverse("dashboards:town_review", args=[org.town.pk])),
        ("district_admin", reverse("dashboards:village_review", args=[org.village.pk])),
        ("district_admin", lists),
        ("district_admin", lists + "?q=漏水&level=district&closure=escalate&overdue=yes"),
        ("district_admin", lists + "?registered_from=2026-01-01&registered_to=2026-01-31&department=" + str(org.justice_office.pk)),
        ("director", lists),
        ("director", reverse("cases:case_detail", args=[case.pk])),
        ("director", reverse("visits:statistics")),
        ("district_admin", reverse("visits:statistics")),
        ("town_user", reverse("visits:statistics")),
        ("director", reverse("visits:forecast")),
        ("director", reverse("visits:assessment")),
    ]


def test_no_page_writes(org, director, cadre, town_user, district_admin, client_for):
    case = register(org.center, director)
    users = {"director": director, "cadre": cadre, "town_user": town_user, "district_admin": district_admin}
    for who, url in _pages(org, case):
        client = client_for(users[who])
        client.get(url)  # warm up anything lazy (the session was renewed at sign-in: IdleSessionMiddleware)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
        assert writes == [], (url, writes)
