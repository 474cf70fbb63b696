"""Cached page content follows the data: a write shows on the next view, and the clock within a minute."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from pinggu_center import freshness
from pinggu_center.models import Level
from tests.cases.factories import CaseFactory
from tests.cases.helpers import register
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
OVERDUE_BADGE = '<span class="badge text-bg-danger">超期</span>'


def _figure(label: str, value: int) -> str:
    """A figure of the totals row (dashboards/partials/totals.html)."""
    return f'{label}</div><div class="fs-4">{value}</div>'


def _browser(client_for, user) -> Client:
    """A signed-in browser with its CSRF cookie, as the sign-in page leaves it (before it, nothing is cached)."""
    client = client_for(user)
    client.get(reverse("home"), follow=True)
    assert client.cookies.get("csrftoken")
    return client


def _keys(user, *divisions) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    request.META["CSRF_COOKIE"] = "a-browser-secret"
    return [freshness.fragment_key(request, division) for division in divisions]


def test_the_second_view_reads_no_figures_and_shows_the_same(org, director, client_for):
    client = _browser(client_for, director)
    url = reverse("dashboards:village_workbench")
    register(org.center, director, title="楼上漏水")
    with CaptureQueriesContext(connection) as first:
        first_page = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as second:
        second_page = client.get(url).content.decode()

    assert len(second) < len(first) - 5
    assert CSRF_INPUT.sub("", second_page) == CSRF_INPUT.sub("", first_page)
    assert "楼上漏水" in second_page


def test_a_case_registered_shows_on_the_next_view(org, director, client_for):
    client = _browser(client_for, director)
    url = reverse("dashboards:village_workbench")
    assert "刚登记的漏水纠纷" not in client.get(url).content.decode()

    register(org.center, director, title="刚登记的漏水纠纷")

    assert "刚登记的漏水纠纷" in client.get(url).content.decode()


def test_a_write_forgets_its_village_its_town_and_the_district_and_nothing_else(org, director, district_admin):
    scopes = [org.village, org.other_village, org.town, None]
    before = _keys(district_admin, *scopes)

    CaseFactory(center=org.center)
    after = _keys(district_admin, *scopes)

    village, other_village, town, district = (old != new for old, new in zip(before, after, strict=True))
    assert (village, other_village, town, district) == (True, False, True, True)
    assert _keys(district_admin, *scopes) == after  # and a read changes nothing


def test_forgetting_a_write_in_a_village_is_what_a_case_write_forgets(org, district_admin):
    """The benchmark's "right after a case write" column forgets what a committed case forgets, no more, no less."""
    scopes = [org.village, org.other_village, org.town, None]
    before, root = _keys(district_admin, *scopes), freshness._tokens([freshness.ROOT])

    freshness.forget(freshness.chain_of(org.village.pk))

    after = _keys(district_admin, *scopes)
    assert [old != new for old, new in zip(before, after, strict=True)] == [True, False, True, True]
    assert freshness._tokens([freshness.ROOT]) == root  # the filter bar and other reference data stay cached


def test_a_change_to_reference_data_forgets_every_page(org, director, district_admin):
    before = _keys(district_admin, org.village, org.other_village)
    org.justice_office.name = "峪口司法所"
    org.justice_office.save()
    after = _keys(district_admin, org.village, org.other_village)
    assert before[0] != after[0] and before[1] != after[1]


def test_the_clock_alone_shows_within_a_minute(org, director, district_admin, client_for, _fixed_clock):
    case = register(org.center, director, title="快到期的事项")
    case.resolution_due = timezone.now() + timedelta(seconds=20)
    case.save(update_fields=["resolution_due"])
    client = _browser(client_for, district_admin)
    url = reverse("dashboards:village_review", args=[org.village.pk])
    before = client.get(url).content.decode()
    assert OVERDUE_BADGE not in before and _figure("超期件数", 0) in before

    _fixed_clock.shift(timedelta(seconds=70))

    after = client.get(url).content.decode()
    assert OVERDUE_BADGE in after and _figure("超期件数", 1) in after


