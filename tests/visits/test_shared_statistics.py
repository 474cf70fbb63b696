"""The visit statistics are shared by every user of a division and prepared by the worker after each commit.

Real commits (transaction=True): figures read inside a transaction that wrote are never kept.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pinggu_center import freshness
from tests.factories import MemberFactory
from visits.tasks import prepare_statistics

from .factories import HouseholdFactory, VisitFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _visit(org) -> None:
    member = MemberFactory(center=org.center, role_codes=["committee"], joined_on=date(2026, 1, 1))
    VisitFactory(household=HouseholdFactory(division=org.village, head_name="李四"), cadres=[member])


def _browser(client_for, user):
    client = client_for(user)
    client.get(reverse("home"), follow=True)  # the CSRF cookie: the page's content is cached from then on
    return client


def _counter_reads(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "visits_visittally" in q["sql"]]


def test_a_committed_visit_asks_the_worker_for_the_statistics_of_its_divisions(org, monkeypatch):
    freshness.preparing(prepare_statistics.name, freshness.chain_of(org.village.pk))  # none waits in the queue
    asked = []
    monkeypatch.setattr(prepare_statistics, "apply_async", lambda args, **options: asked.append(set(args[0])))

    _visit(org)

    assert {str(org.village.pk), str(org.town.pk), str(org.district.pk)} <= set().union(*asked)


def test_the_statistics_after_the_worker_prepared_them_read_no_counters(org, director, district_admin, client_for):
    clients = [_browser(client_for, user) for user in (district_admin, director)]
    _visit(org)

    prepared = prepare_statistics(sorted(freshness.chain_of(org.village.pk)))  # as the worker does after the commit

    assert prepared == 2  # one user of the village, one of the district: each division's users see the same
    for client in clients:
        with CaptureQueriesContext(connection) as viewed:
            page = client.get(reverse("visits:statistics")).content.decode()
        assert _counter_reads(viewed) == []
        assert 'data-testid="share-30">100.0%' in page  # the one household, visited today


def test_users_of_different_divisions_do_not_share_statistics(org, district_admin, town_user, client_for):
    _visit(org)
    HouseholdFactory(division=org.other_village)  # in the district's figures, not the town's
    district_page = _browser(client_for, district_admin).get(reverse("visits:statistics")).content.decode()
    town_page = _browser(client_for, town_user).get(reverse("visits:statistics")).content.decode()

    assert 'data-testid="share-30">50.0%' in district_page
    assert 'data-testid="share-30">100.0%' in town_page
