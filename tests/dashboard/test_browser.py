"""The charts, the map and the dashboard page in a real Chromium: readable without JavaScript, axe, screenshots.

The sample page (``tests/dashboard/sample_page.py``) is loaded with ``set_content`` — no server,
no network — with the site's stylesheet and ``dashboard/charts.css`` inlined, JavaScript disabled.
The dashboard itself is served by the live server. Screenshots go to
``test-artifacts/dashboard-charts-{1280,360}.png`` and ``test-artifacts/dashboard-page-{1280,360}.png``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.browser.support import ARTIFACTS, CHROMIUM_FLAGS, chromium_path
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


# --- The dashboard page itself, served by the live server ------------------------------------------
@pytest.fixture
def dashboard_data() -> None:
    """Pledges across countries, focus areas and years, and the milestones of the coalition's story."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from p2c.content.models import Milestone
    from p2c.geo.models import Country
    from p2c.pledges.models import Pledge
    from tests.factories import PledgeFactory

    every = list(Country.objects.order_by("iso2"))
    for i in range(60):
        PledgeFactory(
            state=Pledge.State.PUBLISHED,
            published_at=timezone.now() - dt.timedelta(days=25 * i),
            usd_estimate=Decimal(1_000_000 * (i % 7 + 1)),
            countries=every[i * 3 % len(every) : i * 3 % len(every) + 1 + i % 4],
            focus_areas=[["access"], ["adoption", "access"], ["value-creation"], ["accelerate"]][i % 4],
        )
    for i, title in enumerate(["Platform launched", "500 pledges", "P2C featured at SDG Digital at UNGA"]):
        Milestone.objects.create(achieved_on=timezone.localdate() - dt.timedelta(days=400 * i + 30), title=title)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 360])
def test_the_dashboard_reads_without_javascript_fits_and_passes_axe(
    browser: Any,
    live_server: Any,
    dashboard_data: None,
    width: int,
) -> None:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto("/dashboard/?focus_area=access")
        assert page.locator('[data-figure="pledges"]').inner_text().strip() == "30"
        # Nothing wider than the screen; every chart drawn and visible at a readable size.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        for chart in ("#map", "#chart-focus-areas", "#chart-sdgs"):
            box = page.locator(chart).bounding_box()
            assert box is not None and 0.8 * min(width - 32, 340) <= box["width"] <= width, chart
        visible = "#chart-over-time" if width < 768 else "#chart-over-time-wide"
        assert page.locator(visible).is_visible()
        # The numbers, as a table, one click away without JavaScript.
        page.locator("#focus-areas summary").click()
        assert page.locator("#focus-areas table").is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(Path(ARTIFACTS) / f"dashboard-page-{width}.png"), full_page=True)
    finally:
        context.close()

    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto("/dashboard/?focus_area=access&country=XX")
        results = Axe().run(page)
        grave = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert not grave, results.generate_report()
    finally:
        context.close()
