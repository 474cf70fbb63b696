"""类案参考: the index kept through the outbox, the quality on a labelled set, the panel, the command, the hint."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from aids import similar
from aids.models import SimilarDoc, SimilarPosting, SimilarStats, SimilarTerm
from cases import services
from cases.models import Agreement, Case, Category
from pinggu_center.models import Outbox
from pinggu_center.outbox import deliver
from pinggu_center.topics import SIMILAR_INDEX
from tests.cases.factories import CaseFactory, PartyFactory

from .labelled_cases import TOPICS

HIT_RATE_FLOOR = 0.9


def closed_case(center, category: Category, title: str, description: str, summary: str, **fields) -> Case:
    return CaseFactory(
        center=center, category=category, title=title, description=description, summary=summary,
        status=Case.Status.CLOSED, closure=Case.Closure.ARCHIVE, outcome=Case.Outcome.RESOLVED,
        closed_at=timezone.now(), path=Case.Path.DIRECT, **fields,
    )


@pytest.fixture
def labelled(org):
    """The labelled set, indexed: [(category, query text, {right neighbours' ids})]."""
    categories = {c.code: c for c in Category.objects.all()}
    centers = [org.center, org.other_center]
    queries = []
    for code, topics in TOPICS.items():
        for topic in topics:
            ids = set()
            for index, (title, description, summary) in enumerate(topic["cases"]):
                case = closed_case(centers[index % 2], categories[code], title, description, summary)
                ids.add(case.pk)
            queries.append((categories[code], "\n".join(topic["query"]), ids))
    for case_id in Case.objects.values_list("pk", flat=True):
        similar.index_case(case_id)
    return queries


def hit_rate(queries, *, use_category: bool, top: int = 3) -> float:
    """The share of queries with at least one right neighbour among the first `top`."""
    return sum(bool(found & right) for found, right in _found(queries, use_category, top)) / len(queries)


def neighbour_recall(queries, *, use_category: bool, top: int = 3) -> float:
    """The share of all right neighbours found among the first `top` (stricter than the hit rate)."""
    return sum(len(found & right) for found, right in _found(queries, use_category, top)) / sum(
        len(right) for _c, _t, right in queries
    )


def _found(queries, use_category: bool, top: int):
    for category, text, right in queries:
        query = similar.query_for_text(text)
        matches = similar.similar_closed(query, category_id=category.pk if use_category else None, top=top)
        yield {m.case_id for m in matches}, right


def test_labelled_set_is_big_enough():
    cases = [case for topics in TOPICS.values() for topic in topics for case in topic["cases"]]
    assert len(cases) >= 60 and len(TOPICS) >= 12


def test_top3_hit_rate_on_the_labelled_set(labelled, capsys):
    with_category, without = hit_rate(labelled, use_category=True), hit_rate(labelled, use_category=False)
    recall = neighbour_recall(labelled, use_category=True)
    with capsys.disabled():
        print(f"\nsimilar cases, {len(labelled)} queries: top-3 hit rate {with_category:.3f} with the category boost, "
              f"{without:.3f} without; {recall:.3f} of all right neighbours in the top 3")
    assert with_category >= HIT_RATE_FLOOR
    assert without >= HIT_RATE_FLOOR - 0.1


def test_index_counters_match_the_postings(labelled):
    stats = SimilarStats.objects.get(pk=1)
    assert stats.docs == SimilarDoc.objects.count() == Case.objects.count()
    for term in SimilarTerm.objects.all()[:50]:
        assert term.df == SimilarPosting.objects.filter(term=term).count()


def test_backfill_in_batches_keeps_the_same_counters(org):
    category = Category.objects.get(code="neighbour")
    for n in range(12):
        closed_case(org.center, category, f"楼上漏水{n}", f"楼上卫生间漏水，楼下天花板发霉第{n}次。", "赔偿刷墙费用。")
    assert similar.index_missing(batch=5) == 12
    assert similar.index_missing() == 0
    assert SimilarStats.objects.get(pk=1).docs == 12
    for term in SimilarTerm.objects.all():
        assert term.df == SimilarPosting.objects.filter(term=term).count()
    first = Case.objects.order_by("pk").first()
    assert similar.index_case(first.pk) is False  # the batch wrote the same fingerprint


def test_registering_and_closing_update_the_index_through_the_outbox(org, director):
    intake = services.Intake(
        source=Case.Source.RECEPTION, category=Category.objects.get(code="damages"), title="狗咬伤人",
        description="王秀兰路过邻居家门口被散养的狗咬伤小腿，打狂犬疫苗花了一千元。",
        parties=[services.PartyData(name="王秀兰", phone="13912345678")], rights_informed=True,
    )
    case = services.register_case(center=org.center, intake=intake, actor=director)
    rows = list(Outbox.objects.filter(topic=SIMILAR_INDEX.name, payload__case_id=case.pk))
    assert len(rows) == 1
    assert deliver(rows[0].pk) == "done"
    doc = SimilarDoc.objects.get(pk=case.pk)
    assert not doc.closed
    words = set(SimilarPosting.objects.filter(case_id=case.pk).values_list("term__text", flat=True))
    assert {"狂犬", "疫苗"} <= words and "王秀兰" not in words and "秀兰" not in words

    services.choose_path(case_id=case.pk, actor=director, path=Case.Path.DIRECT)
    assert Outbox.objects.filter(topic=SIMILAR_INDEX.name, payload__case_id=case.pk).count() == 1  # still open
    services.archive_case(case_id=case.pk, actor=director, outcome=Case.Outcome.RESOLVED,
                          summary="王秀兰与狗主人达成协议，赔偿医药费一千二百元，电话13912345678。")
    for row in Outbox.objects.filter(topic=SIMILAR_INDEX.name, status=Outbox.Status.PENDING).order_by("pk"):
        deliver(row.pk)
    doc.refresh_from_db()
    assert doc.closed
    assert "王秀兰" not in doc.summary and "13912345678" not in doc.summary and "王某" in doc.summary
    assert set(SimilarPosting.objects.filter(case_id=case.pk).values_list("closed", flat=True)) == {True}
    assert similar.index_case(case.pk) is False  # nothing changed: idempotent
    assert Outbox.objects.filter(topic=SIMILAR_INDEX.name, payload__case_id=case.pk).count() == 2  # and closed
    services.record_follow_up(case_id=case.pk, actor=director, performance="na", risk="", satisfaction="unsatisfied",
                              note="仍不满意", reopen=True)
    assert Outbox.objects.filter(topic=SIMILAR_INDEX.name, payload__case_id=case.pk).count() == 3  # reopened
    deliver(Outbox.objects.filter(topic=SIMILAR_INDEX.name).latest("pk").pk)
    assert not SimilarDoc.objects.get(pk=case.pk).closed


def test_deidentification_of_what_the_panel_shows(org):
    from aids import text

    shown = text.deidentify(
        "张建军与李桂芳在西凡各庄村幸福街12号院门口争执，张建军（电话13812345678，身份证110117198001011234）"
        "同意赔偿；调解员孙玉珍见证，建军承诺今后拴狗。",
        names=["张建军", "李桂芳"], addresses=["西凡各庄村幸福街12号院"], places=["西凡各庄村"],
    )
    for secret in ["张建军", "建军", "李桂芳", "13812345678", "110117198001011234", "幸福街12号", "西凡各庄", "孙玉珍"]:
        assert secret not in shown, secret
    assert "张某" in shown and "李某" in shown and "赔偿" in shown and "拴狗" in shown


def test_case_page_panel_shows_five_deidentified_closed_cases(org, director, other_director, client_for):
    category = Category.objects.get(code="neighbour")
    for n in range(7):
        case = closed_case(org.other_center, category, f"楼上漏水{n}", f"楼上卫生间漏水，楼下天花板发霉{n}。",
                           "楼上住户陈志刚赔偿刷墙费用，联系电话13698765432，住周村8号。")
        PartyFactory(case=case, name="陈志刚", address="周村8号")
        if n == 0:
            Agreement.objects.create(
                case=case, parties_details="陈志刚", facts="漏水", disputed_matters="赔偿", performance="现金",
                terms="陈志刚一次性赔偿一千五百元并重做防水。", performance_due=timezone.localdate(),
                effective_on=timezone.localdate(), mediator_name="赵调解员", created_by=director,
            )
    closed_case(org.other_center, Category.objects.get(code="labour"), "拖欠工资", "包工头拖欠工资。", "结清工资。")
    mine = CaseFactory(center=org.center, category=category, title="楼上漏水", description="楼上卫生间漏水，天花板发霉。")
    for case_id in Case.objects.values_list("pk", flat=True):
        similar.index_case(case_id)

    page = client_for(director).get(reverse("cases:case_detail", args=[mine.pk]))
    panel_url = reverse("aids:case_similar", args=[mine.pk])
    assert page.status_code == 200 and panel_url in page.content.decode()
    response = client_for(director).get(panel_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="similar-case"') == 5
    for secret in ["陈志刚", "13698765432", "周村8号", "周村"]:
        assert secret not in html, secret
    assert "漏水" in html and "大兴庄镇" in html and "拖欠工资" not in html
    assert client_for(other_director).get(panel_url).status_code == 404


def test_panel_query_count_does_not_grow(org, director, client_for, django_assert_max_num_queries):
    category = Category.objects.get(code="neighbour")
    mine = CaseFactory(center=org.center, category=category, title="楼上漏水", description="楼上卫生间漏水。")
    for n in range(12):
        closed_case(org.center, category, f"漏水{n}", "楼上卫生间漏水，楼下墙皮脱落。", "赔偿维修费。")
    for case_id in Case.objects.values_list("pk", flat=True):
        similar.index_case(case_id)
    client = client_for(director)
    url = reverse("aids:case_similar", args=[mine.pk])
    assert client.get(url).status_code == 200
    # session, user, user's division (scope), the case; its postings, the corpus size, the ranking, the shared
    # words, the five cases (with town and category), their index rows; the unread-notification count of the
    # context processor (the session was renewed at sign-in, so no request writes it within the minute)
    with django_assert_max_num_queries(11):
        assert client.get(url).status_code == 200


def test_similar_cases_command_prints_closed_cases_best_first(labelled):
    out = StringIO()
    call_command("similar_cases", "--text", "楼上卫生间漏水，天花板发霉", "--category", "邻里纠纷", "--top", "3",
                 "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert len(rows) == 3 and all(set(row) == {"number", "score"} for row in rows)
    assert rows[0]["score"] >= rows[1]["score"] >= rows[2]["score"]
    first = Case.objects.get(number=rows[0]["number"])
    assert first.status == Case.Status.CLOSED and "漏水" in first.title


def test_intake_hint_shows_open_cases_of_the_own_village_only(org, cadre, client_for):
    category = Category.objects.get(code="damages")
    own = CaseFactory(center=org.center, category=category, title="狗咬伤人", description="被邻居家散养的狗咬伤小腿。")
    other = CaseFactory(center=org.other_center, category=category, title="狗咬伤人",
                        description="被邻居家散养的狗咬伤小腿。")
    closed = closed_case(org.center, category, "狗咬伤人", "被狗咬伤小腿。", "赔偿疫苗费。")
    for case in (own, other, closed):
        similar.index_case(case.pk)
    response = client_for(cadre).get(
        reverse("aids:intake_similar"), {"title": "被狗咬了", "description": "邻居家的狗咬伤了我的小腿", "category": category.pk}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert own.number in html and other.number not in html and closed.number not in html
    empty = client_for(cadre).get(reverse("aids:intake_similar"), {"description": "", "category": "x"})
    assert empty.status_code == 200 and own.number not in empty.content.decode()
    form = client_for(cadre).get(reverse("cases:case_create"))
    assert reverse("aids:intake_similar") in form.content.decode()
