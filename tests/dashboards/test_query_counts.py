"""The dashboards make the same number of queries with 10 villages × 10 cases as with 50 × 100."""

from datetime import timedelta
from io import StringIO
from itertools import count

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Agreement, Case, CaseEvent, Category, DepartmentTally, FollowUp, Summons, Transfer, Whistle
from pinggu_center.models import Center, Division, Level

pytestmark = pytest.mark.django_db
_numbers = count(1)
_codes = count(300)


def _villages(org, how_many: int) -> list[Division]:
    villages = Division.objects.bulk_create(
        [
            Division(
                name=f"测试{next(_codes)}村", code=f"110117104{next(_codes):03d}", level=Level.VILLAGE, parent=org.town
            )
            for _ in range(how_many)
        ]
    )
    Center.objects.bulk_create([Center(division=v, name=f"{v.name}中心") for v in villages])
    return villages


def _case(village: Division, center_id: int, category: Category, i: int) -> Case:
    now = timezone.now()
    kind = i % 5
    closed = kind in (2, 3)
    return Case(
        number=f"PG-QC-2026-{next(_numbers):06d}",
        center_id=center_id,
        division=village,
        holder=village.parent if kind == 4 else village,
        level=Level.TOWN if kind == 4 else Level.VILLAGE,
        status=Case.Status.CLOSED if closed else (Case.Status.REGISTERED if kind in (0, 4) else Case.Status.HANDLING),
        source="reception",
        category=category,
        title=f"测试事项{i}",
        description="测试",
        path="" if kind in (0, 4) else "direct",
        closure="archive" if closed else ("escalate" if kind == 4 else ""),
        outcome="resolved" if closed else "",
        closed_at=now - timedelta(days=10) if closed else None,
        registered_at=now - timedelta(days=i % 60),
        response_due=now - timedelta(days=1),
        responded_at=now - timedelta(days=2) if kind else None,
        resolution_due=now + timedelta(hours=i % 72 - 24),
    )


def _fill(org, director, villages: list[Division], per_village: int) -> None:
    category = Category.objects.first()
    centers = dict(Center.objects.filter(division__in=villages).values_list("division_id", "pk"))
    cases = Case.objects.bulk_create(
        [_case(v, centers[v.pk], category, i) for v in villages for i in range(per_village)], batch_size=2000
    )
    now = timezone.now()
    closed = [c for c in cases if c.status == Case.Status.CLOSED]
    FollowUp.objects.bulk_create([FollowUp(case=c, performance="na", satisfaction="satisfied") for c in closed[::2]])
    CaseEvent.objects.bulk_create([CaseEvent(case=c, kind="escalated", level="village") for c in cases[::5]])
    handling = [c for c in cases if c.status == Case.Status.HANDLING]
    whistles = Whistle.objects.bulk_create(
        [
            Whistle(case=c, matter="测试", report_in_due=now + timedelta(days=1), blown_by=director,
                    blown_at=c.registered_at)
            for c in handling[::2]
        ]
    )
    Summons.objects.bulk_create([Summons(whistle=w, department=org.justice_office) for w in whistles])
    Transfer.objects.bulk_create(
        [
            Transfer(case=c, target="department", department=org.justice_office, reason="测试", feedback_due=now)
            for c in handling[1::4]
        ]
    )
    Agreement.objects.bulk_create(
        [
            Agreement(
                case=c,
                parties_details="甲乙",
                facts="事实",
                disputed_matters="争议",
                terms="条款",
                performance="一次性",
                performance_due=now.date(),
                effective_on=now.date() - timedelta(days=25),
                mediator_name="调解员",
                created_by=director,
            )
            for c in handling[1::2]
        ]
    )


def _query_counts(client_for, users: dict, pages: list[tuple[str, str]]) -> dict[str, int]:
    counts = {}
    for who, url in pages:
        client = client_for(users[who])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(queries)
    return counts


