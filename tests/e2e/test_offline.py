"""Field work without signal, in Chromium at 375 × 812: after one visit online the cadre's forms open offline,
what is submitted waits on the phone and reaches the server exactly once when the signal returns; refused drafts
come back for correction; an expired session loses nothing; signing out leaves nothing on the phone."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from cases.models import Attachment, Case, Category, Party
from pinggu_center.models import Role
from tests.factories import PASSWORD, CenterFactory, MemberFactory, TownFactory, UserFactory, VillageFactory
from tests.images import PNG
from tests.visits.factories import HouseholdFactory
from visits.models import Visit

from .helpers import base_url

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SEND_TIMEOUT_MS = 30_000

COUNT = "document.querySelector('[data-testid=offline-count]').dataset.count"
DRAFTS_IN_DB = """async () => {
  const dbs = indexedDB.databases ? await indexedDB.databases() : [];
  return dbs.map(d => d.name);
}"""
KEPT_AFTER_A_CHANGE = """async () => {
  const link = document.querySelector("[data-testid=drafts-login] a");
  PingguOffline.notify();
  await PingguOffline.allDrafts();  // the page's own redraw read the store first
  await PingguOffline.allDrafts();
  return link.isConnected && document.querySelector("[data-testid=drafts-login] a") === link;
}"""
CACHED_TEXT = """async () => {
  let text = "";
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      text += request.url + "\\n" + await (await cache.match(request)).text();
    }
  }
  return {names: await caches.keys(), text};
}"""


@pytest.fixture
def field(transactional_db):
    town = TownFactory(name="镇罗营镇", code="110117110000", abbr="ZLY")
    village = VillageFactory(name="北四道岭村", code="110117110201", parent=town)
    other = VillageFactory(name="上营村", code="110117110202", parent=town)
    centers = {village: CenterFactory(division=village), other: CenterFactory(division=other)}
    role, _created = Role.objects.get_or_create(code="committee", defaults={"name": "两委委员", "visits_households": True})
    category, _created = Category.objects.get_or_create(code="neighbour", defaults={"name": "邻里纠纷"})
    cadre = UserFactory(username="bsdl_cadre", role="village_staff", division=village, last_name="李", first_name="山")
    other_cadre = UserFactory(username="sy_cadre", role="village_staff", division=other, last_name="赵", first_name="岭")
    for user, division in ((cadre, village), (other_cadre, other)):
        member = MemberFactory(center=centers[division], user=user, name=user.last_name + user.first_name,
                               joined_on=timezone.localdate())
        member.roles.set([role])
    households = [HouseholdFactory(division=village, head_name=f"王德{n}", address=f"北四道岭{n}号") for n in range(3)]
    far = HouseholdFactory(division=other, head_name="孙远山", address="上营村9号")
    return {"cadre": cadre, "other_cadre": other_cadre, "category": category, "households": households, "far": far}


def _sign_in(page, live_server, username: str) -> None:
    page.goto(f"{base_url(live_server)}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("form [type=submit]").first.click()
    _ready(page)


def _ready(page) -> None:
    """The page's offline script has run: pages cached, drafts sent where possible, the count drawn."""
    page.wait_for_selector("html[data-offline-ready='1']", state="attached", timeout=SEND_TIMEOUT_MS)


def _online_once(page, live_server, username: str) -> None:
    _sign_in(page, live_server, username)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def _fill_case(page, category: Category, *, phone: str = "13800001234", photo: bool = True) -> None:
    page.select_option("#id_category", str(category.pk))
    page.fill("#id_title", "山林边界纠纷")
    page.fill("#id_description", "两户为山林边界争执，需要现场调解。")
    page.fill("#id_location_text", "北四道岭村后山")
    page.fill("#id_parties-0-name", "王德明")
    page.fill("#id_parties-0-phone", phone)
    page.click("#add-party")
    page.select_option("#id_parties-1-role", "respondent")
    page.fill("#id_parties-1-name", "王德亮")
    page.fill("#id_parties-1-phone", "13900005678")
    if photo:
        page.set_input_files("#id_attachments", files=[{"name": "现场.png", "mimeType": "image/png", "buffer": PNG}])
    page.check("#id_rights_informed")


