"""The summary figures shared by every viewer: prepared by the worker after a commit, true whatever the clock says.

Real commits (transaction=True): figures read inside a transaction that wrote are never kept, since it may roll back.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.tasks import escalate_overdue_cases
from dashboards import figures
from dashboards.rates import this_year
from dashboards.tasks import prepare_figures
from pinggu_center import freshness
from tests.cases.helpers import register

pytestmark = pytest.mark.django_db(transaction=True)


def _figure(label: str, value: int) -> str:
    """A figure of the totals row (dashboards/partials/totals.html)."""
    return f'{label}</div><div class="fs-4">{value}</div>'


def _listed(page: str, testid: str) -> str:
    return re.search(rf'data-testid="{testid}">(.*?)</ul>', page, re.S).group(1)


def _counter_reads(queries) -> list[str]:
    """Queries of the counters and of what the summary pages share besides (warnings, visit coverage)."""
    tables = ("cases_casetally", "visits_visittally", "aids_riskwarning", "cases_departmenttally")
    return [q["sql"] for q in queries.captured_queries if any(table in q["sql"] for table in tables)]


def _asked(monkeypatch, org) -> list[tuple]:
    """The preparations queued from now on; none is waiting in the queue before (another test may have left one)."""
    freshness.preparing(prepare_figures.name, freshness.chain_of(org.village.pk))
    asked: list[tuple] = []
    monkeypatch.setattr(prepare_figures, "apply_async", lambda args, **options: asked.append((args, options)))
    return asked


def test_a_committed_write_asks_the_worker_for_the_figures_of_its_divisions(org, director, monkeypatch):
    asked = _asked(monkeypatch, org)

    register(org.center, director, title="楼上漏水")

    names = set().union(*(set(args[0]) for args, _options in asked))
    assert {str(org.village.pk), str(org.town.pk), freshness.DISTRICT} <= names
    assert all(options["expires"] == 60 for _args, options in asked)


def test_a_burst_of_commits_queues_one_preparation_until_it_starts(org, director, monkeypatch):
    asked = _asked(monkeypatch, org)
    register(org.center, director, title="第一件")
    queued = len(asked)

    register(org.center, director, title="第二件")  # its divisions wait in the queue already
    assert len(asked) == queued

    prepare_figures(list(asked[-1][0][0]))  # the worker starts on it …
    register(org.center, director, title="第三件")  # … so a later commit queues again
    assert len(asked) == queued + 1 and str(org.village.pk) in asked[-1][0][0]


def test_a_sweep_batch_queues_no_preparation(org, director, monkeypatch):
    """Its commit holds hundreds of escalations: the next ordinary write prepares the figures."""
    case = register(org.center, director, title="逾期未办结")
    Case.objects.filter(pk=case.pk).update(resolution_due=timezone.now() - timedelta(hours=1))
    asked = _asked(monkeypatch, org)

    assert escalate_overdue_cases([case.pk], Case.objects.get(pk=case.pk).level) == 1

    assert asked == []
    register(org.center, director, title="之后的事项")
    assert asked


def test_a_write_goes_on_when_the_worker_cannot_be_asked(org, director, monkeypatch):
    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(prepare_figures, "apply_async", broker_down)

    case = register(org.center, director, title="楼上漏水")

    assert Case.objects.filter(pk=case.pk, title="楼上漏水").exists()


def test_the_district_review_after_the_worker_prepared_reads_no_counters(org, director, district_admin, client_for):
    client = client_for(district_admin)
    client.get(reverse("home"), follow=True)  # the CSRF cookie: the page's content is cached from then on
    url = reverse("dashboards:district_review")
    assert _figure("受理量", 0) in client.get(url).content.decode()

    register(org.center, director, title="楼上漏水")
    assert prepare_figures(sorted(freshness.chain_of(org.village.pk))) == 5  # as the worker does after the commit
    with CaptureQueriesContext(connection) as viewed:
        page = client.get(url).content.decode()

    assert _figure("受理量", 1) in page
    assert _counter_reads(viewed) == []
    assert prepare_figures(sorted(freshness.chain_of(org.village.pk))) == 5  # again: found ready, nothing changes


@pytest.mark.parametrize(("viewer", "page", "content"), [
    ("district_admin", "dashboards:district_review", "district_review_content"),
    ("district_admin", "dashboards:town_review", "town_review_content"),
    ("town_user", "dashboards:town_page", "town_page_content"),
])
def test_a_page_of_figures_alone_is_served_as_the_worker_rendered_it(org, director, client_for, request, viewer,
                                                                    page, content):
    """Its content shows nothing of the viewer: the worker renders it after the commit, and no view renders it."""
    url = reverse(page, args=[org.town.pk] if page == "dashboards:town_review" else [])
    template = f"dashboards/partials/{content}.html"
    viewers = [client_for(request.getfixturevalue(viewer))]
    if viewer == "district_admin":
        viewers.append(client_for(request.getfixturevalue("auditor")))  # another viewer: the same content
    register(org.center, director, title="楼上漏水")
    prepare_figures(sorted(freshness.chain_of(org.village.pk)))

    for client in viewers:
        response = client.get(url)
        shown_division = org.town if page == "dashboards:district_review" else org.village
        assert response.status_code == 200 and shown_division.name in response.content.decode()
        assert template not in [used.name for used in response.templates]

    freshness.forget(freshness.chain_of(org.village.pk))  # a write the worker has not seen yet: the view renders it
    response = viewers[0].get(url)
    assert template in [used.name for used in response.templates]


def test_the_prepared_district_review_follows_the_clock(org, director, district_admin, client_for, _fixed_clock):
    case = register(org.center, director, title="快到期的事项")
    Case.objects.filter(pk=case.pk).update(resolution_due=timezone.now() + timedelta(seconds=20))
    freshness.forget(freshness.chain_of(org.village.pk))
    prepare_figures(sorted(freshness.chain_of(org.village.pk)))
    client = client_for(district_admin)
    url = reverse("dashboards:district_review")
    assert _figure("超期件数", 0) in client.get(url).content.decode()

    _fixed_clock.shift(timedelta(seconds=70))  # no write: only the clock

    assert _figure("超期件数", 1) in client.get(url).content.decode()


def test_the_workbench_after_the_worker_prepared_reads_no_counters(org, director, client_for):
    client = client_for(director)
    client.get(reverse("home"), follow=True)
    register(org.center, director, title="楼上漏水")
    prepare_figures(sorted(freshness.chain_of(org.village.pk)))

    with CaptureQueriesContext(connection) as viewed:
        page = client.get(reverse("dashboards:village_workbench")).content.decode()

    assert "楼上漏水" in page and 'data-testid="visit-figures"' in page
    assert _counter_reads(viewed) == []


def test_figures_a_viewer_computed_serve_the_next_viewer(org, director, district_admin, client_for):
    register(org.center, director, title="楼上漏水")
    url = reverse("dashboards:town_review", args=[org.town.pk])
    first, second = client_for(district_admin), client_for(district_admin)
    for client in (first, second):
        client.get(reverse("home"), follow=True)
    first.get(url)

    with CaptureQueriesContext(connection) as viewed:
        page = second.get(url).content.decode()

    assert _figure("受理量", 1) in page and _counter_reads(viewed) == []


def test_the_overdue_count_of_prepared_figures_follows_the_clock(org, director, district_admin, client_for,
                                                                _fixed_clock):
    case = register(org.center, director, title="快到期的事项")
    Case.objects.filter(pk=case.pk).update(resolution_due=timezone.now() + timedelta(seconds=20))
    freshness.forget(freshness.chain_of(org.village.pk))  # the update above bypassed the models' save
    prepare_figures(sorted(freshness.chain_of(org.village.pk)))
    client = client_for(district_admin)
    client.get(reverse("home"), follow=True)
    url = reverse("dashboards:village_review", args=[org.village.pk])
    assert _figure("超期件数", 0) in client.get(url).content.decode()

    _fixed_clock.shift(timedelta(seconds=70))  # no write: only the clock

    assert _figure("超期件数", 1) in client.get(url).content.decode()


def test_the_workbench_lists_of_prepared_figures_follow_the_clock(org, director, client_for, _fixed_clock):
    due_later = register(org.center, director, title="两天后到期")
    Case.objects.filter(pk=due_later.pk).update(resolution_due=timezone.now() + timedelta(hours=48, minutes=10))
    freshness.forget(freshness.chain_of(org.village.pk))
    prepare_figures(sorted(freshness.chain_of(org.village.pk)))
    client = client_for(director)
    client.get(reverse("home"), follow=True)
    url = reverse("dashboards:village_workbench")
    assert "两天后到期" not in _listed(client.get(url).content.decode(), "deadlines")

    _fixed_clock.shift(timedelta(minutes=20))  # now within 48 hours of its deadline, and nothing was written

    assert "两天后到期" in _listed(client.get(url).content.decode(), "deadlines")


def test_figures_read_inside_a_transaction_that_wrote_are_not_kept(org, director):
    with transaction.atomic():
        register(org.center, director, title="回滚的事项")
        assert freshness.shared_key("village-total", org.village) is None
        inside = figures.village_total(org.village, this_year())
        assert inside["intake"] == 1
        transaction.set_rollback(True)

    assert figures.village_total(org.village, this_year())["intake"] == 0
