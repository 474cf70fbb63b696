"""Dashboards in a real browser: the director's and the reviewers' charts are drawn (on a phone too, no wider than
its screen), a district reviewer drills down to a case."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Category, FollowUp
from tests.cases.factories import CaseFactory, SummonsFactory, WhistleFactory
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CANVAS_HAS_INK = """(selector) => {
  const canvas = document.querySelector(selector + ' canvas');
  if (!canvas || !canvas.width || !canvas.height) return false;
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) return true; }
  return false;
}"""


def _activity(org) -> Case:
    now = timezone.now()
    categories = list(Category.objects.order_by("sort_order")[:4])
    last = None
    for i in range(12):
        closed = i % 3 == 0
        last = CaseFactory(
            center=org.center,
            category=categories[i % 4],
            title=f"事项{i}",
            registered_at=now - timedelta(days=i * 14),
            path=["direct", "joint", "legal"][i % 3],
            status="closed" if closed else "handling",
            closure="archive" if closed else "",
            outcome="resolved" if closed else "",
            closed_at=now - timedelta(days=i * 14 - 3) if closed else None,
        )
        if closed:
            FollowUp.objects.create(case=last, performance="na", satisfaction="satisfied")
    return last


def _review_activity(org, director) -> None:
    """Cases in two towns (one closed at the town level) and a whistle each department answered, for the reviews."""
    _activity(org)
    now = timezone.now()
    CaseFactory(center=org.other_center, title="另一镇的事项", registered_at=now - timedelta(days=20),
                status="closed", closure="archive", outcome="resolved", closed_at=now - timedelta(days=18))
    CaseFactory(center=org.center, title="镇级办结的事项", registered_at=now - timedelta(days=30), level="town",
                holder=org.town, status="closed", closure="archive", outcome="resolved",
                closed_at=now - timedelta(days=25))
    for department, hours in ((org.justice_office, 3), (org.enforcement, 30), (org.district_court, 12)):
        whistle = WhistleFactory(case__center=org.center, case__registered_by=director, blown_by=director,
                                 blown_at=now - timedelta(days=5))
        SummonsFactory(whistle=whistle, department=department, reported_at=whistle.blown_at + timedelta(hours=hours))


def _charts_fit_a_phone(page, chart_ids: list[str]) -> None:
    """Every chart has ink on its canvas, and the page is no wider than the 375 px screen."""
    for chart_id in chart_ids:
        page.wait_for_function(CANVAS_HAS_INK, arg=f"#{chart_id}")
        assert page.locator(f"#{chart_id}").get_attribute("aria-label")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def _open(page, live_server, path: str):
    return page.goto(f"{live_server.url}{path}")


def test_director_sees_the_charts_drawn(org, director, live_server, page, phone_page, login, screenshot):
    _activity(org)
    login(page, live_server, "director", PASSWORD)
    assert page.url.endswith(reverse("dashboards:village_workbench"))
    # ECharts draws after its animation frame: wait until each canvas has ink rather than for a fixed time.
    page.wait_for_function(CANVAS_HAS_INK, arg="#chart-intake")
    page.wait_for_function(CANVAS_HAS_INK, arg="#chart-mix")
    screenshot(page, "dashboards-village-workbench-desktop")
    _open(page, live_server, reverse("dashboards:contact_card", args=[org.center.pk]))
    assert page.locator("[data-testid=contact-qr]").is_visible()
    screenshot(page, "dashboards-contact-card-desktop")

    login(phone_page, live_server, "director", PASSWORD)
    phone_page.wait_for_function(CANVAS_HAS_INK, arg="#chart-intake")
    screenshot(phone_page, "dashboards-village-workbench-phone")
    _open(phone_page, live_server, reverse("dashboards:contact_card", args=[org.center.pk]))
    screenshot(phone_page, "dashboards-contact-card-phone")


def test_district_admin_drills_down_to_a_case(org, district_admin, live_server, page, phone_page, login, screenshot):
    case = _activity(org)
    login(page, live_server, "district_admin", PASSWORD)
    assert page.url.endswith(reverse("dashboards:district_review"))
    screenshot(page, "dashboards-district-review-desktop")
    page.get_by_role("link", name=org.town.name).first.click()
    page.wait_for_url(f"**{reverse('dashboards:town_review', args=[org.town.pk])}*")
    screenshot(page, "dashboards-town-review-desktop")
    page.get_by_role("link", name=org.village.name).first.click()
    page.wait_for_url(f"**{reverse('dashboards:village_review', args=[org.village.pk])}*")
    screenshot(page, "dashboards-village-review-desktop")
    page.get_by_role("link", name=case.number).click()
    page.wait_for_url(f"**{reverse('cases:case_detail', args=[case.pk])}")
    assert case.number in page.content()

    login(phone_page, live_server, "district_admin", PASSWORD)
    screenshot(phone_page, "dashboards-district-review-phone")
    _open(phone_page, live_server, reverse("dashboards:town_review", args=[org.town.pk]))
    screenshot(phone_page, "dashboards-town-review-phone")
    _open(phone_page, live_server, reverse("dashboards:village_review", args=[org.village.pk]))
    screenshot(phone_page, "dashboards-village-review-phone")


def test_town_and_cadre_pages(org, town_user, cadre, live_server, page, phone_page, browser, login, screenshot):
    _activity(org)
    CaseFactory(center=org.center, level="town", holder=org.town, closure="escalate", title="提级上报的事项")
    login(page, live_server, "town", PASSWORD)
    assert page.url.endswith(reverse("dashboards:town_page"))
    assert page.locator("[data-testid=town-inbox]").get_by_text("提级上报的事项").is_visible()
    screenshot(page, "dashboards-town-page-desktop")
    login(phone_page, live_server, "town", PASSWORD)
    screenshot(phone_page, "dashboards-town-page-phone")
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 812}, is_mobile=True)
    try:
        cadre_page = context.new_page()
        login(cadre_page, live_server, "cadre", PASSWORD)
        assert cadre_page.url.endswith(reverse("dashboards:cadre_home"))
        screenshot(cadre_page, "dashboards-cadre-home-phone")
    finally:
        context.close()


def test_another_village_is_not_found(org, director, live_server, page, login):
    login(page, live_server, "director", PASSWORD)
    for path in [
        reverse("dashboards:village_workbench", args=[org.other_village.pk]),
        reverse("dashboards:contact_card", args=[org.other_center.pk]),
        reverse("dashboards:export_table") + f"?kind=cases&division={org.other_village.pk}",
    ]:
        assert _open(page, live_server, path).status == 404, path


def test_review_charts_are_drawn_on_a_phone(
    org, district_admin, town_user, director, live_server, phone_page, device, login, screenshot
):
    _review_activity(org, director)
    login(phone_page, live_server, "district_admin", PASSWORD)
    assert phone_page.url.endswith(reverse("dashboards:district_review"))
    _charts_fit_a_phone(phone_page, ["chart-compare", "chart-trend", "chart-ranking"])
    screenshot(phone_page, "dashboards-district-review-charts-phone")
    _open(phone_page, live_server, reverse("dashboards:town_review", args=[org.town.pk]))
    _charts_fit_a_phone(phone_page, ["chart-compare", "chart-trend"])
    screenshot(phone_page, "dashboards-town-review-charts-phone")

    phone_page = device(phone=True)
    login(phone_page, live_server, "town", PASSWORD)
    assert phone_page.url.endswith(reverse("dashboards:town_page"))
    _charts_fit_a_phone(phone_page, ["chart-compare", "chart-trend"])
    screenshot(phone_page, "dashboards-town-page-charts-phone")

    phone_page = device(phone=True)
    login(phone_page, live_server, "director", PASSWORD)
    _charts_fit_a_phone(phone_page, ["chart-intake", "chart-mix"])
    screenshot(phone_page, "dashboards-village-workbench-charts-phone")
