"""Chromium starts and renders Chinese text with a real CJK font (not empty boxes)."""

from urllib.parse import quote

import pytest

from .helpers import screenshot

pytestmark = pytest.mark.e2e

HTML = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>平谷</title>
<style>body { font: 32px sans-serif; margin: 24px; }</style></head>
<body><h1 id="title">中文 平谷区村级调解中心</h1><p>矛盾纠纷多元化解 · 12345 · ABC</p></body></html>"""


def test_chromium_renders_chinese(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 800, "height": 240})
    try:
        page = context.new_page()
        page.goto("data:text/html;charset=utf-8," + quote(HTML))
        assert page.title() == "平谷"
        assert "中文" in page.inner_text("#title")

        # Ask Chromium which installed fonts actually drew the heading's glyphs.
        cdp = context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "#title"})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        families = [font["familyName"] for font in fonts]
        assert any("CJK" in family for family in families), f"no CJK font used, only {families}"

        path = screenshot(page, "chromium-smoke-chinese")
        assert path.stat().st_size > 1000
    finally:
        context.close()
