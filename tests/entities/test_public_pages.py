"""The public entity list and entity pages: published pledges only, figures that say what they count."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from p2c.entities.models import Entity, EntityType
from p2c.geo.models import Country
from p2c.pledges.models import Pledge, PledgePartner
from tests.factories import EntityFactory, PledgeFactory

pytestmark = pytest.mark.django_db

PUBLISHED = Pledge.State.PUBLISHED
NOT_PUBLIC = [state for state in Pledge.State if state != PUBLISHED]


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def row_of(html: str, name: str) -> str:
    """The table row of the entity called ``name``."""
    match = re.search(rf"<tr>\s*<th scope=\"row\"><a href=\"[^\"]+\">{re.escape(name)}</a>.*?</tr>", html, re.S)
    assert match, f"no row for {name}"
    return match.group(0)


@pytest.fixture
def kijiji() -> Entity:
    """Kijiji Telecom leads two published pledges, co-pledges a third, funds a fourth; and has a draft."""
    kijiji = EntityFactory(
        name="Kijiji Telecom",
        slug="kijiji-telecom",
        acronym="KTEL",
        home_country=Country.objects.get(iso2="KE"),
        website="https://kijiji.example",
        description="A **mobile operator** in East Africa. <script>alert(1)</script>",
        verified=True,
    )
    ministry = EntityFactory(
        name="Ministry of ICT", slug="ministry-of-ict", entity_type=EntityType.objects.get(code="government")
    )
    PledgeFactory(
        state=PUBLISHED, title="Rural towers", lead_entity=kijiji, focus_areas=["access"], usd_estimate=3_000_000
    )
    PledgeFactory(
        state=PUBLISHED,
        title="Skills for sellers",
        lead_entity=kijiji,
        focus_areas=["access", "adoption"],
        usd_estimate=1_000_000,
    )
    co = PledgeFactory(
        state=PUBLISHED, title="National backbone", lead_entity=ministry, focus_areas=["access"], usd_estimate=500_000
    )
    PledgePartner.objects.create(pledge=co, entity=kijiji, role=PledgePartner.Role.CO_PLEDGER)
    funded = PledgeFactory(state=PUBLISHED, title="School labs", lead_entity=ministry, usd_estimate=None, amount=None)
    PledgePartner.objects.create(pledge=funded, entity=kijiji, role=PledgePartner.Role.FUNDER)
    PledgeFactory(state=Pledge.State.DRAFT, title="Secret satellite", lead_entity=kijiji, usd_estimate=9_000_000)
    return kijiji


# --- The list ------------------------------------------------------------------------------------


def test_the_list_shows_type_home_country_pledges_and_value(client: Client, kijiji: Entity) -> None:
    html = page(client, "/entities/")
    row = row_of(html, "Kijiji Telecom")
    assert "(KTEL)" in row
    assert "Private sector · Kenya" in row
    # Lead of two, partner in two: four published pledges; USD 3m + 1m + 0.5m (the draft never counts).
    assert '<a href="/pledges/?entity=kijiji-telecom">4</a>' in row
    assert 'title="USD 4,500,000">USD 4.5 million</a>' in row
    ministry = row_of(html, "Ministry of ICT")
    assert '<a href="/pledges/?entity=ministry-of-ict">2</a>' in ministry
    assert "2 entities" in html
    assert "it is not split between partners" in html


def test_entities_without_a_published_pledge_are_not_listed_and_have_no_page(client: Client) -> None:
    for state in NOT_PUBLIC:
        lead = EntityFactory(name=f"Hidden lead {state}")
        pledge = PledgeFactory(state=state, lead_entity=lead, published_at=None)
        PledgePartner.objects.create(pledge=pledge, entity=EntityFactory(name=f"Hidden partner {state}"))
    EntityFactory(name="Nobody yet", slug="nobody-yet")
    html = page(client, "/entities/")
    assert "Hidden" not in html and "Nobody yet" not in html
    assert "No entities match." in html
    assert client.get("/entities/nobody-yet/").status_code == 404
    for entity in Entity.objects.filter(name__startswith="Hidden"):
        assert client.get(f"/entities/{entity.slug}/").status_code == 404


def test_a_partner_in_a_published_pledge_is_public(client: Client) -> None:
    pledge = PledgeFactory(state=PUBLISHED)
    PledgePartner.objects.create(
        pledge=pledge, entity=EntityFactory(name="Quiet Implementer", slug="quiet"), role=PledgePartner.Role.IMPLEMENTER
    )
    assert "Quiet Implementer" in page(client, "/entities/")
    assert client.get("/entities/quiet/").status_code == 200


def test_search_by_name_or_acronym_and_filter_by_type(client: Client, kijiji: Entity) -> None:
    assert "Kijiji Telecom" in page(client, "/entities/?q=ktel")
    assert "Kijiji Telecom" in page(client, "/entities/?q=kijiji")
    html = page(client, "/entities/?q=ministry")
    assert "Ministry of ICT" in html and "Kijiji Telecom" not in html
    html = page(client, "/entities/?entity_type=government")
    assert "Ministry of ICT" in html and "Kijiji Telecom" not in html
    assert '<option value="government" selected>' in html
    html = page(client, "/entities/?q=%3Cb%3Enothing")
    assert "No entities match." in html
    assert "&lt;b&gt;nothing" in html and "<b>nothing" not in html


def test_the_list_is_paginated_keeping_its_filters(client: Client) -> None:
    for i in range(55):
        PledgeFactory(state=PUBLISHED, lead_entity=EntityFactory(name=f"Org {i:02d}", slug=f"org-{i:02d}"))
    first = page(client, "/entities/?q=org")
    assert "55 entities" in first
    assert "Org 00" in first and "Org 49" in first and "Org 50" not in first
    assert 'href="?q=org&amp;page=2" rel="next"' in first
    second = page(client, "/entities/?q=org&page=2")
    assert "Org 50" in second and "Org 54" in second and "Org 49" not in second
    assert "Page 2 of 2" in second
    assert client.get("/entities/?page=999").status_code == 200  # the last page, not an error


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_makes_the_same_few_queries_for_3_or_30_entities(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    def entities(count: int) -> None:
        for _ in range(count):
            entity = EntityFactory(home_country=Country.objects.get(iso2="SN"))
            pledge = PledgeFactory(state=PUBLISHED, lead_entity=entity)
            PledgePartner.objects.create(pledge=pledge, entity=EntityFactory())

    entities(3)
    few = _queries(client, "/entities/")
    entities(27)
    assert _queries(client, "/entities/") == few
    with django_assert_max_num_queries(8):
        client.get("/entities/")


# --- One entity ----------------------------------------------------------------------------------


def test_the_profile_says_who_the_entity_is(client: Client, kijiji: Entity) -> None:
    html = page(client, "/entities/kijiji-telecom/")
    assert "<title>Kijiji Telecom · Partner2Connect</title>" in html
    assert '<h1>Kijiji Telecom <span class="muted">(KTEL)</span></h1>' in html
    assert "Private sector" in html
    assert '<a href="/countries/KE/">Kenya</a>' in html
    assert "verified by the secretariat" in html
    assert '<a href="https://kijiji.example" rel="nofollow noopener">Website</a>' in html
    assert "<strong>mobile operator</strong>" in html
    assert "<script>alert(1)</script>" not in html


def test_its_figures_count_each_published_pledge_once_and_link_to_the_explorer(client: Client, kijiji: Entity) -> None:
    html = page(client, "/entities/kijiji-telecom/")
    figures = html.split('<ul class="figures figures-3">', 1)[1].split("</ul>", 1)[0]
    assert '<a class="figure" href="/pledges/?entity=kijiji-telecom">' in figures
    assert re.search(r'figure-number">4<', figures)
    assert "USD <span" in figures and ">4.5<" in figures
    assert re.search(r'figure-number">2</span></span><span class="figure-label">pledges it leads', figures)
    assert "and partner in 2 more" in figures
    assert "Secret satellite" not in html


def test_pledges_it_leads_and_those_it_partners_are_shown_apart(client: Client, kijiji: Entity) -> None:
    html = page(client, "/entities/kijiji-telecom/")
    led = html.split('id="led-heading"', 1)[1].split("</section>", 1)[0]
    partnered = html.split('id="partner-heading"', 1)[1].split("</section>", 1)[0]
    assert "Leads 2 published pledges" in led
    assert "Rural towers" in led and "Skills for sellers" in led and "National backbone" not in led
    assert "Partner in 2 published pledges" in partnered
    assert "National backbone" in partnered and "School labs" in partnered and "Rural towers" not in partnered
    assert "Role: Co-pledger" in partnered and "Role: Funder" in partnered


def test_totals_by_focus_area_explain_why_rows_add_up_to_more(client: Client, kijiji: Entity) -> None:
    html = page(client, "/entities/kijiji-telecom/")
    table = html.split('<table class="breakdown">', 1)[1].split("</table>", 1)[0]
    access = re.search(r"fa-access\">Access</span></th>(.*?)</tr>", table, re.S)
    assert access
    assert '<a href="/pledges/?entity=kijiji-telecom&amp;focus_area=access">3</a>' in access.group(1)
    assert "USD 4.5 million" in access.group(1)
    adoption = re.search(r"fa-adoption\">Adoption</span></th>(.*?)</tr>", table, re.S)
    assert adoption and ">1</a>" in adoption.group(1)
    accelerate = re.search(r"fa-accelerate\">Accelerate</span></th>(.*?)</tr>", table, re.S)
    assert accelerate and '<td class="num">0</td>' in accelerate.group(1)
    total = table.split("<tfoot>", 1)[1]
    assert "All, each pledge once" in total
    assert '<a href="/pledges/?entity=kijiji-telecom">4</a>' in total
    assert "counts once in each of its rows" in html


def test_an_entity_with_many_pledges_shows_the_latest_and_links_to_all(client: Client) -> None:
    big = EntityFactory(name="Big Fund", slug="big-fund")
    for _ in range(8):
        PledgeFactory(state=PUBLISHED, lead_entity=big)
    html = page(client, "/entities/big-fund/")
    led = html.split('id="led-heading"', 1)[1].split("</section>", 1)[0]
    assert led.count('class="card pledge-card"') == 6
    assert "The 6 most recently published." in led
    assert '<a href="/pledges/?entity=big-fund">All 8 pledges of Big Fund in the explorer</a>' in led


def test_an_entity_page_makes_the_same_few_queries_for_3_or_30_pledges(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    def pledges(entity: Entity, count: int) -> None:
        for i in range(count):
            pledge = PledgeFactory(
                state=PUBLISHED,
                lead_entity=entity if i % 2 else EntityFactory(),
                focus_areas=["access", "adoption"],
                countries=list(Country.objects.filter(iso2__in=["KE", "UG"])),
                usd_estimate=Decimal(i * 1000),
            )
            if not i % 2:
                PledgePartner.objects.create(pledge=pledge, entity=entity, role=PledgePartner.Role.IMPLEMENTER)

    small, large = EntityFactory(slug="small"), EntityFactory(slug="large")
    pledges(small, 3)
    pledges(large, 30)
    few = _queries(client, "/entities/small/")
    assert _queries(client, "/entities/large/") == few
    with django_assert_max_num_queries(16):
        client.get("/entities/large/")
