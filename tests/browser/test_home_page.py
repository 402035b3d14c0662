"""The home page in a real browser: counters, keyboard access, accessibility, phone and desktop."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from p2c.core.services import platform_demo_data_mark
from p2c.geo.models import Country
from p2c.pledges.models import Pledge, PledgePartner
from tests.factories import EntityFactory, PledgeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLISHED = Pledge.State.PUBLISHED


def countries(*iso2: str) -> list[Country]:
    return list(Country.objects.filter(iso2__in=iso2))


def some_published_pledges() -> None:
    """Five published pledges by four entities in six countries, worth USD 1,262,500,000; one draft."""
    kijiji = EntityFactory(name="Kijiji Telecom", slug="kijiji-telecom")
    ministry = EntityFactory(name="Ministry of ICT of the Republic of Rwanda", slug="rwanda-mict")
    skills = EntityFactory(name="Digital Skills Alliance", slug="digital-skills-alliance")
    fund = EntityFactory(name="Connectivity Investment Fund", slug="connectivity-investment-fund")
    first = PledgeFactory(
        state=PUBLISHED,
        reference="P2C-2026-0001",
        title="Connect 1,200 rural schools to broadband by 2028",
        lead_entity=kijiji,
        focus_areas=["access"],
        countries=countries("KE", "UG", "TZ", "RW", "BI"),
        usd_estimate=Decimal("250000000"),
        amount=Decimal("250000000"),
        delivery_status=Pledge.DeliveryStatus.ON_TRACK,
    )
    PledgePartner.objects.create(pledge=first, entity=ministry, role=PledgePartner.Role.CO_PLEDGER)
    PledgeFactory(
        state=PUBLISHED,
        reference="P2C-2026-0002",
        title="Train 50,000 women in basic and intermediate digital skills",
        lead_entity=skills,
        focus_areas=["adoption", "value-creation"],
        countries=countries("SN", "KE"),
        amount=Decimal("11500000"),
        currency="EUR",
        usd_estimate=Decimal("12500000"),
        usd_source=Pledge.UsdSource.ECB,
    )
    PledgeFactory(
        state=PUBLISHED,
        reference="P2C-2026-0003",
        title="Blended-finance facility for last-mile network operators",
        lead_entity=fund,
        focus_areas=["accelerate", "access"],
        scope=Pledge.Scope.GLOBAL,
        usd_estimate=Decimal("1000000000"),
        delivery_status=Pledge.DeliveryStatus.DELAYED,
    )
    PledgeFactory(
        state=PUBLISHED,
        reference="P2C-2026-0004",
        title="National broadband policy and spectrum roadmap",
        lead_entity=ministry,
        focus_areas=["value-creation"],
        countries=countries("RW"),
        usd_estimate=None,
        amount=None,
        currency="",
        usd_source="",
    )
    PledgeFactory(
        state=PUBLISHED,
        reference="P2C-2026-0005",
        title="Affordable smartphones for first-time users",
        lead_entity=kijiji,
        focus_areas=["access"],
        countries=countries("UG"),
        usd_estimate=Decimal("0"),
        amount=Decimal("0"),
    )
    PledgeFactory(state=Pledge.State.SUBMITTED, title="Not yet reviewed", countries=countries("BR"))


def test_home_page_counters_keyboard_accessibility_and_screenshots(page: Any, artifacts: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe

    some_published_pledges()
    platform_demo_data_mark(description="Fictional pledges for trying the platform out; they are not real.")
    page.goto("/")
    # The stylesheet loaded and applies (the numbers are big and bold).
    assert page.evaluate("getComputedStyle(document.querySelector('.figure-value')).fontWeight") == "700"

    figures = {name: page.locator(f'[data-figure="{name}"]') for name in ("pledges", "usd", "entities", "countries")}
    for locator in figures.values():
        assert locator.is_visible()
    assert {name: locator.inner_text() for name, locator in figures.items()} == {
        "pledges": "5",
        "usd": "USD 1.2 billion",
        "entities": "4",
        "countries": "6",
    }
    assert page.get_by_text("exactly USD 1,262,500,000").is_visible()
    assert page.get_by_text("Not yet reviewed").count() == 0

    # The skip link is the first thing the keyboard reaches, and it moves focus to the content.
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert skip.is_visible() and skip.inner_text() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")

    for width, height in ((1280, 900), (360, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/")
        # Nothing sticks out sideways on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        results = Axe().run(page)
        grave = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert not grave, results.generate_report()
        page.screenshot(path=str(artifacts / f"home-{width}.png"), full_page=True)


def test_empty_home_page_invites_the_first_pledge(page: Any, artifacts: Path) -> None:
    page.goto("/")
    assert page.locator('[data-figure="pledges"]').inner_text() == "0"
    assert page.get_by_text("No pledges have been published yet.").is_visible()
    page.set_viewport_size({"width": 360, "height": 800})
    page.screenshot(path=str(artifacts / "home-empty-360.png"), full_page=True)
