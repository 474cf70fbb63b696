"""A village director records a representatives' meeting with attendance and a vote; the public notice shows the resolution."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from deliberation.models import Resolution
from tests.factories import CenterFactory, DistrictFactory, TownFactory, UserFactory, VillageFactory

from .helpers import DEMO_PASSWORD, base_url

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def xfgz_director():
    town = TownFactory(name="峪口地区", code="110117104000", abbr="YK", parent=DistrictFactory())
    village = VillageFactory(name="西凡各庄村", code="110117104201", parent=town)
    CenterFactory(division=village)
    user = UserFactory(username="xfgz_director", role="village_director", division=village, last_name="王", first_name="德明")
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _record_meeting(page, url: str) -> None:
    held = timezone.localtime() - timedelta(hours=3)
    page.goto(f"{url}/deliberation/")
    page.get_by_role("link", name="登记会议").click()
    page.select_option("#id_kind", "representatives")
    page.fill("#id_title", "2026年第四次村民代表会议")
    page.fill("#id_notice_date", (held.date() - timedelta(days=5)).isoformat())
    page.fill("#id_held_at", held.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_venue", "村委会议室")
    page.fill("#id_eligible_count", "30")
    page.fill("#id_present_count", "20")
    page.get_by_role("button", name="保存会议").click()
    page.wait_for_selector("[data-testid=quorum]")
    assert "已达到法定人数" in page.inner_text("[data-testid=quorum]")


def _add_topic_and_vote(page) -> None:
    page.fill("#id_title", "村东主路硬化工程方案")
    page.get_by_role("button", name="添加议题").click()
    page.get_by_role("link", name="记录表决").click()
    page.fill("#id_votes_for", "16")
    page.fill("#id_votes_against", "3")
    page.fill("#id_abstentions", "1")
    page.fill("#id_resolution_text", "同意硬化村东主路，工程款从村集体收入列支。")
    page.get_by_role("button", name="记录表决结果").click()
    page.wait_for_selector("[data-testid=notice-link]")


def test_director_records_meeting_and_public_notice_shows_resolution(
    page, phone_page, live_server, login, screenshot, xfgz_director
):
    url = base_url(live_server)
    login(page, live_server, "xfgz_director")
    _record_meeting(page, url)
    _add_topic_and_vote(page)
    assert "表决已记录，决议通过" in page.content()
    screenshot(page, "deliberation-meeting-desktop")

    token = Resolution.objects.get().public_token
    # The notice is public: a fresh phone-sized browser without any login reads it.
    phone_page.goto(f"{url}/deliberation/notice/{token}/")
    assert "同意硬化村东主路" in phone_page.inner_text("[data-testid=resolution-text]")
    assert phone_page.inner_text("[data-testid=verdict]").strip() == "通过"
    assert "王德明" not in phone_page.content()
    screenshot(phone_page, "deliberation-notice-375")
    page.goto(f"{url}/deliberation/notice/{token}/")
    screenshot(page, "deliberation-notice-desktop")
    phone_page.set_viewport_size({"width": 375, "height": 812})
    login(phone_page, live_server, "xfgz_director")
    phone_page.goto(page.url.replace("/notice/" + token + "/", "/"))
    screenshot(phone_page, "deliberation-meeting-list-375")
