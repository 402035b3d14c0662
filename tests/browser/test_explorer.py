"""The explorer in a real browser: filters without page loads, the back button, no JavaScript, axe, phones."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from p2c.geo.models import Country
from p2c.pledges.models import Pledge, PledgePartner
from tests.factories import EntityFactory, PledgeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLISHED = Pledge.State.PUBLISHED


def countries(*iso2: str) -> list[Country]:
    return list(Country.objects.filter(iso2__in=iso2))


def some_pledges() -> None:
    """24 published pledges (8 in Access, in LDCs), and one submitted pledge nobody may see."""
    kijiji = EntityFactory(name="Kijiji Telecom", slug="kijiji-telecom")
    ministry = EntityFactory(name="Ministry of ICT of the Republic of Rwanda", slug="rwanda-mict")
    for i in range(8):
        pledge = PledgeFactory(
            state=PUBLISHED,
            title=f"Connect {100 * (i + 1)} rural schools to broadband",
            lead_entity=kijiji,
            focus_areas=["access"],
            countries=countries("UG", "RW", "KE"),
            usd_estimate=Decimal(25_000_000 * (i + 1)),
            delivery_status=Pledge.DeliveryStatus.ON_TRACK,
        )
        PledgePartner.objects.create(pledge=pledge, entity=ministry)
    for i in range(16):
        PledgeFactory(
            state=PUBLISHED,
            title=f"Digital skills for {1000 * (i + 1)} women and girls",
            lead_entity=ministry,
            focus_areas=["adoption", "value-creation"],
            countries=countries("SN", "FJ"),
            amount=Decimal(1_000_000),
            currency="EUR",
            usd_estimate=Decimal(1_080_000),
            usd_source=Pledge.UsdSource.ECB,
        )
    PledgeFactory(state=Pledge.State.SUBMITTED, title="Not yet reviewed", focus_areas=["access"])


def count_shown(page: Any) -> str:
    return page.locator('[data-figure="count"] .figure-number').inner_text()


def grave_violations(page: Any) -> list[Any]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    grave = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not grave, results.generate_report()
    return grave


def test_filters_update_the_results_in_place_and_the_back_button_restores_them(page: Any, artifacts: Path) -> None:
    some_pledges()
    page.goto("/pledges/")
    assert count_shown(page) == "24"
    assert page.locator("#filter-panel").evaluate("el => el.open")  # opened on a wide screen
    page.evaluate("window.__stillTheSamePage = true")

    with page.expect_response(lambda r: "focus_area=access" in r.url and r.request.headers.get("x-p2c-fragment")):
        page.get_by_label("Access", exact=True).check()
    page.wait_for_function("document.querySelector('[data-figure=count] .figure-number').textContent === '8'")
    assert page.url.endswith("/pledges/?focus_area=access")
    assert page.evaluate("window.__stillTheSamePage") is True  # no page load
    assert page.locator("#results-status").inner_text() == "8 pledges match, estimated USD 900 million."
    assert page.get_by_text("Not yet reviewed").count() == 0
    assert " ".join(page.locator(".chip").text_content().split()) == "Focus area: Access× — remove this filter"
    # Focus stays where the visitor was.
    assert page.evaluate("document.activeElement.name") == "focus_area"

    page.get_by_label("Sort").select_option("title")
    page.wait_for_function("document.querySelector('.card-title').textContent.includes('Connect 100 rural')")
    assert page.url.endswith("/pledges/?focus_area=access&sort=title")

    page.go_back()
    page.wait_for_function("document.querySelector('.card-title').textContent.includes('Connect 800 rural')")
    assert page.url.endswith("/pledges/?focus_area=access")
    assert page.get_by_label("Sort").input_value() == "newest"
    page.go_back()
    page.wait_for_function("document.querySelector('[data-figure=count] .figure-number').textContent === '24'")
    assert page.url.endswith("/pledges/")
    assert not page.get_by_label("Access", exact=True).is_checked()
    assert page.evaluate("window.__stillTheSamePage") is True

    # A chip removes its filter in place, too, and moves focus to the results.
    page.goto("/pledges/?focus_area=access&country=SN")
    assert count_shown(page) == "0"
    assert page.get_by_text("No published pledges match all of these filters.").is_visible()
    page.evaluate("window.__stillTheSamePage = true")
    page.locator(".chip", has_text="Country: Senegal").click()
    page.wait_for_url("**/pledges/?focus_area=access")
    assert count_shown(page) == "8"
    assert page.get_by_label("Country").input_value() == ""
    assert page.evaluate("document.activeElement.id") == "results-heading"
    assert page.evaluate("window.__stillTheSamePage") is True

    # Pages of results, in place.
    page.goto("/pledges/")
    page.locator(".results-pages a[rel=next]").click()
    page.wait_for_url("**/pledges/?page=2")
    assert page.get_by_text("Showing 21–24 of 24").is_visible()


def test_without_javascript_the_form_submits_and_filters(browser: Any, live_server: Any) -> None:
    some_pledges()
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 360, "height": 800}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto("/pledges/")
        assert count_shown(page) == "24"
        page.locator("#filter-panel > summary").click()  # closed on a phone: open it
        page.get_by_label("Access", exact=True).check()
        page.get_by_label("Country", exact=True).select_option("KE")
        with page.expect_navigation():
            page.get_by_role("button", name="Show pledges").click()
        assert "focus_area=access" in page.url and "country=KE" in page.url
        assert count_shown(page) == "8"
        with page.expect_navigation():
            page.get_by_label("Search pledges").fill("800 schools")
            page.get_by_label("Search pledges").press("Enter")
        assert count_shown(page) == "1"
        assert "q=800+schools" in page.url
        with page.expect_navigation():
            page.locator(".chip", has_text="Country: Kenya").click()
        assert "country" not in page.url and count_shown(page) == "1"
    finally:
        context.close()


def test_the_explorer_is_accessible_and_fits_phones_and_desktops(page: Any, artifacts: Path) -> None:
    some_pledges()
    for width, height in ((1280, 900), (360, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/pledges/?focus_area=access&usd_min=abc")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        grave_violations(page)
        page.screenshot(path=str(artifacts / f"explorer-{width}.png"), full_page=True)
        page.goto("/pledges/?q=schools")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        grave_violations(page)
        page.screenshot(path=str(artifacts / f"explorer-search-{width}.png"), full_page=True)
    page.goto("/pledges/?country=SN&focus_area=access")
    grave_violations(page)
    page.screenshot(path=str(artifacts / "explorer-empty-360.png"), full_page=True)
