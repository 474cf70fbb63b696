"""Visit pages: scope (404), import with bad rows, visit entry and turning it into a case, statistics query counts."""

import io
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Category
from pinggu_center.models import AuditLog
from tests.factories import MemberFactory
from visits import tally
from visits.models import CadreAssessment, Household, Visit
from visits.selectors import visits_for_case

from .factories import HouseholdFactory, VisitFactory


def test_other_villages_household_and_visit_are_404(org, cadre, client_for):
    household = HouseholdFactory(division=org.other_village)
    visit = VisitFactory(household=household)
    client = client_for(cadre)
    assert client.get(reverse("visits:household_detail", args=[household.pk])).status_code == 404
    assert client.get(reverse("visits:visit_detail", args=[visit.pk])).status_code == 404
    assert client.get(reverse("visits:visit_create"), {"household": household.pk}).status_code == 404
    assert household.head_name not in client.get(reverse("visits:household_list")).content.decode()


def _csv(bad_rows: int, good_rows: int) -> io.BytesIO:
    lines = ["户主,住址,电话,人口,标签"]
    lines += [f"户主{n},{n}号,13800000000,3,低保、独居老人" for n in range(good_rows)]
    lines += [",空户主,,2,", "李四,9号,12345,2,", "王五,10号,,2,外星人"][:bad_rows]
    upload = io.BytesIO("\n".join(lines).encode())
    upload.name = "households.csv"
    return upload


def test_import_with_bad_rows_saves_nothing_until_confirmed(org, director, client_for):
    client = client_for(director)
    response = client.post(reverse("visits:household_import"), {"division": org.village.pk, "file": _csv(3, 97)})
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('data-testid="bad-row"') == 3
    for reason in ("户主姓名为空。", "请输入有效的手机或固定电话号码。", "未知的关注标签“外星人”。"):
        assert reason in page
    assert "导入这 97 户" in page
    assert Household.objects.count() == 0
    client.post(reverse("visits:household_import_confirm"))
    assert Household.objects.filter(division=org.village).count() == 97
    assert Household.objects.get(head_name="户主0").tags == ["low_income", "elderly_alone"]
    # The staged rows are used once.
    assert client.post(reverse("visits:household_import_confirm")).status_code == 302
    assert Household.objects.count() == 97


def test_import_refuses_another_villages_division(org, director, client_for):
    response = client_for(director).post(
        reverse("visits:household_import"), {"division": org.other_village.pk, "file": _csv(0, 2)}
    )
    assert response.status_code == 400
    assert Household.objects.count() == 0


def test_visit_entry_shows_progress_and_turns_into_a_case(org, cadre, client_for):
    member = MemberFactory(center=org.center, user=cadre, role_codes=["committee"], joined_on=timezone.localdate())
    household = HouseholdFactory(division=org.village, head_name="赵大")
    client = client_for(cadre)
    page = client.get(reverse("visits:visit_create"), {"q": "赵"}).content.decode()
    assert "赵大" in page and 'data-testid="week-progress"' in page
    category = Category.objects.first()
    response = client.post(
        reverse("visits:visit_create") + f"?household={household.pk}",
        {
            "visited_on": timezone.localdate().isoformat(),
            "mode": "home",
            "cadres": [member.pk],
            "raised": "宅基地边界争议",
            "category": category.pk,
            "needs_action": "on",
        },
    )
    visit = Visit.objects.get()
    assert response.status_code == 302 and list(visit.cadres.all()) == [member]
    assert "本周已走访 1 /" in client.get(reverse("visits:visit_create")).content.decode()
    client.post(
        reverse("visits:visit_to_case", args=[visit.pk]),
        {"category": category.pk, "title": "宅基地边界", "rights_informed": "on"},
    )
    visit.refresh_from_db()
    assert visit.case.source == Case.Source.VISIT
    assert visit.case.parties.get().name == "赵大"
    assert list(visits_for_case(visit.case)) == [visit]
    response = client.post(reverse("visits:visit_to_case", args=[visit.pk]), {"category": category.pk, "title": "再转"})
    assert Case.objects.count() == 1
    assert "该走访已转为事项。" in client.get(response.url).content.decode()


def _statistics_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("visits:statistics")).status_code == 200
    return len(queries)


