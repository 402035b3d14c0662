"""The pledge, entity and country pages in a real browser: accessible, keyboard-usable, phone and desktop."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from p2c.content.models import Event
from p2c.entities.models import EntityType
from p2c.geo.models import Country, Region
from p2c.pledges.models import SDG, Pillar, Pledge, PledgePartner, PledgeTarget, PledgeType, TargetGroup
from tests.factories import EntityFactory, PledgeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLISHED = Pledge.State.PUBLISHED
PAGES = {
    "pledge": "/pledges/P2C-2026-0042/",
    "entity": "/entities/kijiji-telecom/",
    "country": "/countries/KE/",
    "countries": "/countries/",
    "entities": "/entities/",
}


def countries(*iso2: str) -> list[Country]:
    return list(Country.objects.filter(iso2__in=iso2))


def a_small_world() -> None:
    """A rich pledge by Kijiji Telecom with partners and targets, and others around Kenya."""
    kijiji = EntityFactory(
        name="Kijiji Telecom",
        slug="kijiji-telecom",
        acronym="KTEL",
        home_country=Country.objects.get(iso2="KE"),
        website="https://kijiji.example",
        description="Kijiji Telecom is a **mobile operator** serving rural East Africa since 2004.",
        verified=True,
    )
    ministry = EntityFactory(
        name="Ministry of Information, Communications and Technology of the Republic of Kenya",
        slug="kenya-mict",
        entity_type=EntityType.objects.get(code="government"),
    )
    fund = EntityFactory(name="Connectivity Investment Fund", slug="connectivity-investment-fund")
    event = Event.objects.create(
        name="WTDC-22 Digital Development Roundtable", slug="wtdc-22", starts_on=dt.date(2022, 6, 9), location="Kigali"
    )
    pledge = PledgeFactory(
        state=PUBLISHED,
        reference="P2C-2026-0042",
        title="Connect 1,200 rural schools in East Africa to affordable broadband by 2028",
        summary="Fibre and satellite links, devices and teacher training for 1,200 rural schools.",
        description=(
            "## Why\n\nRural schools in the region are mostly offline.\n\n"
            "## What we will do\n\n- Build last-mile links to **1,200 schools**\n- Train 3,000 teachers\n"
            "- Publish progress every year\n\nRead [the project plan](https://kijiji.example/plan)."
        ),
        lead_entity=kijiji,
        focus_areas=["access", "adoption"],
        countries=countries("KE", "UG", "TZ", "RW", "BI", "SS", "ET"),
        pledged_on=dt.date(2026, 3, 16),
        start_date=dt.date(2026, 6, 1),
        end_date=dt.date(2028, 12, 31),
        amount=Decimal("230000000"),
        currency="EUR",
        usd_estimate=Decimal("250200000"),
        usd_rate=Decimal("1.0878260870"),
        usd_rate_date=dt.date(2026, 3, 13),
        usd_source=Pledge.UsdSource.ECB,
        seeking_partners=True,
        event=event,
    )
    pledge.pillars.set(Pillar.objects.filter(code__in=["infrastructure", "affordability", "digital-skills"]))
    pledge.pledge_types.set(PledgeType.objects.filter(code__in=["financial", "programmatic"]))
    pledge.sdgs.set(SDG.objects.filter(number__in=[4, 9, 10]))
    pledge.target_groups.set(TargetGroup.objects.filter(code__in=["schools-students", "rural-communities"]))
    PledgePartner.objects.create(pledge=pledge, entity=ministry, role=PledgePartner.Role.CO_PLEDGER)
    PledgePartner.objects.create(pledge=pledge, entity=fund, role=PledgePartner.Role.FUNDER)
    PledgeTarget.objects.create(
        pledge=pledge,
        indicator="Schools connected to broadband",
        unit="schools",
        baseline=0,
        target_value=1200,
        target_year=2028,
    )
    PledgeTarget.objects.create(
        pledge=pledge,
        indicator="Teachers trained in digital skills",
        unit="teachers",
        baseline=150,
        target_value=3000,
        target_year=2027,
    )
    for i, (title, areas, usd) in enumerate(
        [
            ("Affordable smartphones for first-time users in Kenya", ["access"], "12500000"),
            ("Digital skills for 50,000 women traders", ["adoption", "value-creation"], "4000000"),
            ("Spectrum roadmap and universal service reform", ["value-creation"], None),
        ]
    ):
        PledgeFactory(
            state=PUBLISHED,
            reference=f"P2C-2019-01{i:02d}",  # a year the factory's sequence never uses
            title=title,
            lead_entity=kijiji if i != 2 else ministry,
            focus_areas=areas,
            countries=countries("KE"),
            usd_estimate=Decimal(usd) if usd else None,
            amount=Decimal(usd) if usd else None,
        )
    backbone = PledgeFactory(
        state=PUBLISHED,
        title="Regional backbone for the Great Lakes",
        lead_entity=ministry,
        focus_areas=["access"],
        countries=countries("KE", "UG"),
        usd_estimate=Decimal("90000000"),
    )
    PledgePartner.objects.create(pledge=backbone, entity=kijiji, role=PledgePartner.Role.IMPLEMENTER)
    PledgeFactory(
        state=PUBLISHED,
        title="East African internet exchange points",
        scope=Pledge.Scope.REGIONS,
        regions=[Region.objects.get(kind=Region.Kind.M49_INTERMEDIATE, name="Eastern Africa")],
        usd_estimate=Decimal("20000000"),
    )
    PledgeFactory(
        state=PUBLISHED,
        title="Global fund for community networks",
        scope=Pledge.Scope.GLOBAL,
        lead_entity=fund,
        usd_estimate=Decimal("1000000000"),
    )
    PledgeFactory(state=Pledge.State.SUBMITTED, title="Not yet reviewed", lead_entity=kijiji, countries=countries("KE"))


def grave_violations(page: Any) -> list[dict[str, Any]]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_public_pages_are_accessible_usable_by_keyboard_and_fit_a_phone(page: Any, artifacts: Path) -> None:
    a_small_world()
    for name, url in PAGES.items():
        for width, height in ((1280, 900), (360, 800)):
            page.set_viewport_size({"width": width, "height": height})
            response = page.goto(url)
            assert response.status == 200, url
            assert "Not yet reviewed" not in page.content()
            assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{url} overflows at {width}px"
            grave = grave_violations(page)
            assert not grave, (url, width, [(v["id"], v["nodes"][0]["html"]) for v in grave])
            page.screenshot(path=str(artifacts / f"page-{name}-{width}.png"), full_page=True)


def test_the_keyboard_reaches_the_links_of_a_pledge_page(page: Any) -> None:
    a_small_world()
    page.goto(PAGES["pledge"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    reached: list[str] = []
    for _ in range(60):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.getAttribute('href')")
        if href:
            reached.append(href)
        if href and href.endswith(".json"):
            break
    assert "/entities/kijiji-telecom/" in reached
    assert "/entities/kenya-mict/" in reached
    assert "/pledges/?focus_area=access" in reached
    assert "/countries/KE/" in reached or "#where" in reached
    assert reached[-1] == "/pledges/P2C-2026-0042.json"
    # The focused link is visibly marked.
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_from_the_country_list_to_a_country_to_an_entity(page: Any) -> None:
    a_small_world()
    page.goto("/countries/?grouping=ldc")
    assert page.get_by_role("link", name="Kenya").count() == 0  # Kenya is not an LDC
    page.get_by_label("Grouping").select_option("")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name="Kenya", exact=True).click()
    assert page.url.endswith("/countries/KE/")
    assert page.get_by_role("heading", level=1).inner_text() == "Kenya"
    page.locator("#who-heading ~ .table-wrap").get_by_role("link", name="Kijiji Telecom").click()
    assert page.url.endswith("/entities/kijiji-telecom/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Kijiji Telecom")
