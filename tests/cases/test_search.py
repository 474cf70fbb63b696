"""The ledger's keyword search and filters: Chinese words of any length, party names, case numbers, ranges."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, Party
from pinggu_center import paging
from tests.pages import shown

from .factories import CaseFactory, PartyFactory
from .helpers import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(org):
    now = timezone.now()
    water = CaseFactory(center=org.center, title="楼上漏水纠纷", description="卫生间漏水，多次协商未果。",
                        registered_at=now - timedelta(days=1))
    land = CaseFactory(center=org.center, title="宅基地边界争议", description="两户因院墙位置发生争执。",
                       registered_at=now - timedelta(days=2))
    PartyFactory(case=land, name="王秀兰")
    other = CaseFactory(center=org.other_center, title="合同欠款", description="货款 100% 未付_",
                        registered_at=now - timedelta(days=3))
    return {"water": water, "land": land, "other": other}


def _found(client, **query) -> list[str]:
    response = client.get(reverse("cases:case_list"), query)
    assert response.status_code == 200
    return [case.title for case in shown(response, "page")]


@pytest.mark.parametrize(("word", "titles"), [
    ("漏", ["楼上漏水纠纷"]),  # one character
    ("漏水", ["楼上漏水纠纷"]),  # two characters
    ("多次协商", ["楼上漏水纠纷"]),  # a longer word in the description
    ("院墙位置", ["宅基地边界争议"]),
    ("王秀兰", ["宅基地边界争议"]),  # a party's name
    ("秀兰", ["宅基地边界争议"]),
    ("纠纷 ", ["楼上漏水纠纷"]),
    ("100%", ["合同欠款"]),  # LIKE's wildcards are taken literally
    ("_", ["合同欠款"]),
    ("水漏", []),
])
def test_keyword_finds_chinese_words_of_any_length(client_for, district_admin, ledger, word, titles):
    assert _found(client_for(district_admin), q=word) == titles


def test_a_registered_case_is_found_by_each_of_its_parties_names(client_for, org, district_admin, director):
    case = register(org.center, director, parties=[services.PartyData(name="赵德明"),
                                                   services.PartyData(name="钱秀英", role=Party.Role.RESPONDENT)])
    assert case.party_names == "赵德明 钱秀英"
    for client in (client_for(district_admin), client_for(director)):
        assert _found(client, q="钱秀英") == [case.title]
        assert _found(client, q="德明") == [case.title]
        assert _found(client, q="明钱") == []  # no word across two names


def test_keyword_matches_the_case_number_exactly_or_by_prefix(client_for, district_admin, ledger):
    number = ledger["land"].number
    client = client_for(district_admin)
    assert _found(client, q=number) == ["宅基地边界争议"]
    assert _found(client, q=number.lower()) == ["宅基地边界争议"]
    prefix = number.rsplit("-", 1)[0]
    assert set(_found(client, q=prefix)) == {"楼上漏水纠纷", "宅基地边界争议", "合同欠款"}


def test_keyword_stays_in_scope(client_for, director, ledger):
    assert _found(client_for(director), q="合同") == []


@pytest.mark.parametrize(("word", "titles"), [
    ("漏", ["楼上漏水纠纷"]),
    ("多次协商", ["楼上漏水纠纷"]),
    ("王秀兰", ["宅基地边界争议"]),
    ("秀兰", ["宅基地边界争议"]),
    ("。", ["楼上漏水纠纷", "宅基地边界争议"]),
    ("水漏", []),
])
def test_a_village_searches_its_own_cases_the_same_way(client_for, director, ledger, word, titles):
    """A village's search reads the village's own cases rather than the grams (cases.search, one_village)."""
    assert _found(client_for(director), q=word) == titles


def test_results_are_most_recent_first(client_for, district_admin, ledger):
    assert _found(client_for(district_admin), q="。") == ["楼上漏水纠纷", "宅基地边界争议"]


def test_registration_range_is_whole_local_days(client_for, district_admin, org):
    day = timezone.localdate() - timedelta(days=10)
    midnight = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))
    CaseFactory(center=org.center, title="当天零点", registered_at=midnight)
    CaseFactory(center=org.center, title="当天最后一刻", registered_at=midnight + timedelta(days=1, microseconds=-1))
    CaseFactory(center=org.center, title="次日零点", registered_at=midnight + timedelta(days=1))
    found = _found(client_for(district_admin), registered_from=day.isoformat(), registered_to=day.isoformat())
    assert found == ["当天最后一刻", "当天零点"]


def test_department_filter_finds_transferred_cases(client_for, district_admin, org, ledger):
    from cases.models import Transfer

    Transfer.objects.create(case=ledger["other"], target="department", department=org.justice_office,
                            reason="移交", feedback_due=timezone.now() + timedelta(days=5))
    assert _found(client_for(district_admin), department=org.justice_office.pk) == ["合同欠款"]


def test_level_filter(client_for, district_admin, org, ledger):
    Case.objects.filter(pk=ledger["water"].pk).update(level="district")
    assert _found(client_for(district_admin), level="district") == ["楼上漏水纠纷"]


def test_a_page_past_the_cap_is_not_found_rather_than_another_page(client_for, district_admin, org, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 30)
    CaseFactory.create_batch(40, center=org.center)
    client = client_for(district_admin)
    last = client.get(reverse("cases:case_list"), {"page": 2})
    assert last.status_code == 200 and shown(last, "page").paginator.is_capped
    assert not shown(last, "page").has_next()
    assert "超过 30 件" in last.content.decode()
    assert client.get(reverse("cases:case_list"), {"page": 3}).status_code == 404
    assert client.get(reverse("cases:case_list"), {"page": 2000}).status_code == 404


def test_the_first_page_counts_only_as_far_as_the_pages_ahead(client_for, district_admin, org, monkeypatch):
    monkeypatch.setattr(paging, "PAGES_AHEAD", 0)
    CaseFactory.create_batch(40, center=org.center)
    client = client_for(district_admin)

    first = client.get(reverse("cases:case_list"))
    assert "超过 25 件" in first.content.decode() and shown(first, "page").has_next()
    second = client.get(reverse("cases:case_list"), {"page": 2})  # counted as far as page 2 reaches: all 40
    assert "共 40 件" in second.content.decode() and not shown(second, "page").has_next()


def test_the_matches_are_found_once_and_only_the_pages_rows_read_whole(client_for, district_admin, org):
    """The ledger's keyword runs in one query, which returns keys in the ledger's order and so gives both the count
    and the page (pinggu_center.paging.CappedPaginator.ranked_keys); the page's 25 rows are then read by key."""
    for index in range(30):
        CaseFactory(center=org.center, title=f"楼上漏水纠纷{index}", registered_at=timezone.now() - timedelta(hours=index))
    client = client_for(district_admin)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(reverse("cases:case_list"), {"q": "漏水", "page": 2})
    assert [case.title for case in shown(second, "page")] == [f"楼上漏水纠纷{index}" for index in range(25, 30)]
    assert "共 30 件" in second.content.decode()
    searching = [query["sql"] for query in queries.captured_queries if "漏水" in query["sql"]]
    assert len(searching) == 1 and "COUNT(" not in searching[0].upper()
    whole_rows = [query["sql"] for query in queries.captured_queries
                  if '"cases_case"."title"' in query["sql"].split(" FROM ")[0]]
    assert len(whole_rows) == 1 and "漏水" not in whole_rows[0]