def test_statistics_query_count_does_not_grow(org, town_user, district_admin, client_for):
    clients = [client_for(town_user), client_for(district_admin)]
    categories = list(Category.objects.all()[:3])
    households = Household.objects.bulk_create(
        [Household(division=[org.village, org.other_village][n % 2], address=f"{n}号", head_name=f"户{n}")
         for n in range(50)]
    )
    today = timezone.localdate()
    Visit.objects.bulk_create(
        [Visit(household=households[0], division=org.village, visited_on=today, category=categories[0])
         for _ in range(10)]
    )
    tally.rebuild()  # the rows above were written in bulk, past the services that count them
    small = [_statistics_queries(client) for client in clients]
    Visit.objects.bulk_create(
        [
            Visit(
                household=households[n % 50],
                division=households[n % 50].division,
                visited_on=today - timedelta(days=n % 120),
                category=categories[n % 3],
            )
            for n in range(1000)
        ]
    )
    tally.rebuild()
    # session, user, notifications count, per-week, coverage, category rows, category names, villages page
    # (+count), stale households, towns — the same with 10 visits as with 1,010, for a town and the district
    assert [_statistics_queries(client) for client in clients] == small
    assert clients[0].get(reverse("visits:forecast")).status_code == 200


def test_statistics_export_is_audited(org, director, client_for):
    response = client_for(director).get(reverse("visits:statistics"), {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditLog.objects.filter(action=AuditLog.Action.EXPORT, actor=director).exists()


def test_only_a_director_assesses(org, director, cadre, client_for):
    member = MemberFactory(center=org.center, role_codes=["committee"])
    url = reverse("visits:assessment_save", args=[member.pk])
    response = client_for(cadre).post(url, {"period": "2026Q4", "score": 90}, follow=True)
    assert "只有村书记/中心主任或上级可以考核干部。" in response.content.decode()
    client_for(director).post(url, {"period": "2026Q4", "score": 90, "comment": "认真"})
    client_for(director).post(url, {"period": "2026Q4", "score": 85})
    assert CadreAssessment.objects.get().score == 85
    assert client_for(director).post(url, {"period": "2026Q4", "score": 101}).status_code == 302
    assert CadreAssessment.objects.get().score == 85
    page = client_for(director).get(reverse("visits:assessment"), {"period": "2026Q4"}).content.decode()
    assert 'data-testid="assessment-row"' in page


def test_other_villages_member_cannot_be_assessed(org, director, client_for):
    member = MemberFactory(center=org.other_center, role_codes=["committee"])
    response = client_for(director).post(reverse("visits:assessment_save", args=[member.pk]), {"score": 50})
    assert response.status_code == 404


def _list_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_household_list_query_count_does_not_grow(org, director, client_for):
    client = client_for(director)
    url = reverse("visits:household_list")
    HouseholdFactory(division=org.village)
    small = _list_queries(client, url)
    Household.objects.bulk_create(
        [Household(division=org.village, address=f"{n}号院", head_name=f"户{n}", tags=["disabled"]) for n in range(300)]
    )
    # session, user, unread notifications, count for the paginator, one page of households with their village
    assert _list_queries(client, url) == small
    page = client.get(url, {"tag": "disabled", "q": "户29"}).content.decode()
    assert "户299" in page and "户1号" not in page


def test_household_create_and_refusals(org, director, auditor, client_for):
    client = client_for(director)
    data = {
        "division": org.village.pk,
        "head_name": "孙一",
        "address": "1号",
        "members_count": 2,
        "tags": ["low_income"],
    }
    response = client.post(reverse("visits:household_create"), data)
    assert response.status_code == 302 and Household.objects.get().tags == ["low_income"]
    assert client.post(reverse("visits:household_create"), data).status_code == 400  # the unique constraint
    other = {**data, "division": org.other_village.pk}
    assert client.post(reverse("visits:household_create"), other).status_code == 400
    response = client_for(auditor).post(reverse("visits:household_create"), {**data, "address": "2号"}, follow=True)
    assert "您的账号不能登记走访信息。" in response.content.decode()
    assert Household.objects.count() == 1


def test_cadre_of_another_village_cannot_be_recorded(org, director, client_for):
    household = HouseholdFactory(division=org.village)
    stranger = MemberFactory(center=org.other_center, role_codes=["committee"])
    response = client_for(director).post(
        reverse("visits:visit_create") + f"?household={household.pk}",
        {"visited_on": timezone.localdate().isoformat(), "mode": "phone", "cadres": [stranger.pk]},
    )
    assert response.status_code == 400
    assert not Visit.objects.exists()


def test_pages_render_for_a_director_and_the_district(org, director, district_admin, client_for):
    household = HouseholdFactory(division=org.village)
    visit = VisitFactory(household=household, raised="路灯不亮")
    for user in (director, district_admin):
        client = client_for(user)
        for url in (
            reverse("visits:household_detail", args=[household.pk]),
            reverse("visits:visit_detail", args=[visit.pk]),
            reverse("visits:household_import"),
            reverse("visits:household_create"),
            reverse("visits:statistics"),
            reverse("visits:assessment"),
            reverse("visits:forecast"),
        ):
            assert client.get(url).status_code == 200, url
    page = client_for(district_admin).get(reverse("visits:statistics")).content.decode()
    assert page.count('data-testid="town-row"') == 2


def test_import_from_excel(org, director, client_for):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["户主", "住址", "电话", "人口", "标签"])
    sheet.append(["周一", "1号", "010-69961234", 4, "残疾"])
    sheet.append(["周一", "1号", "", 4, ""])  # the same household again
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)
    upload.name = "list.xlsx"
    client = client_for(director)
    page = client.post(reverse("visits:household_import"), {"division": org.village.pk, "file": upload}).content
    assert "与第 2 行重复。" in page.decode()
    client.post(reverse("visits:household_import_confirm"))
    assert Household.objects.get().tags == ["disabled"]


