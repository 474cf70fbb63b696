"""Intake and visit forms carry a client token: a resubmission (a lost response, a draft sent twice, two at once)
finds what the first submission made and never makes a second case or visit."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, CaseEvent, CaseSequence, Category, Party
from tests.factories import MemberFactory
from tests.visits.factories import HouseholdFactory
from visits import services as visit_services
from visits.models import Visit

from .factories import intake_post

URL = reverse("cases:case_create")


@pytest.fixture
def category(db) -> Category:
    return Category.objects.get(code="neighbour")


def test_intake_form_carries_a_fresh_token(client_for, cadre):
    client = client_for(cadre)
    first, second = (client.get(URL).context["form"]["client_token"].value() for _ in range(2))
    assert uuid.UUID(str(first)) != uuid.UUID(str(second))


def test_resubmission_after_a_lost_response_shows_the_case_already_made(client_for, cadre, category):
    client = client_for(cadre)
    data = intake_post(category, client_token=str(uuid.uuid4()))
    first = client.post(URL, data)
    case = Case.objects.get()
    assert first.status_code == 302 and first["Location"] == case.get_absolute_url()

    # The same phone and category would otherwise trip the duplicate warning: the token is checked first.
    again = client.post(URL, data, follow=True)
    assert again.redirect_chain[0] == (case.get_absolute_url(), 302)
    assert f"该事项已经登记过，事项编号 {case.number}，没有重复登记。" in again.content.decode()
    assert Case.objects.count() == 1 and Party.objects.count() == 1
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.REGISTERED).count() == 1


def test_two_forms_without_tokens_still_make_two_cases(client_for, cadre, category):
    client = client_for(cadre)
    client.post(URL, intake_post(category, client_token="", title="一"))
    client.post(URL, intake_post(category, client_token="", title="二", confirm_not_duplicate="on"))
    assert Case.objects.count() == 2


def test_a_token_of_somebody_elses_case_is_refused_without_showing_it(client_for, cadre, director, category):
    data = intake_post(category, client_token=str(uuid.uuid4()))
    client_for(cadre).post(URL, data)
    case = Case.objects.get()
    response = client_for(director).post(URL, data, follow=True)
    page = response.content.decode()
    assert "提交标识无效，请刷新页面后重新填写。" in page and case.number not in page
    assert Case.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_of_one_token_make_one_case(org, cadre):
    # Transactional tests flush the tables, so the migration's categories may be gone.
    category, _created = Category.objects.get_or_create(code="neighbour", defaults={"name": "邻里纠纷"})
    token = uuid.uuid4()
    barrier = threading.Barrier(2)
    results: list[tuple[int, bool]] = []

    def submit() -> None:
        intake = services.Intake(
            source=Case.Source.RECEPTION, category=category, title="漏水", description="楼上漏水",
            parties=[services.PartyData(name="张三", phone="13800001234")], rights_informed=True, client_token=token,
        )
        try:
            barrier.wait(timeout=5)
            case, created = services.register_case_once(center=org.center, intake=intake, actor=cadre)
            results.append((case.pk, created))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(created for _pk, created in results) == [False, True]
    assert len({pk for pk, _created in results}) == 1
    assert Case.objects.count() == 1 and Party.objects.count() == 1
    # The loser's transaction rolled back whole: no case number was used up.
    assert CaseSequence.objects.get().last == 1


def _visit_post(member) -> dict:
    return {
        "visited_on": timezone.localdate().isoformat(), "mode": "home", "cadres": [member.pk],
        "raised": "宅基地边界争议", "client_token": str(uuid.uuid4()),
    }


def test_visit_sent_twice_is_saved_once(org, cadre, client_for):
    member = MemberFactory(center=org.center, user=cadre, role_codes=["committee"], joined_on=timezone.localdate())
    household = HouseholdFactory(division=org.village)
    url = reverse("visits:visit_create") + f"?household={household.pk}"
    client = client_for(cadre)
    data = _visit_post(member)
    first = client.post(url, data)
    visit = Visit.objects.get()
    assert first.status_code == 302 and first["Location"] == visit.get_absolute_url()
    again = client.post(url, data, follow=True)
    assert again.redirect_chain[0] == (visit.get_absolute_url(), 302)
    assert "该走访已经保存过，没有重复保存。" in again.content.decode()
    assert Visit.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_visits_of_one_token_save_one(org, cadre):
    member = MemberFactory(center=org.center, user=cadre, role_codes=["committee"], joined_on=timezone.localdate())
    household = HouseholdFactory(division=org.village)
    token = uuid.uuid4()
    barrier = threading.Barrier(2)
    results: list[bool] = []

    def submit() -> None:
        data = {"visited_on": timezone.localdate(), "mode": "home", "cadres": [member], "raised": "漏水"}
        try:
            barrier.wait(timeout=5)
            _visit, created = visit_services.record_visit_once(
                household=household, actor=cadre, data=data, client_token=token
            )
            results.append(created)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(results) == [False, True]
    assert Visit.objects.count() == 1
