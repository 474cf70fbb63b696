"""The ledger (cases:case_list), its Excel export and the case page: filters, masking, audit, query counts."""

from __future__ import annotations

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent, Party, Summons, Transfer, Whistle
from pinggu_center.models import Level

from .factories import CaseFactory, PartyFactory

LIST = reverse("cases:case_list")


def _bulk_cases(center, count: int, **fields) -> list[Case]:
    cases = Case.objects.bulk_create(CaseFactory.build_batch(count, center=center, **fields))
    Party.objects.bulk_create([PartyFactory.build(case=case) for case in cases])
    return cases


def _whistle(case, director, departments) -> None:
    whistle = Whistle.objects.create(case=case, matter="联合调解", blown_by=director,
                                     report_in_due=timezone.now() + timedelta(days=1))
    Summons.objects.bulk_create([Summons(whistle=whistle, department=d) for d in departments])


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_filters_by_status_and_keyword(client_for, org, director):
    CaseFactory(center=org.center, title="宅基地边界", status=Case.Status.REGISTERED)
    CaseFactory(center=org.center, title="噪音扰民", description="夜间施工噪音。", status=Case.Status.HANDLING,
                path=Case.Path.DIRECT)
    client = client_for(director)
    body = client.get(LIST, {"status": "handling"}).content.decode()
    assert "噪音扰民" in body and "宅基地边界" not in body
    body = client.get(LIST, {"q": "宅基地"}).content.decode()
    assert "宅基地边界" in body and "噪音扰民" not in body
    row = body[body.index("宅基地边界"):]
    assert '<td class="d-none d-md-table-cell">村/社区</td>' in row[:row.index("</tr>")]  # its level, in words


def test_overdue_and_date_filters(client_for, org, director):
    CaseFactory(center=org.center, title="早已逾期", resolution_due=timezone.now() - timedelta(days=1))
    CaseFactory(center=org.center, title="还在期限内")
    client = client_for(director)
    body = client.get(LIST, {"overdue": "yes"}).content.decode()
    assert "早已逾期" in body and "还在期限内" not in body
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert "早已逾期" not in client.get(LIST, {"registered_from": tomorrow}).content.decode()


def test_unknown_or_bad_filter_values_do_not_reach_the_orm(client_for, org, director):
    CaseFactory(center=org.center, title="宅基地边界")
    client = client_for(director)
    assert client.get(LIST, {"division__parent__name": "x", "status": "nope"}).status_code == 400
    assert "宅基地边界" in client.get(LIST, {"registered_by__password__startswith": "p"}).content.decode()


def test_list_pages_by_25(client_for, org, director):
    _bulk_cases(org.center, 30)
    body = client_for(director).get(LIST).content.decode()
    assert body.count('<td class="text-nowrap"><a class="card-link" href') == 25
    assert "第 1 / 2 页" in body


def test_list_query_count_does_not_grow(client_for, org, director):
    client = client_for(director)
    _bulk_cases(org.center, 10)
    small = _count(client, LIST)
    _bulk_cases(org.center, 490, status=Case.Status.HANDLING, path=Case.Path.DIRECT)
    assert _count(client, LIST) == small


def test_case_page_query_count_does_not_grow(client_for, org, director):
    client = client_for(director)
    case = CaseFactory(center=org.center, path=Case.Path.JOINT, status=Case.Status.HANDLING)
    PartyFactory(case=case)
    _whistle(case, director, [org.justice_office])  # the summonses are fetched only when a whistle exists
    _bulk_cases(org.center, 10)
    url = case.get_absolute_url()
    small = _count(client, url)
    _bulk_cases(org.center, 490)
    Party.objects.bulk_create([PartyFactory.build(case=case) for _ in range(20)])
    CaseEvent.objects.bulk_create([CaseEvent(case=case, kind="session", level=Level.VILLAGE, note="x",
                                             actor=director) for _ in range(100)])
    for _ in range(3):
        _whistle(case, director, [org.justice_office, org.enforcement])
    assert _count(client, url) == small


def test_division_filter_drills_down_to_one_village_within_the_scope(client_for, org, town_user, other_director):
    CaseFactory(center=org.center, title="西凡各庄的事")
    CaseFactory(center=org.other_center, title="周村的事")
    body = client_for(town_user).get(LIST, {"division": org.village.pk}).content.decode()
    assert "西凡各庄的事" in body and "周村的事" not in body
    # Naming a village outside the scope shows nothing of it.
    body = client_for(other_director).get(LIST, {"division": org.village.pk}).content.decode()
    assert "西凡各庄的事" not in body


def test_department_filter_lists_summoned_and_transferred_cases_from_unsorted_sets_of_ids(client_for, org, director):
    """The filter's ids are a set: sorting them by whistle or transfer time (the models' default order) only cost."""
    summoned = CaseFactory(center=org.center, title="召集了司法所")
    transferred = CaseFactory(center=org.center, title="移交了司法所")
    elsewhere = CaseFactory(center=org.center, title="召集了执法队")
    _whistle(summoned, director, [org.justice_office, org.district_court])
    _whistle(elsewhere, director, [org.enforcement])
    Transfer.objects.create(case=transferred, target="department", department=org.justice_office, reason="移交",
                            feedback_due=timezone.now() + timedelta(days=7))
    with CaptureQueriesContext(connection) as queries:
        body = client_for(director).get(LIST, {"department": org.justice_office.pk}).content.decode()
    assert "召集了司法所" in body and "移交了司法所" in body and "召集了执法队" not in body
    arrays = [array for q in queries for array in re.findall(r"ANY\(ARRAY\((.*?)\)\)\)", q["sql"])]
    assert arrays
    assert not [array for array in arrays if "ORDER BY" in array]
