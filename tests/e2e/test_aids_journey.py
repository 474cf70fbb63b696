"""The mediation aids in the browser: the case page loads its similar-case panel, and while a cadre types the
description at intake (on a phone) the open cases of the village that read alike appear."""

from __future__ import annotations

import pytest
from django.utils import timezone

from aids import similar
from cases.models import Case, Category
from tests.cases.factories import CaseFactory, PartyFactory
from tests.factories import PASSWORD, CenterFactory, TownFactory, UserFactory, VillageFactory

from .helpers import base_url

pytestmark = pytest.mark.e2e


@pytest.fixture
def cases(transactional_db):
    town = TownFactory(name="峪口地区", code="110117104000", abbr="YK")
    village = VillageFactory(name="西凡各庄村", code="110117104201", parent=town)
    other = VillageFactory(name="峪口村", code="110117104202", parent=town)
    center, other_center = CenterFactory(division=village), CenterFactory(division=other)
    category, _created = Category.objects.get_or_create(code="damages", defaults={"name": "损害赔偿"})
    UserFactory(username="xfgz_cadre", role="village_staff", division=village)
    UserFactory(username="xfgz_director", role="village_director", division=village)
    closed = CaseFactory(
        center=other_center, category=category, title="狗咬伤人", description="路过邻居家门口被散养的狗咬伤小腿。",
        summary="狗主人孙德胜赔偿疫苗费一千二百元，承诺拴养。", status=Case.Status.CLOSED,
        closure=Case.Closure.ARCHIVE, outcome=Case.Outcome.RESOLVED, closed_at=timezone.now(), path=Case.Path.DIRECT,
    )
    PartyFactory(case=closed, name="孙德胜")
    open_case = CaseFactory(center=center, category=category, title="狗咬人", description="被邻居家的狗咬伤了腿。")
    for case in (closed, open_case):
        similar.index_case(case.pk)
    return {"closed": closed, "open": open_case, "category": category}


def test_similar_panel_and_intake_hint(live_server, page, phone_page, login, cases):
    url = base_url(live_server)
    login(page, live_server, "xfgz_director", PASSWORD)
    page.goto(f"{url}{cases['open'].get_absolute_url()}")
    panel = page.locator("[data-testid=similar-case]")
    panel.first.wait_for()
    text = panel.first.inner_text()
    assert "疫苗" in text and "峪口地区" in text and "孙德胜" not in text and "孙某" in text

    login(phone_page, live_server, "xfgz_cadre", PASSWORD)
    phone_page.goto(f"{url}/cases/new/")
    phone_page.select_option("#id_category", str(cases["category"].pk))
    phone_page.fill("#id_title", "被狗咬")
    phone_page.locator("#id_description").press_sequentially("邻居家的狗把我小腿咬伤了")
    hint = phone_page.locator("[data-testid=intake-similar] li")
    hint.first.wait_for()
    assert cases["open"].number in hint.first.inner_text()
