"""Every list and detail page, on a 375 × 812 phone, as each demo login: nothing wider than the screen, every tap
target in the main content at least 40 px high, and no serious or critical axe-core finding.

The demo district is seeded once; each login walks its navigation (the lists and dashboards it is offered) and, from
each list, the first detail page it links to. axe-core is injected from static/vendor (no CDN). A screenshot of every
page goes to test-artifacts/phone/.
"""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from .helpers import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "static" / "vendor" / "axe-core-4.14.1" / "axe.min.js"
SHOTS = ROOT / "test-artifacts" / "phone"
SHOT_MAX_HEIGHT = 2400  # the top of a long list says enough; a 30,000 px capture costs seconds
LOGINS = ["district", "yukou", "xfgz_director", "xfgz_cadre", "zhoucun_director", "yukou_sifasuo"]

# Detail pages a list links to: the first link of each kind found on a list is visited too.
DETAIL = re.compile(
    r"^/(cases/\d+|visits/\d+|visits/households/\d+|deliberation/meetings/\d+|deliberation/matters/\d+"
    r"|legal/activities/\d+|legal/liaisons/\d+|centers/\d+|centers/\d+/checklist"
    r"|dashboards/review/(town|village)/\d+|dashboards/workbench/\d+)/$"
)

SMALL_TARGETS = """() => {
  const seen = [];
  for (const el of document.querySelectorAll(
      'main a[href], main button, main input:not([type=hidden]), main select, main textarea, main summary')) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;  // not shown
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') continue;
    if (el.matches('input[type=checkbox], input[type=radio]')) {  // the label is the target
      const label = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`));
      const target = label ? label.closest('.form-check') || label : el;
      const area = target.getBoundingClientRect();
      if (area.height >= 40) continue;
    }
    if (box.height < 40) seen.push(`${el.tagName.toLowerCase()} "${(el.innerText || el.value || el.name || '')
      .trim().slice(0, 30)}" ${Math.round(box.height)}px`);
  }
  return seen;
}"""

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations'],
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
}"""


TIMES: dict[str, float] = {}


def _timed(phase: str, started: float) -> None:
    TIMES[phase] = TIMES.get(phase, 0.0) + time.monotonic() - started


def _check(page, name: str, problems: list[str], base: str) -> None:
    started = time.monotonic()
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 375:
        problems.append(f"{name}: {width}px wide")
    for small in page.evaluate(SMALL_TARGETS):
        problems.append(f"{name}: tap target {small}")
    _timed("measure", started)
    started = time.monotonic()
    page.add_script_tag(url=f"{base}/static/{AXE.relative_to(ROOT / 'static')}")  # from 'self', as the CSP wants
    for finding in page.evaluate(AXE_RUN):
        problems.append(f"{name}: axe {finding}")
    _timed("axe", started)
    started = time.monotonic()
    SHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^\w.-]+", "_", name)
    height = min(page.evaluate("document.documentElement.scrollHeight"), SHOT_MAX_HEIGHT)
    page.screenshot(path=str(SHOTS / f"{safe}.png"), full_page=True, clip={"x": 0, "y": 0, "width": 375, "height": height})
    _timed("screenshot", started)


def _links(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")


def test_every_page_fits_a_phone_and_passes_axe(live_server, device):
    started = time.monotonic()
    call_command("seed_demo", stdout=io.StringIO())
    _timed("seed", started)
    problems: list[str] = []
    pages_checked = 0
    for username in LOGINS:
        # Each demo user on a phone of their own; at scale 1 the sweep's screenshots stay small and quick to take.
        phone_page = device(phone=True, device_scale_factor=1)
        login(phone_page, live_server, username)
        lists = [href for href in _links(phone_page, "#site-nav a.nav-link") if href.startswith("/")]
        lists = list(dict.fromkeys([*lists, "/notifications/"]))
        details: dict[str, str] = {}
        for path in lists:
            started = time.monotonic()
            phone_page.goto(f"{live_server.url}{path}")
            _timed("load", started)
            _check(phone_page, f"{username}{path}", problems, live_server.url)
            pages_checked += 1
            for href in _links(phone_page, "main a[href]"):
                match = DETAIL.match(href.split("?")[0])
                if match:
                    kind = re.sub(r"\d+", "N", match.group(0))
                    details.setdefault(kind, href)
        for href in details.values():
            started = time.monotonic()
            phone_page.goto(f"{live_server.url}{href}")
            _timed("load", started)
            _check(phone_page, f"{username}{href}", problems, live_server.url)
            pages_checked += 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "problems.txt").write_text("\n".join(problems), encoding="utf-8")
    timings = ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in TIMES.items())
    (SHOTS / "timings.txt").write_text(f"{pages_checked} pages: {timings}\n", encoding="utf-8")
    assert pages_checked >= 40
    assert problems == [], f"{len(problems)} problems (test-artifacts/phone/problems.txt):\n" + "\n".join(problems[:60])
