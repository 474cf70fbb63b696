"""Field work without signal in WebKit (Debian's WebKitGTK, the engine family of Safari on iPhone): the service
worker takes over the cadre's pages, keeps a form the server did not receive, and — WebKit has no Background
Sync — the page sends it exactly once when it loads again; signing out leaves no drafts and no cached pages."""

from __future__ import annotations

import contextlib

import pytest

from cases.models import Case, Party
from tests.factories import PASSWORD

from .conftest import _failed
from .helpers import SCREENSHOTS, base_url
from .test_offline import CACHED_TEXT, DRAFTS_IN_DB, field  # noqa: F401 - field is a fixture
from .webkit import MISSING, RefusingProxy, WebKitDriver

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(MISSING is not None, reason=MISSING or ""),
]

READY = "return document.documentElement.dataset.offlineReady === '1' && location.pathname"
COUNT = "return document.querySelector('[data-testid=offline-count]').dataset.count"
FILL_CASE = """
const [category, phone] = arguments;
const set = (id, value) => { document.getElementById(id).value = value; };
set("id_category", category);
set("id_title", "山林边界纠纷");
set("id_description", "两户为山林边界争执，需要现场调解。");
set("id_location_text", "北四道岭村后山");
set("id_parties-0-name", "王德明");
set("id_parties-0-phone", phone);
document.getElementById("add-party").click();
set("id_parties-1-role", "respondent");
set("id_parties-1-name", "王德亮");
set("id_parties-1-phone", "13900005678");
document.getElementById("id_rights_informed").checked = true;
return true;
"""


@pytest.fixture(scope="session")
def webkit():
    driver = WebKitDriver()
    try:
        yield driver
    finally:
        driver.close()


@pytest.fixture
def proxy(live_server):
    proxy = RefusingProxy(base_url(live_server))
    yield proxy
    proxy.close()


@pytest.fixture
def webkit_page(webkit, request):
    session = webkit.session()
    yield session
    if _failed(request.node):
        with contextlib.suppress(Exception):  # a page that cannot be captured must not hide the real failure
            session.screenshot(SCREENSHOTS / f"FAILED-{request.node.name}.png")
    session.close()


def _ready(webkit_page) -> None:
    webkit_page.wait_for(READY, message="the offline script to finish")


def test_offline_drafts_in_webkit_are_sent_once_by_the_page(webkit_page, proxy, field):  # noqa: F811 - the fixture
    url = proxy.url
    webkit_page.get(f"{url}/accounts/login/")
    webkit_page.run(
        "document.querySelector('input[name=username]').value = arguments[0];"
        "document.querySelector('input[name=password]').value = arguments[1];",
        "bsdl_cadre", PASSWORD,
    )
    webkit_page.click("form [type=submit]")
    _ready(webkit_page)
    webkit_page.wait_for("return navigator.serviceWorker.controller !== null", message="the service worker")
    assert webkit_page.run("return navigator.serviceWorker.ready.then(r => 'sync' in r)") is False  # no Background Sync
    assert field["households"][0].head_name in webkit_page.run(f"return ({CACHED_TEXT})()")["text"]

    # The server cannot be reached for the form: the service worker keeps it and shows the drafts page.
    proxy.refuse = lambda method, path: method == "POST" and path == "/cases/new/"
    webkit_page.get(f"{url}/cases/new/")
    _ready(webkit_page)
    webkit_page.run(FILL_CASE, str(field["category"].pk), "13800001234")
    webkit_page.run("const button = document.querySelector('[data-testid=intake-submit]'); button.form.requestSubmit(button)")
    webkit_page.wait_for(f"{READY} === '/offline/drafts/'", message="the drafts page")
    assert webkit_page.run(COUNT) == "1"
    assert "已保存在本机" in webkit_page.run("return document.querySelector('[data-testid=offline-flash]').textContent")
    assert not Case.objects.exists()

    # Reachable again: the page sends what waits when it loads, once.
    proxy.refuse = lambda method, path: False
    webkit_page.refresh()
    _ready(webkit_page)
    webkit_page.wait_for(f"{COUNT} === '0'", message="the draft to be sent")
    webkit_page.refresh()
    _ready(webkit_page)
    case = Case.objects.get()
    assert case.registered_by == field["cadre"] and Party.objects.filter(case=case).count() == 2
    assert proxy.forwarded.count(("POST", "/cases/new/")) == 1

    # Signing out clears the drafts database, the cached pages and the service worker.
    webkit_page.run("document.querySelector('form[data-offline-logout]').requestSubmit()")
    webkit_page.wait_for("return location.pathname === '/accounts/login/'", message="the sign-in page")
    assert "pinggu-offline" not in webkit_page.run(f"return ({DRAFTS_IN_DB})()")
    assert webkit_page.run("return caches.keys()") == []
    assert webkit_page.run("return navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
