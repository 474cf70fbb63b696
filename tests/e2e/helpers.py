"""Helpers for browser tests: sign in through the real login form, save screenshots."""

from __future__ import annotations

import re
from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DEMO_PASSWORD = "pinggu2026"
# Every wait is on a condition (a page loaded, a link shown); the limit only bounds a failure. It is generous
# because the suite must pass on a machine whose cores are busy with other work.
DEFAULT_TIMEOUT_MS = 30_000


def base_url(live_server) -> str:
    """Accept pytest-django's ``live_server`` fixture or a plain URL."""
    return str(getattr(live_server, "url", live_server)).rstrip("/")


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Save a PNG of the page under test-artifacts/screenshots/<name>.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^\w.-]+", "_", name).strip("_") or "screenshot"
    path = SCREENSHOTS / f"{safe}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def login(page, live_server, username: str, password: str = DEMO_PASSWORD):
    """Sign in through /accounts/login/ like a person would; returns the page after the redirect."""
    page.goto(f"{base_url(live_server)}/accounts/login/")
    form = page.locator("form").filter(has=page.locator('input[name="password"]'))
    form.locator('input[name="username"]').fill(username)
    form.locator('input[name="password"]').fill(password)
    with page.expect_navigation():
        form.locator('[type="submit"]').first.click()
    if "/accounts/login/" in page.url:
        # Still on the sign-in page: say why here, not as a missing link on the next page.
        raise AssertionError(f"sign-in as {username} failed at {page.url}: {page.locator('main').inner_text()[:300]}")
    return page