def test_a_ledger_row_remembered_before_its_deadline_shows_overdue_after_it(org, director, district_admin,
                                                                           client_for, _fixed_clock):
    case = register(org.center, director, title="快到期的事项")
    case.resolution_due = timezone.now() + timedelta(seconds=20)
    case.save(update_fields=["resolution_due"])
    client = _browser(client_for, district_admin)
    url = reverse("cases:case_list")
    assert '<span class="badge text-bg-danger">逾期</span>' not in client.get(url).content.decode()

    _fixed_clock.shift(timedelta(seconds=70))  # the row's values are the same; only the clock moved

    assert '<span class="badge text-bg-danger">逾期</span>' in client.get(url).content.decode()


def test_a_held_case_remembered_before_its_deadline_shows_overdue_after_it(org, town_user, client_for,
                                                                          _fixed_clock):
    """The inbox's rows are remembered like the ledger's (cases.templatetags.case_tags.held_rows)."""
    case = CaseFactory(center=org.center, level=Level.TOWN, holder=org.town, title="提级到镇的事项",
                       status=Case.Status.HANDLING, resolution_due=timezone.now() + timedelta(seconds=20))
    client = _browser(client_for, town_user)
    url = reverse("cases:whistle_inbox")
    page = client.get(url).content.decode()
    row = re.search(r'data-testid="held">(.*?)</ul>', page, re.S).group(1)
    assert f'href="{case.get_absolute_url()}">{case.number} 提级到镇的事项</a>' in row
    assert 'data-testid="case-status"' in row and "逾期" not in row

    _fixed_clock.shift(timedelta(seconds=70))

    row = re.search(r'data-testid="held">(.*?)</ul>', client.get(url).content.decode(), re.S).group(1)
    assert '<span class="badge text-bg-danger">逾期</span>' in row


def test_rows_written_in_bulk_show_after_the_counters_are_rebuilt(org, director, district_admin, client_for):
    client = _browser(client_for, district_admin)
    url = reverse("dashboards:district_review")
    assert _figure("受理量", 0) in client.get(url).content.decode()
    Case.objects.bulk_create([CaseFactory.build(center=org.center, division=org.village, holder=org.village)])

    call_command("rebuild_counters", stdout=StringIO())

    assert _figure("受理量", 1) in client.get(url).content.decode()


def test_each_browser_gets_a_form_its_own_csrf_secret_accepts(org, director, district_admin):
    url = reverse("dashboards:village_review", args=[org.village.pk])
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(district_admin)
    second.force_login(district_admin)
    first.get(url)
    first.get(url)  # cached for the first browser, now that it has its CSRF cookie
    second.get(url)

    page = second.get(url).content.decode()
    export_form = page[page.index('name="kind" value="cases"') - 400 :]
    token = CSRF_INPUT.search(export_form).group(1)
    response = second.post(
        reverse("dashboards:export_job_create"),
        {"csrfmiddlewaretoken": token, "kind": "cases", "division": org.village.pk,
         "start": "2026-01-01", "end": "2026-11-24"},
    )
    assert response.status_code == 302


def test_content_without_a_key_is_never_cached():
    template = Template('{% load fresh %}{% fresh "x" %}{{ figure }}{% endfresh %}')
    assert template.render(Context({"figure": 1})) == "1"
    assert template.render(Context({"figure": 2})) == "2"
    keyed = [template.render(Context({"figure": n, "fragment": "k"})) for n in (3, 4)]
    assert keyed == ["3", "3"]