def _submit_kept(page) -> None:
    with page.expect_navigation():
        page.get_by_test_id("intake-submit").click()
    _ready(page)


def _count(page) -> str:
    return page.evaluate(COUNT)


def test_case_and_visit_saved_offline_reach_the_server_once(live_server, phone_page, field, screenshot):
    page, url = phone_page, base_url(live_server)
    _online_once(page, live_server, "bsdl_cadre")

    page.context.set_offline(True)
    page.goto(f"{url}/cases/new/")
    _ready(page)
    _fill_case(page, field["category"])
    _submit_kept(page)
    assert "已保存在本机，联网后自动提交" in page.get_by_test_id("offline-flash").inner_text()
    assert _count(page) == "1"

    # A household other than the one whose visit form was kept: the page fills in the one chosen.
    household = field["households"][2]
    page.goto(f"{url}/visits/?household={household.pk}")
    _ready(page)
    assert "王德2" in page.locator("[data-household-label]").inner_text()
    page.fill("#id_raised", "反映山林边界问题")
    with page.expect_navigation():
        page.get_by_test_id("visit-form").locator("[type=submit]").click()
    _ready(page)
    assert _count(page) == "2"
    screenshot(page, "offline-drafts-phone")
    assert not Case.objects.exists() and not Visit.objects.exists()

    page.context.set_offline(False)
    page.wait_for_function(f"() => {COUNT} === '0'", timeout=SEND_TIMEOUT_MS)
    case = Case.objects.get()
    assert case.registered_by == field["cadre"] and case.title == "山林边界纠纷"
    assert Party.objects.filter(case=case).count() == 2
    assert Attachment.objects.get(case=case).content_type == "image/png"
    visit = Visit.objects.get()
    assert visit.household == household and visit.raised == "反映山林边界问题"


def test_a_draft_whose_response_was_lost_makes_one_case(live_server, phone_page, field):
    page, url = phone_page, base_url(live_server)
    _online_once(page, live_server, "bsdl_cadre")
    page.context.set_offline(True)
    page.goto(f"{url}/cases/new/")
    _ready(page)
    _fill_case(page, field["category"], photo=False)
    _submit_kept(page)

    dropped = []

    def drop_first_answer(route) -> None:
        if route.request.method == "POST" and not dropped:
            route.fetch()  # the server registers the case ...
            dropped.append(route.request.url)
            route.abort()  # ... and the phone never hears of it
            return
        route.continue_()

    # On the context, so that a send by the service worker (Background Sync) is routed too.
    page.context.route("**/cases/new/", drop_first_answer)
    with page.context.expect_event("requestfailed", lambda request: request.method == "POST", timeout=SEND_TIMEOUT_MS):
        page.context.set_offline(False)
    assert Case.objects.count() == 1 and _count(page) == "1"  # made, but the phone does not know it

    page.reload()  # the page sends what waits when it loads: the same id again
    _ready(page)
    page.wait_for_function(f"() => {COUNT} === '0'", timeout=SEND_TIMEOUT_MS)
    assert dropped == [f"{url}/cases/new/"]
    assert Case.objects.count() == 1


def test_refused_draft_comes_back_for_correction_then_is_sent(live_server, phone_page, field):
    page, url = phone_page, base_url(live_server)
    _online_once(page, live_server, "bsdl_cadre")
    page.context.set_offline(True)
    page.goto(f"{url}/cases/new/")
    _ready(page)
    _fill_case(page, field["category"], phone="12345", photo=False)
    _submit_kept(page)

    page.context.set_offline(False)
    draft = page.locator("[data-testid=draft][data-state=correction]")
    draft.wait_for(timeout=SEND_TIMEOUT_MS)
    assert "请输入有效的手机或固定电话号码。" in draft.inner_text()
    assert _count(page) == "1" and not Case.objects.exists()

    with page.expect_navigation():
        draft.locator("[data-action=open]").click()
    _ready(page)
    assert page.locator("#id_parties-0-phone").input_value() == "12345"
    assert page.locator("#id_parties-1-name").input_value() == "王德亮"
    assert "请输入有效的手机或固定电话号码。" in page.locator("[data-offline-error='parties-0-phone']").inner_text()
    page.fill("#id_parties-0-phone", "13800001234")
    with page.expect_navigation(url=f"**/cases/{'*'}/"):
        page.get_by_test_id("intake-submit").click()
    case = Case.objects.get()
    assert page.url.endswith(case.get_absolute_url())
    assert sorted(Party.objects.filter(case=case).values_list("phone", flat=True)) == ["13800001234", "13900005678"]


