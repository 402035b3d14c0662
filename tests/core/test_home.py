"""The home page: headline counters over published pledges only, the latest pledges, the layout."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from p2c.core.services import platform_demo_data_clear, platform_demo_data_mark
from p2c.geo.models import Country, Region
from p2c.pledges.models import Pledge, PledgePartner
from tests.factories import EntityFactory, PledgeFactory

pytestmark = pytest.mark.django_db

PUBLISHED = Pledge.State.PUBLISHED
NOT_PUBLIC = [
    Pledge.State.DRAFT,
    Pledge.State.SUBMITTED,
    Pledge.State.CHANGES_REQUESTED,
    Pledge.State.REJECTED,
    Pledge.State.WITHDRAWN,
]


def countries(*iso2: str) -> list[Country]:
    return list(Country.objects.filter(iso2__in=iso2))


def figures_shown(client: Client) -> dict[str, str]:
    """The four headline counters as a visitor reads them."""
    response = client.get("/")
    assert response.status_code == 200
    found = re.findall(r'data-figure="(\w+)">(.*?)</span>\s*<span class="figure-label', response.content.decode(), re.S)
    return {name: re.sub(r"<[^>]+>", "", value).strip() for name, value in found}


def zero() -> dict[str, str]:
    return {"pledges": "0", "usd": "USD 0", "entities": "0", "countries": "0"}


def test_an_empty_platform_shows_zeros_and_says_how_to_pledge(client: Client) -> None:
    assert figures_shown(client) == zero()
    page = client.get("/").content.decode()
    assert "No pledges have been published yet." in page
    assert 'href="/my/pledges/new/"' in page
    assert '<meta name="description" content="Partner2Connect pledges to connect' in page


def test_pledges_that_are_not_published_are_never_counted_or_shown(client: Client) -> None:
    for state in NOT_PUBLIC:
        lead = EntityFactory()
        pledge = PledgeFactory(
            state=state, title=f"Hidden {state}", lead_entity=lead, countries=countries("KE"), usd_estimate=5_000_000
        )
        PledgePartner.objects.create(pledge=pledge, entity=EntityFactory(), role=PledgePartner.Role.CO_PLEDGER)
    assert figures_shown(client) == zero()
    assert "Hidden" not in client.get("/").content.decode()


def test_publishing_raises_the_counters_and_withdrawing_lowers_them_again(client: Client) -> None:
    pledge = PledgeFactory(state=Pledge.State.SUBMITTED, countries=countries("KE", "UG"), usd_estimate=2_500_000)
    assert figures_shown(client) == zero()

    pledge.state, pledge.published_at = PUBLISHED, timezone.now()
    pledge.save()
    assert figures_shown(client) == {
        "pledges": "1",
        "usd": "USD 2.5 million",
        "entities": "1",
        "countries": "2",
    }
    page = client.get("/").content.decode()
    assert pledge.title in page
    assert 'content="1 published pledge worth an estimated USD 2.5 million' in page

    pledge.state = Pledge.State.WITHDRAWN
    pledge.save()
    assert figures_shown(client) == zero()
    assert pledge.title not in client.get("/").content.decode()


def test_usd_is_the_sum_of_published_estimates_shown_short_and_exact(client: Client) -> None:
    PledgeFactory(state=PUBLISHED, usd_estimate=Decimal("40000000000.40"))
    PledgeFactory(state=PUBLISHED, usd_estimate=Decimal("42412345678.30"))
    PledgeFactory(state=PUBLISHED, usd_estimate=None, amount=None, currency="", usd_source="")
    PledgeFactory(state=Pledge.State.DRAFT, usd_estimate=Decimal("9000000000"))
    assert figures_shown(client)["usd"] == "USD 82.4 billion"
    assert "USD 82,412,345,679" in client.get("/").content.decode()


def test_an_entity_with_several_pledges_counts_once_and_only_pledgers_count(client: Client) -> None:
    kijiji, partner, implementer = EntityFactory(), EntityFactory(), EntityFactory()
    first = PledgeFactory(state=PUBLISHED, lead_entity=kijiji)
    PledgeFactory(state=PUBLISHED, lead_entity=kijiji)
    second_lead = PledgeFactory(state=PUBLISHED, lead_entity=partner)
    PledgePartner.objects.create(pledge=first, entity=partner, role=PledgePartner.Role.CO_PLEDGER)
    PledgePartner.objects.create(pledge=second_lead, entity=kijiji, role=PledgePartner.Role.CO_PLEDGER)
    PledgePartner.objects.create(pledge=first, entity=implementer, role=PledgePartner.Role.IMPLEMENTER)
    shown = figures_shown(client)
    assert (shown["pledges"], shown["entities"]) == ("3", "2")


def test_beneficiary_countries_are_counted_once_each(client: Client) -> None:
    PledgeFactory(state=PUBLISHED, countries=countries("KE", "UG"))
    PledgeFactory(state=PUBLISHED, countries=countries("KE", "TZ"))
    PledgeFactory(state=PUBLISHED, scope=Pledge.Scope.GLOBAL)
    PledgeFactory(state=Pledge.State.DRAFT, countries=countries("BR"))
    shown = figures_shown(client)
    assert (shown["pledges"], shown["countries"]) == ("3", "3")


def test_counters_say_what_they_count_and_link_to_their_lists(client: Client) -> None:
    PledgeFactory(state=PUBLISHED, countries=countries("KE"))
    page = client.get("/").content.decode()
    assert "published pledge<" in page  # singular for one
    assert "estimated value of published pledges" in page
    for href in ("/pledges/", "/entities/", "/countries/"):
        assert f'<a class="figure" href="{href}">' in page


def test_a_card_shows_the_pledge_as_everywhere_else(client: Client) -> None:
    lead = EntityFactory(name="Kijiji Telecom", slug="kijiji-telecom")
    PledgeFactory(
        state=PUBLISHED,
        reference="P2C-2026-0042",
        title="Connect 200 rural schools",
        lead_entity=lead,
        focus_areas=["access", "adoption"],
        countries=countries("KE", "UG", "TZ", "RW", "BI"),
        amount=Decimal("5000000"),
        currency="EUR",
        usd_estimate=Decimal("5400000"),
        usd_source=Pledge.UsdSource.ECB,
        delivery_status=Pledge.DeliveryStatus.ON_TRACK,
    )
    page = client.get("/").content.decode()
    assert 'href="/pledges/P2C-2026-0042/">Connect 200 rural schools</a>' in page
    assert 'by <a href="/entities/kijiji-telecom/">Kijiji Telecom</a>' in page
    assert '<li class="badge fa-access">Access</li>' in page
    assert '<li class="badge fa-adoption">Adoption</li>' in page
    assert "Burundi, Kenya, Rwanda and 2 more" in page
    assert "≈ USD 5.4 million" in page
    assert "(EUR 5,000,000)" in page
    assert "On track" in page


def test_a_global_pledge_says_global_and_a_regional_one_names_its_regions(client: Client) -> None:
    PledgeFactory(state=PUBLISHED, title="Everywhere", scope=Pledge.Scope.GLOBAL, delivery_status="")
    region = Region.objects.filter(kind=Region.Kind.ITU_REGION).order_by("name").first()
    assert region is not None
    PledgeFactory(state=PUBLISHED, title="Regional", scope=Pledge.Scope.REGIONS, regions=[region])
    page = client.get("/").content.decode()
    assert "<dd>Global</dd>" in page
    assert f"<dd>{region.name}</dd>" in page
    assert "No progress report yet" in page


def _queries_for_home(client: Client) -> int:
    cache.clear()  # the demo banner's marker is cached: measure every request cold
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def _rich_published_pledge() -> Pledge:
    pledge = PledgeFactory(
        state=PUBLISHED, focus_areas=["access", "value-creation"], countries=countries("KE", "UG", "SN", "FJ")
    )
    PledgePartner.objects.create(pledge=pledge, entity=EntityFactory())
    return pledge


def test_the_home_page_makes_the_same_few_queries_however_many_pledges(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    regions = list(Region.objects.all()[:2])
    _rich_published_pledge()
    PledgeFactory(state=PUBLISHED, scope=Pledge.Scope.REGIONS, regions=regions)
    one = _queries_for_home(client)
    for _ in range(4):
        _rich_published_pledge()
        PledgeFactory(state=PUBLISHED, scope=Pledge.Scope.REGIONS, regions=regions)
    assert _queries_for_home(client) == one
    with django_assert_max_num_queries(10):
        client.get("/")


def test_the_demo_banner_shows_while_demo_data_is_loaded(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    assert 'class="demo-banner"' not in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        platform_demo_data_mark(description="40 fictional pledges by fictional organisations.")
    for path in ("/", "/no-such-page/"):
        page = client.get(path).content.decode()
        assert 'class="demo-banner"' in page
        assert "40 fictional pledges by fictional organisations." in page
    with django_capture_on_commit_callbacks(execute=True):
        platform_demo_data_clear()
    assert 'class="demo-banner"' not in client.get("/").content.decode()


def test_the_layout_has_a_skip_link_navigation_and_footer(client: Client) -> None:
    page = client.get("/").content.decode()
    assert re.search(r'<html lang="en" dir="ltr">', page)
    body = page.split("<body>", 1)[1].lstrip()
    assert body.startswith('<a class="skip-link" href="#main">')
    assert '<main id="main"' in page
    for href in ("/pledges/", "/dashboard/", "/countries/", "/entities/", "/about/", "/my/pledges/new/"):
        assert f'href="{href}"' in page
    assert '<a href="/" aria-current="page">Home</a>' in page
    assert "Pledge data: <a" in page and "CC BY 4.0" in page
    assert "Figures count published pledges only" in page
    assert "<script" not in page


def test_the_page_is_arabic_right_to_left_when_asked(client: Client) -> None:
    response = client.get("/", headers={"accept-language": "ar"}, follow=True)
    assert response.redirect_chain == [("/ar/", 302)]
    assert '<html lang="ar" dir="rtl">' in response.content.decode()


def test_an_unknown_address_gets_a_helpful_404_in_the_layout(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert 'class="site-header"' in page and 'href="/pledges/"' in page


def test_the_500_page_renders_without_database_or_context_processors(
    settings: Any, django_assert_num_queries: Any
) -> None:
    from django.views.defaults import server_error

    settings.P2C_SITE_NAME = "P2C Test"
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in page
    assert "<title>Something went wrong · P2C Test</title>" in page
    assert 'href="/pledges/"' in page


def test_the_home_page_with_its_stylesheet_stays_light(client: Client) -> None:
    """Far under the 100 KB compressed page-weight budget, with six cards and no JavaScript."""
    import gzip
    from pathlib import Path

    import p2c

    for _ in range(6):
        _rich_published_pledge()
    static = Path(p2c.__file__).parent / "static"
    html = client.get("/").content
    css = (static / "css" / "p2c.css").read_bytes()
    icon = (static / "favicon.svg").read_bytes()
    assert len(gzip.compress(css, 6)) < 10_000, "the shared stylesheet is meant to stay small and hand-written"
    compressed = sum(len(gzip.compress(part)) for part in (html, css, icon))
    assert compressed < 25_000, f"home page weighs {compressed} bytes compressed"