@pytest.mark.django_db(transaction=True)  # a real commit, which runs the callbacks
def test_a_batch_forgets_each_token_once_at_commit(org, director, monkeypatch):
    forgotten: list[set[str]] = []
    forget = freshness.forget
    monkeypatch.setattr(freshness, "forget", lambda names: (forgotten.append(set(names)), forget(names)))
    cases = CaseFactory.create_batch(3, center=org.center)
    forgotten.clear()

    with transaction.atomic():
        for case in cases:
            case.title = "改过的事由"
            case.save(update_fields=["title"])
        assert forgotten == []  # nothing yet: no page can see the rows before the commit
        _keys(director, org.village)  # but a page read inside the transaction that wrote …
        assert len(forgotten) == 1  # … sees them
        cases[0].save(update_fields=["title"])
        assert len(forgotten) == 1
    assert len(forgotten) == 2 and forgotten[-1] == forgotten[0]  # the commit: once, for all the rows


@pytest.mark.parametrize("query", ["", "?status=handling", "?department={department}", "?q=漏水", "?overdue=yes"])
def test_the_ledger_viewed_again_reads_no_cases(org, director, district_admin, client_for, query):
    register(org.center, director, title="楼上漏水")
    client = _browser(client_for, district_admin)
    url = reverse("cases:case_list") + query.format(department=org.justice_office.pk)
    first = client.get(url)
    with CaptureQueriesContext(connection) as again:
        second = client.get(url)

    assert second.status_code == first.status_code == 200
    assert not [q["sql"] for q in again.captured_queries if "cases_" in q["sql"]]
    assert CSRF_INPUT.sub("", second.content.decode()) == CSRF_INPUT.sub("", first.content.decode())


def test_the_centers_list_counts_a_member_added_since_it_was_cached(org, district_admin, client_for):
    client = _browser(client_for, district_admin)
    url = reverse("center_list")
    row = re.compile(re.escape(org.center.name) + r'</a></td><td>[^<]*</td><td class="text-end">(\d+)</td>')
    before = int(row.search(client.get(url).content.decode()).group(1))
    assert int(row.search(client.get(url).content.decode()).group(1)) == before  # viewed again, from the cache

    MemberFactory(center=org.center)

    assert int(row.search(client.get(url).content.decode()).group(1)) == before + 1


def test_the_ledger_asks_the_cache_for_its_tokens_once_and_counts_only_keys(org, director, district_admin,
                                                                            client_for, monkeypatch):
    """Its table and its filter bar share the root token; the capped count (the matches' keys, in the ledger's
    order) computes no row's pending summonses."""
    register(org.center, director, title="楼上漏水")
    client = _browser(client_for, district_admin)
    asked = []
    tokens = freshness._tokens
    monkeypatch.setattr(freshness, "_tokens", lambda names: asked.append(list(names)) or tokens(names))
    freshness.forget(freshness.chain_of(org.village.pk))
    with CaptureQueriesContext(connection) as rendered:
        response = client.get(reverse("cases:case_list"))

    assert response.status_code == 200 and "楼上漏水" in response.content.decode()
    assert asked == [[freshness.ROOT, str(district_admin.division_id)]]
    counts = [q["sql"] for q in rendered.captured_queries
              if q["sql"].startswith('SELECT "cases_case"."id" AS "pk" FROM "cases_case"')]
    assert len(counts) == 1 and "EXISTS" not in counts[0] and "cases_summons" not in counts[0]


def test_the_centers_list_counts_active_members_only_and_zero_for_none(org, district_admin, director, client_for):
    org.other_center.members.all().delete()
    MemberFactory.create_batch(2, center=org.center)
    MemberFactory(center=org.center, retired_on=timezone.localdate())
    text = client_for(district_admin).get(reverse("center_list")).content.decode()

    def shown(center) -> int:
        row = re.escape(center.name) + r'</a></td><td>[^<]*</td><td class="text-end">(\d+)</td>'
        return int(re.search(row, text).group(1))

    assert shown(org.center) == org.center.members.filter(retired_on__isnull=True).count() >= 2
    assert shown(org.other_center) == 0
    # A village's director has one center: the list takes them to it.
    assert client_for(director).get(reverse("center_list")).url == org.center.get_absolute_url()