def test_import_refuses_a_file_of_another_type(org, director, client_for):
    upload = io.BytesIO(b"%PDF-1.4")
    upload.name = "list.pdf"
    response = client_for(director).post(
        reverse("visits:household_import"), {"division": org.village.pk, "file": upload}
    )
    assert response.status_code == 400
    assert "请上传 .xlsx 或 .csv 文件。" in response.content.decode()


def test_household_edit_corrects_details_and_refuses_a_clash(org, director, other_director, client_for):
    from .factories import HouseholdFactory

    household = HouseholdFactory(division=org.village, head_name="王大", address="一街1号")
    HouseholdFactory(division=org.village, head_name="李二", address="二街2号")
    url = reverse("visits:household_edit", args=[household.pk])
    data = {"head_name": "王大", "address": "一街3号", "phone": "13800000000", "members_count": 4, "tags": ["elderly_alone"]}
    client = client_for(director)
    assert client.post(url, data).status_code == 302
    household.refresh_from_db()
    assert (household.address, household.members_count, household.division) == ("一街3号", 4, org.village)
    clash = client.post(url, {**data, "head_name": "李二", "address": "二街2号"}, follow=True)
    assert "该住户已登记" in clash.content.decode()
    assert Household.objects.get(pk=household.pk).head_name == "王大"
    assert client.post(url, {**data, "phone": "12"}).status_code == 400
    assert client_for(other_director).get(url).status_code == 404


def test_household_export_masks_phones(org, director, client_for):
    from openpyxl import load_workbook

    HouseholdFactory(division=org.village, head_name="赵大", phone="13912345678")
    response = client_for(director).get(reverse("visits:household_list"), {"export": "xlsx"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    cells = [cell for row in load_workbook(io.BytesIO(content)).active.values for cell in row]
    assert "139****5678" in cells and "13912345678" not in cells


def test_the_districts_households_not_visited_for_90_days_are_found_by_an_index(org, district_admin):
    """The district's statistics list them with no village to lead the (village, last visit) index."""
    from visits.selectors import stale_households

    today = timezone.localdate()
    Household.objects.bulk_create(
        [Household(division=org.village, address=f"{n}号", head_name=f"户{n}", last_visited_on=today) for n in range(400)]
        + [Household(division=org.village, address="从未走访", head_name="甲"),
           Household(division=org.village, address="久未走访", head_name="乙", last_visited_on=today - timedelta(days=200))]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE visits_household")  # the planner's estimates from these rows, whatever ran before
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = stale_households(district_admin, today)[:50].explain()
        cursor.execute("RESET enable_seqscan")
    assert "household_last_visit_day" in plan, plan
    assert {h.address for h in stale_households(district_admin, today)} == {"久未走访", "从未走访"}


def test_the_workbench_shows_this_weeks_visits_never_last_weeks_in_one_query(org, director):
    """On a Monday before the week's first visit, 本周走访 is 0, not the count of the week before."""
    import time_machine

    from visits.selectors import coverage_and_this_week

    household = HouseholdFactory(division=org.village)
    monday = timezone.make_aware(timezone.datetime(2026, 11, 30, 9, 0))
    with time_machine.travel(monday - timedelta(days=3), tick=False):  # the Friday before
        VisitFactory(household=household)
        VisitFactory(household=household)
    with time_machine.travel(monday, tick=False):
        with CaptureQueriesContext(connection) as queries:
            figures = coverage_and_this_week(director.division)
        assert figures["this_week"] is None
        assert len(queries) == 1
        assert figures["coverage"]["total"] == 1 and figures["coverage"]["in_30"] == 1
        VisitFactory(household=household)
        figures = coverage_and_this_week(director.division)
    assert figures["this_week"] == {"week": monday.date(), "visits": 1, "households": 1}
