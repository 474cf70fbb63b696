"""Finding a household: by name, surname, address, house number or pinyin initials; browsing, recently visited first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from visits.models import Household, name_initials
from visits.services import import_households

from .factories import HouseholdFactory, VisitFactory

pytestmark = pytest.mark.django_db


def test_initials_are_kept_on_save_and_on_import(org, director):
    household = HouseholdFactory(division=org.village, head_name="王德明")
    assert household.name_initials == "wdm"
    household.head_name = "李秀英"
    household.save(update_fields=["head_name"])
    assert Household.objects.get(pk=household.pk).name_initials == "lxy"
    import_households(division=org.village, actor=director,
                      rows=[{"address": "后街8号", "head_name": "张国强", "phone": "", "members_count": 2, "tags": []}])
    assert Household.objects.get(head_name="张国强").name_initials == "zgq"
    assert name_initials("") == ""


@pytest.mark.parametrize("keyword", ["王", "王德明", "德明", "wdm", "WD", "前街12", "12号"])
def test_the_visit_form_finds_a_household_every_way(org, cadre, client_for, keyword):
    HouseholdFactory(division=org.village, head_name="王德明", address="前街12号")
    HouseholdFactory(division=org.village, head_name="李秀英", address="后街3号")
    page = client_for(cadre).get(reverse("visits:visit_create"), {"q": keyword})
    assert page.status_code == 200
    matches = page.content.decode().split('data-testid="household-matches"')[1]
    assert "王德明" in matches and "李秀英" not in matches


def test_without_a_keyword_the_village_is_listed_recently_visited_first(org, cadre, client_for):
    today = timezone.localdate()
    never = HouseholdFactory(division=org.village, head_name="甲", address="1号")
    long_ago = HouseholdFactory(division=org.village, head_name="乙", address="2号")
    recent = HouseholdFactory(division=org.village, head_name="丙", address="3号")
    VisitFactory(household=long_ago, visited_on=today - timedelta(days=40))
    VisitFactory(household=recent, visited_on=today - timedelta(days=1))
    HouseholdFactory(division=org.other_village, head_name="外村", address="9号")
    Household.objects.all().recount_last_visits()  # the factory writes visits directly, not through record_visit
    client = client_for(cadre)
    for url, marker in [(reverse("visits:visit_create"), 'data-testid="household-matches"'),
                        (reverse("visits:household_list"), 'data-testid="households"')]:
        page = client.get(url)
        assert page.status_code == 200
        listed = page.content.decode().split(marker)[1]
        positions = [listed.index(name) for name in (recent.head_name, long_ago.head_name, never.head_name)]
        assert positions == sorted(positions) and "外村" not in listed


def test_the_household_list_searches_initials_too(org, cadre, client_for):
    HouseholdFactory(division=org.village, head_name="王德明", address="前街12号")
    HouseholdFactory(division=org.village, head_name="李秀英", address="后街3号")
    listed = client_for(cadre).get(reverse("visits:household_list"), {"q": "lxy"}).content.decode()
    assert "李秀英" in listed and "王德明" not in listed