def test_expired_session_keeps_drafts_until_sign_in(live_server, phone_page, field):
    page, url = phone_page, base_url(live_server)
    _online_once(page, live_server, "bsdl_cadre")
    page.context.set_offline(True)
    page.goto(f"{url}/cases/new/")
    _ready(page)
    _fill_case(page, field["category"], photo=False)
    _submit_kept(page)
    Session.objects.all().delete()  # the session ends while the cadre is out of signal

    page.context.set_offline(False)
    page.locator("[data-testid=draft][data-state=login]").wait_for(timeout=SEND_TIMEOUT_MS)
    assert page.get_by_test_id("drafts-login").is_visible()
    assert not Case.objects.exists()
    # Each send attempt tells the page the store changed; with nothing new the list is not drawn again, so the
    # link under the cadre's finger stays the same element.
    assert page.evaluate(KEPT_AFTER_A_CHANGE)

    with page.expect_navigation():
        page.get_by_test_id("drafts-login").get_by_role("link").click()
    page.fill("input[name=username]", "bsdl_cadre")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("form [type=submit]").first.click()
    _ready(page)
    page.wait_for_function(f"() => {COUNT} === '0'", timeout=SEND_TIMEOUT_MS)
    assert Case.objects.count() == 1


def test_sign_out_clears_the_phone_and_the_next_cadre_sees_only_their_village(live_server, phone_page, field):
    page, url = phone_page, base_url(live_server)
    _online_once(page, live_server, "bsdl_cadre")
    first_village = field["households"][0]
    assert first_village.head_name in page.evaluate(CACHED_TEXT)["text"]
    page.context.set_offline(True)
    page.goto(f"{url}/cases/new/")
    _ready(page)
    _fill_case(page, field["category"], photo=False)
    _submit_kept(page)
    page.context.set_offline(False)
    page.route("**/cases/new/", lambda route: route.abort() if route.request.method == "POST" else route.continue_())

    warnings = []
    page.on("dialog", lambda dialog: (warnings.append(dialog.message), dialog.accept()))
    page.locator("form[data-offline-logout]").evaluate("form => form.requestSubmit()")
    page.wait_for_url("**/accounts/login/**")
    assert warnings and "1 条内容没有提交" in warnings[0]
    assert "pinggu-offline" not in page.evaluate(DRAFTS_IN_DB)
    assert page.evaluate(CACHED_TEXT)["names"] == []
    page.unroute("**/cases/new/")

    _online_once(page, live_server, "sy_cadre")
    cached = page.evaluate(CACHED_TEXT)
    assert field["far"].head_name in cached["text"]
    for household in field["households"]:
        assert household.head_name not in cached["text"]
    page.context.set_offline(True)
    page.goto(f"{url}/visits/households/")
    assert field["far"].head_name in page.content() and first_village.head_name not in page.content()
    page.goto(f"{url}/visits/?household={first_village.pk}")
    _ready(page)
    assert "本机没有这一户的资料" in page.locator("[data-household-label]").inner_text()
    assert _count(page) == "0"


def test_nothing_on_the_page_re_creates_the_phone_storage_after_sign_out(live_server, phone_page, field):
    # A send or a count still under way when the cadre signs out must not bring back what sign-out deleted (the
    # database re-appeared in loaded runs when the page counted its drafts right after clearing them).
    page = phone_page
    _online_once(page, live_server, "bsdl_cadre")
    assert "pinggu-offline" in page.evaluate(DRAFTS_IN_DB)
    refused = page.evaluate("""async () => {
      const store = window.PingguOffline;
      await store.clearEverything();
      const attempts = [store.allDrafts(), store.getMeta("user"), store.putPage("pinggu-pages-x", "/x", new Response("x")),
                        store.draftsOf(1), store.sendAll()];
      const outcomes = await Promise.allSettled(attempts);
      return outcomes.map(outcome => outcome.status);
    }""")
    assert refused == ["rejected"] * 5
    assert "pinggu-offline" not in page.evaluate(DRAFTS_IN_DB)
    assert page.evaluate(CACHED_TEXT)["names"] == []
    assert page.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length") == 0


