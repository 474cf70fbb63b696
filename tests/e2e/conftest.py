"""Browser fixtures: Playwright (sync API) driving Debian's Chromium, no browser download.

Tests take ``page`` (desktop, zh-CN) or ``phone_page`` (375x812 touch screen) and
pytest-django's ``live_server`` for the address; ``login(page, live_server, "yukou")``
signs in through the real form. A screenshot of every failed test is saved under
test-artifacts/screenshots/.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

from .helpers import DEFAULT_TIMEOUT_MS
from .helpers import login as _login
from .helpers import screenshot as _screenshot

# Playwright's sync API runs an asyncio event loop in this thread; Django would otherwise
# refuse database access from the test ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",  # root in containers and CI
    "--disable-gpu",
    "--disable-dev-shm-usage",  # small /dev/shm in containers
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CONTEXT_OPTIONS = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


# --- test outcome, for screenshots of failed tests ----------------------------------------------

_phase_reports = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(_phase_reports, {})[report.when] = report
    return report


def _failed(node) -> bool:
    return any(report.failed for report in node.stash.get(_phase_reports, {}).values())


# --- browser ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (scripts/test.sh does this when run as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


DESKTOP = {"viewport": {"width": 1366, "height": 900}}
PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def _new_page(browser, request, name: str, **options):
    context = browser.new_context(**CONTEXT_OPTIONS, **options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    yield page
    if _failed(request.node):
        # A page that cannot be captured must not hide the real failure.
        with contextlib.suppress(Exception):
            _screenshot(page, f"FAILED-{request.node.name}-{name}")
    context.close()


@pytest.fixture
def page(browser, request):
    """A desktop-sized page in a fresh browser context (no cookies), Chinese locale."""
    yield from _new_page(browser, request, "page", **DESKTOP)


@pytest.fixture
def phone_page(browser, request):
    """A phone-sized page (375x812, touch) in a fresh browser context, Chinese locale."""
    yield from _new_page(browser, request, "phone_page", **PHONE)


@pytest.fixture
def device(browser, request):
    """device(phone=False, **options) -> a page in a fresh browser context: another person's own computer or phone.

    A second user signs in on a device of their own, not in a context whose cookies were cleared: the first
    user's pages may still have requests under way (the offline script's), and their answers would set the
    first user's session cookie again (a request renews the session and re-sends its cookie).
    """
    opened = []

    def open_device(*, phone: bool = False, **options):
        generator = _new_page(browser, request, f"device{len(opened) + 1}", **{**(PHONE if phone else DESKTOP), **options})
        opened.append(generator)
        return next(generator)

    yield open_device
    for generator in opened:
        next(generator, None)


@pytest.fixture
def screenshot():
    """screenshot(page, name) -> Path of test-artifacts/screenshots/<name>.png."""
    return _screenshot


@pytest.fixture
def login():
    """login(page, live_server, username, password="pinggu2026") through the real login form."""
    return _login
