"""A case's journey through the browser: a cadre registers it on a phone, the director takes it through the
joint path, the justice office reports in, the director archives it; the timeline shows every step."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Case, Category
from pinggu_center.models import Department
from tests.factories import PASSWORD, CenterFactory, DepartmentFactory, TownFactory, UserFactory, VillageFactory

from .helpers import base_url

pytestmark = pytest.mark.e2e


@pytest.fixture
def people(transactional_db):
    town = TownFactory(name="峪口地区", code="110117104000", abbr="YK")
    village = VillageFactory(name="西凡各庄村", code="110117104201", parent=town)
    CenterFactory(division=village)
    office = DepartmentFactory(name="峪口地区司法所", kind=Department.Kind.JUSTICE_OFFICE, division=town)
    # Transactional tests flush the tables, so the migration's categories may be gone: make sure one exists.
    category, _created = Category.objects.get_or_create(code="neighbour", defaults={"name": "邻里纠纷"})
    return {
        "cadre": UserFactory(username="xfgz_cadre", role="village_staff", division=village, last_name="李",
                             first_name="调解"),
        "director": UserFactory(username="xfgz_director", role="village_director", division=village,
                                last_name="王", first_name="书记"),
        "department": UserFactory(username="yk_sfs", role="department_staff", division=town, department=office),
        "office": office,
        "category": category,
    }


def _follow(page, name: str, pk: int) -> None:
    """Click the action link on the case page (by its address: icon glyphs are part of a link's name)."""
    with page.expect_navigation():
        page.locator(f"a[href='{reverse(name, args=[pk])}']").first.click()


def _submit(page, label: str) -> None:
    with page.expect_navigation():
        page.locator(f"input[type=submit][value='{label}']").click()


def test_case_journey(live_server, phone_page, page, device, login, screenshot, people):
    url = base_url(live_server)

    # The cadre registers the case on a phone.
    login(phone_page, live_server, "xfgz_cadre", PASSWORD)
    phone_page.goto(f"{url}/cases/new/")
    phone_page.select_option("#id_category", str(people["category"].pk))
    phone_page.fill("#id_title", "邻里漏水纠纷")
    phone_page.fill("#id_description", "楼上卫生间漏水，多次协商未果。")
    phone_page.fill("#id_location_text", "西凡各庄村 3 号院")
    phone_page.fill("#id_parties-0-name", "张三")
    phone_page.fill("#id_parties-0-phone", "13800001234")
    phone_page.check("#id_rights_informed")
    screenshot(phone_page, "case-intake-phone")
    with phone_page.expect_navigation():
        phone_page.get_by_test_id("intake-submit").click()
    case = Case.objects.get()
    assert phone_page.url.endswith(case.get_absolute_url())
    assert "138****1234" in phone_page.get_by_test_id("parties").inner_text()
    screenshot(phone_page, "case-detail-phone")

    # The director chooses the joint path and blows the whistle to the justice office.
    login(page, live_server, "xfgz_director", PASSWORD)
    page.goto(url + case.get_absolute_url())
    _follow(page, "cases:case_choose_path", case.pk)
    assert not page.locator("#legal-fields").is_visible()  # 法治方式 / 法律依据 belong to the legal path only
    page.check("input[name=path][value=legal]")
    assert page.locator("#id_legal_method").is_visible() and page.locator("#id_legal_basis").is_visible()
    page.check("input[name=path][value=joint]")
    assert not page.locator("#legal-fields").is_visible()
    _submit(page, "确定路径")
    _follow(page, "cases:case_whistle", case.pk)
    page.fill("#id_matter", "请司法所派员参加联合调解")
    page.check(f"input[name=departments][value='{people['office'].pk}']")
    _submit(page, "吹哨")
    assert "待报到" in page.get_by_test_id("whistles").inner_text()

    # The justice office reports in from its inbox, on its own computer.
    office = device()
    login(office, live_server, "yk_sfs", PASSWORD)
    office.goto(f"{url}/cases/inbox/")
    office.get_by_test_id("summonses").get_by_role("link", name="报到", exact=True).click()
    office.fill("#id_note", "已派员到场")
    _submit(office, "报到")
    assert "已报到" in office.get_by_test_id("whistles").inner_text()

    # The director archives it.
    page.goto(url + case.get_absolute_url())
    _follow(page, "cases:case_archive", case.pk)
    page.select_option("#id_outcome", "resolved")
    page.fill("#id_summary", "经联合调解，双方达成和解。")
    page.check("input[name=agreement_form][value=oral]")
    page.fill("#id_oral_terms", "双方同意各自修缮院墙。")
    _submit(page, "总结归档")

    timeline = page.get_by_test_id("timeline").inner_text()
    for step in ["登记受理", "确定办理路径", "吹哨", "部门报到", "总结归档"]:
        assert step in timeline
    assert page.get_by_test_id("case-status").inner_text() == "已办结"
    screenshot(page, "case-detail-desktop")
    phone_page.goto(url + case.get_absolute_url())
    screenshot(phone_page, "case-timeline-phone")