def test_dashboard_queries_do_not_grow_with_data(org, director, town_user, district_admin, client_for, settings):
    users = {"director": director, "town": town_user, "district": district_admin}
    pages = [
        ("director", reverse("dashboards:village_workbench")),
        ("town", reverse("dashboards:town_page")),
        ("district", reverse("dashboards:district_review")),
        ("district", reverse("dashboards:town_review", args=[org.town.pk])),
        ("district", reverse("dashboards:village_review", args=[org.village.pk])),
    ]
    first_villages = [org.village, *_villages(org, 9)]
    _fill(org, director, first_villages, 10)
    call_command("rebuild_counters", stdout=StringIO())  # the rows above were written in bulk, past the services
    small = _query_counts(client_for, users, pages)
    _fill(org, director, first_villages, 90)
    _fill(org, director, _villages(org, 40), 100)
    call_command("rebuild_counters", stdout=StringIO())
    assert Case.objects.count() == 5000
    assert DepartmentTally.objects.filter(grain="d").count() > 1  # the ranking reads counter rows of many days
    large = _query_counts(client_for, users, pages)
    assert large == small


def test_the_start_pages_lists_read_only_what_they_show(org, director, town_user, client_for):
    """The lists of the workbench and the town page show a case's number, title and dates: reading the whole wide
    row with its category cost more than the query itself."""
    _fill(org, director, [org.village], 30)
    pages = [(director, reverse("dashboards:village_workbench")), (town_user, reverse("dashboards:town_page"))]
    for user, url in pages:
        with CaptureQueriesContext(connection) as queries:
            response = client_for(user).get(url)
        assert response.status_code == 200
        assert 'data-testid="case-link"' in response.content.decode()
        case_rows = [q["sql"] for q in queries if 'FROM "cases_case"' in q["sql"] and '"cases_case"."title"' in q["sql"]]
        assert case_rows, url
        for sql in case_rows:
            assert '"cases_case"."description"' not in sql, sql
            assert '"cases_category"' not in sql, sql


def test_the_workbench_reads_its_counters_once_and_its_center_with_the_village(org, director, client_for):
    """The month cards, the intake chart and the path mix come from one read of the village's month counters."""
    _fill(org, director, [org.village], 30)
    call_command("rebuild_counters", stdout=StringIO())
    with CaptureQueriesContext(connection) as queries:
        response = client_for(director).get(reverse("dashboards:village_workbench"))
    assert response.status_code == 200
    assert len([q for q in queries if 'FROM "cases_casetally"' in q["sql"]]) == 1
    assert not [q for q in queries if q["sql"].startswith('SELECT "pinggu_center_center"')]
    assert reverse("dashboards:contact_card", args=[org.center.pk]) in response.content.decode()
    cards = response.context["cards"]()
    assert cards["intake"] == Case.objects.filter(division=org.village, registered_at__month=timezone.localdate().month,
                                                  registered_at__year=timezone.localdate().year).count()


def test_the_town_pages_latest_whistles_walk_the_whistles_newest_first(org, director):
    """Twenty of a town's summonses, newest whistle first, without sorting every summons of the district."""
    from dashboards.selectors import whistles_to

    _fill(org, director, [org.village], 30)
    with CaptureQueriesContext(connection) as queries:
        assert whistles_to(org.town)
    plan = _plan(queries[-1]["sql"], without=("seqscan", "sort"))
    assert "whistle_recent" in plan, plan


def test_the_ledgers_waiting_for_a_report_in_reads_only_the_summonses_still_waiting(org, director, district_admin,
                                                                                      client_for):
    """Each ledger row asks whether its case waits for a department: the answered summonses are never read."""
    _fill(org, director, [org.village], 60)
    waiting = Summons.objects.order_by("pk").first()
    Summons.objects.exclude(pk=waiting.pk).update(reported_at=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_summons")
    with CaptureQueriesContext(connection) as queries:
        response = client_for(district_admin).get(reverse("cases:case_list"))
    assert response.status_code == 200
    [rows] = [q["sql"] for q in queries if '"pending_summons"' in q["sql"] and "LIMIT" in q["sql"]]
    plan = _plan(rows, without=("seqscan",))
    assert "summons_pending_whistle" in plan, plan


def _plan(sql: str, *, without: tuple[str, ...]) -> str:
    """The plan of a captured query with the given plan nodes disabled: on a handful of rows, a sequential scan or a
    sort is always cheapest, so the plan shows what the indexes could serve only without them."""
    with connection.cursor() as cursor:
        for node in without:
            cursor.execute(f"SET LOCAL enable_{node} = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        for node in without:
            cursor.execute(f"RESET enable_{node}")
    return plan