def test_household_pages_kept_on_the_phone_expire(live_server, phone_page, field, settings):
    settings.OFFLINE_HOUSEHOLD_MAX_AGE_DAYS = 0  # anything kept is already too old
    page, url = phone_page, base_url(live_server)
    _online_once(page, live_server, "bsdl_cadre")
    page.context.set_offline(True)
    page.goto(f"{url}/visits/households/")
    assert page.get_by_test_id("offline-unavailable").is_visible()
    assert field["households"][0].head_name not in page.content()
    page.goto(f"{url}/cases/new/")  # the forms do not expire
    _ready(page)
    assert page.get_by_test_id("intake-form").is_visible()
    assert field["households"][0].head_name not in page.evaluate(CACHED_TEXT)["text"]


def test_a_form_posted_while_the_server_cannot_be_reached_is_kept(live_server, phone_page, field):
    page, url = phone_page, base_url(live_server)
    _online_once(page, live_server, "bsdl_cadre")
    # The phone has signal but the server does not answer: the service worker keeps what was posted.
    page.context.route("**/cases/new/", lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    for title in ("第一件", "第二件"):
        page.goto(f"{url}/cases/new/")
        _ready(page)
        _fill_case(page, field["category"], photo=False)
        page.fill("#id_title", title)
        _submit_kept(page)
        assert page.url.endswith("/offline/drafts/?saved=1")
        assert "已保存在本机，联网后自动提交" in page.get_by_test_id("offline-flash").inner_text()
    assert _count(page) == "2" and not Case.objects.exists()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("draft").filter(has_text="第一件").locator("[data-action=discard]").click()
    page.wait_for_function(f"() => {COUNT} === '1'")
    page.context.unroute("**/cases/new/")
    page.get_by_test_id("draft").filter(has_text="第二件").locator("[data-action=send]").click()
    page.wait_for_function(f"() => {COUNT} === '0'", timeout=SEND_TIMEOUT_MS)
    assert list(Case.objects.values_list("title", flat=True)) == ["第二件"]


def _save_a_household(page, url: str, field):
    """A household saved by a POST of the page's session, not followed: its message "已登记住户" waits for the next
    page."""
    csrf = next(cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "csrftoken")
    saved = page.request.post(f"{url}/visits/households/new/", max_redirects=0, headers={"X-CSRFToken": csrf}, form={
        "division": str(field["households"][0].division_id), "head_name": "王德新", "address": "北四道岭8号",
        "members_count": "2",
    })
    assert saved.status == 302
    return saved


def test_keeping_pages_in_the_background_does_not_take_the_users_message(live_server, phone_page, field):
    page, url = phone_page, base_url(live_server)
    _online_once(page, live_server, "bsdl_cadre")
    # A form is saved and its message waits for the next page; the phone refreshes its kept pages before that page
    # is opened (on a slow signal the two overlap): the message still reaches the page the cadre opens.
    saved = _save_a_household(page, url, field)
    kept = page.evaluate("""async (user) => {
      await PingguOffline.refreshPages(await PingguOffline.fetchState());
      return (await (await caches.open(PingguOffline.pageCacheName(user))).keys()).length;
    }""", field["cadre"].pk)
    assert kept > 0
    page.goto(url + saved.headers["location"])
    assert "已登记住户" in page.get_by_role("alert").inner_text()


def test_a_message_shown_online_is_not_shown_again_offline(live_server, phone_page, field):
    page, url = phone_page, base_url(live_server)
    _online_once(page, live_server, "bsdl_cadre")
    page.goto(f"{url}/cases/new/")
    _ready(page)
    _save_a_household(page, url, field)
    # Online, the intake form (a page kept on the phone) shows the message once ...
    page.goto(f"{url}/cases/new/")
    assert "已登记住户" in page.get_by_role("alert").inner_text()
    # ... and without signal the phone's copy of the form does not show it again.
    page.context.set_offline(True)
    page.goto(f"{url}/cases/new/")
    assert page.get_by_test_id("intake-form").is_visible()
    assert "已登记住户" not in page.content()
