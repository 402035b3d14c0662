"""The charts and the map in a real Chromium: they render, read without JavaScript, pass axe, and get screenshots.

The sample page (``tests/dashboard/sample_page.py``) is loaded with ``set_content`` — no server,
no network — with the site's stylesheet and ``dashboard/charts.css`` inlined, JavaScript disabled.
Screenshots go to ``test-artifacts/dashboard-charts-{1280,360}.png``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, CHROMIUM_FLAGS, chromium_path
from tests.dashboard.sample_page import sample_page

pytestmark = pytest.mark.browser


def in_own_thread(check: Any, *args: Any) -> None:
    """Run a Playwright session in a thread of its own.

    The browser tests in ``tests/browser`` keep one sync Playwright (and its asyncio loop) open on
    the main thread for the whole session; a second sync Playwright cannot start on that thread.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(check, *args).result()


@pytest.mark.parametrize("width", [1280, 360])
def test_sample_dashboard_renders_legibly_and_accessibly(width: int) -> None:
    html = sample_page()  # rendered here: Django's translations and settings live on this thread
    in_own_thread(check_sample_page, chromium_path(), html, width)


def check_sample_page(executable: str, html: str, width: int) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            check_in_browser(chromium, html, width)
        finally:
            chromium.close()


def check_in_browser(chromium: Any, html: str, width: int) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = chromium.new_context(viewport={"width": width, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    try:
        page.set_content(html)
        world = page.locator("#map-pledges")
        box = world.bounding_box()
        # The map fills the column; the charts show at their natural size or shrink to fit.
        assert box is not None and box["width"] >= min(width - 40, 900) * 0.9
        assert box["height"] == pytest.approx(box["width"] * 0.439, rel=0.02)
        for chart in ("#chart-focus-areas", "#chart-time", "#chart-focus-areas-ar"):
            chart_box = page.locator(chart).bounding_box()
            assert chart_box is not None and 0 < chart_box["width"] <= width
        # The stylesheet colours the shapes: a country with data is not drawn black (SVG's default).
        fill = page.evaluate(
            "getComputedStyle(document.querySelector('#map-pledges a path, #map-pledges a circle')).fill"
        )
        assert fill not in ("rgb(0, 0, 0)", "")
        # Arabic labels sit at the right edge of their chart.
        label = page.locator("#chart-focus-areas-ar text.label").first.bounding_box()
        chart_ar = page.locator("#chart-focus-areas-ar").bounding_box()
        assert label is not None and chart_ar is not None
        assert label["x"] + label["width"] == pytest.approx(chart_ar["x"] + chart_ar["width"], abs=4)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(Path(ARTIFACTS) / f"dashboard-charts-{width}.png"), full_page=True)
    finally:
        context.close()

    # axe needs JavaScript: a second, scripted page with the same markup.
    context = chromium.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.set_content(html)
        results = Axe().run(page)
        grave = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert not grave, results.generate_report()
    finally:
        context.close()
