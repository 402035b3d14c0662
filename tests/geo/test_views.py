"""The country list and country pages: who pledges to help a country, in what and how much."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from p2c.entities.models import Entity
from p2c.geo.models import Country, Region
from p2c.pledges.models import Pledge, PledgePartner, PledgeType
from tests.factories import EntityFactory, PledgeFactory

pytestmark = pytest.mark.django_db

PUBLISHED = Pledge.State.PUBLISHED
NOT_PUBLIC = [state for state in Pledge.State if state != PUBLISHED]


def countries(*iso2: str) -> list[Country]:
    return list(Country.objects.filter(iso2__in=iso2))


def region(kind: str, name: str) -> Region:
    return Region.objects.get(kind=kind, name=name)


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    return html.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def typed(pledge: Pledge, *codes: str) -> Pledge:
    pledge.pledge_types.set(PledgeType.objects.filter(code__in=codes))
    return pledge


@pytest.fixture
def kenya() -> dict[str, Entity]:
    """Pledges naming Kenya, pledges reaching it through its regions, global ones, and hidden ones."""
    kijiji = EntityFactory(name="Kijiji Telecom", slug="kijiji-telecom")
    ministry = EntityFactory(name="Ministry of ICT", slug="ministry-of-ict")
    typed(
        PledgeFactory(
            state=PUBLISHED,
            title="Rural towers",
            lead_entity=kijiji,
            focus_areas=["access"],
            countries=countries("KE", "UG"),
            usd_estimate=Decimal("3000000"),
        ),
        "financial",
    )
    typed(
        PledgeFactory(
            state=PUBLISHED,
            title="Skills for sellers",
            lead_entity=kijiji,
            focus_areas=["access", "adoption"],
            countries=countries("KE"),
            usd_estimate=Decimal("1000000"),
        ),
        "programmatic",
        "financial",
    )
    typed(
        PledgeFactory(
            state=PUBLISHED,
            title="Spectrum policy",
            lead_entity=ministry,
            focus_areas=["value-creation"],
            countries=countries("KE"),
            usd_estimate=None,
            amount=None,
        ),
        "policy",
    )
    PledgeFactory(state=PUBLISHED, title="Only Uganda", countries=countries("UG"), usd_estimate=Decimal("7000"))
    eastern = region(Region.Kind.M49_INTERMEDIATE, "Eastern Africa")
    africa = region(Region.Kind.M49_REGION, "Africa")
    itu_africa = Region.objects.get(kind=Region.Kind.ITU_REGION, code="africa")
    PledgeFactory(
        state=PUBLISHED,
        title="East African exchange points",
        scope=Pledge.Scope.REGIONS,
        regions=[eastern, africa],
        usd_estimate=Decimal("20000000"),
    )
    PledgeFactory(
        state=PUBLISHED,
        title="ITU Africa skills",
        scope=Pledge.Scope.REGIONS,
        regions=[itu_africa],
        usd_estimate=Decimal("5000000"),
    )
    PledgeFactory(
        state=PUBLISHED,
        title="Andean fibre",
        scope=Pledge.Scope.REGIONS,
        regions=[region(Region.Kind.M49_INTERMEDIATE, "South America")],
    )
    PledgeFactory(state=PUBLISHED, title="Everywhere fund", scope=Pledge.Scope.GLOBAL, usd_estimate=Decimal("1e9"))
    for state in NOT_PUBLIC:
        PledgeFactory(
            state=state,
            title=f"Hidden {state}",
            lead_entity=EntityFactory(name=f"Hidden lead {state}"),
            countries=countries("KE"),
            focus_areas=["access"],
            usd_estimate=Decimal("999000000"),
            published_at=None,
        )
        PledgeFactory(state=state, scope=Pledge.Scope.GLOBAL, published_at=None)
        PledgeFactory(state=state, scope=Pledge.Scope.REGIONS, regions=[eastern], published_at=None)
    return {"kijiji": kijiji, "ministry": ministry}


# --- The list ------------------------------------------------------------------------------------


def test_the_list_shows_every_country_by_region_with_groupings_and_pledges(client: Client, kenya: Any) -> None:
    html = page(client, "/countries/")
    assert f"{Country.objects.count()} countries and territories" in html
    for name in ("Africa", "Americas", "Asia", "Europe", "Oceania"):
        assert re.search(rf'<h2 id="region-\d+">{name}</h2>', html)
    kenya_row = re.search(r'<a href="/countries/KE/">Kenya</a>.*?</tr>', html, re.S)
    assert kenya_row
    assert "Eastern Africa" in kenya_row.group(0)
    assert "ITU Africa" in kenya_row.group(0)
    assert '<a href="/pledges/?country=KE">3</a>' in kenya_row.group(0)
    assert '<a href="/pledges/?country=UG">2</a>' in html
    ethiopia = re.search(r'<a href="/countries/ET/">Ethiopia</a>.*?</tr>', html, re.S)
    assert ethiopia and 'title="Least Developed Country">LDC</abbr>' in ethiopia.group(0)
    assert 'title="Landlocked Developing Country">LLDC</abbr>' in ethiopia.group(0)
    assert '<td class="num">0</td>' in ethiopia.group(0)
    fiji = re.search(r'<a href="/countries/FJ/">Fiji</a>.*?</tr>', html, re.S)
    assert fiji and ">SIDS</abbr>" in fiji.group(0)
    assert "Upper-middle income" in fiji.group(0)


@pytest.mark.parametrize(("grouping", "flag"), [("ldc", "is_ldc"), ("lldc", "is_lldc"), ("sids", "is_sids")])
def test_the_list_filters_by_grouping(client: Client, grouping: str, flag: str) -> None:
    html = page(client, f"/countries/?grouping={grouping}")
    members = Country.objects.filter(**{flag: True})
    assert f"{members.count()} countries and territories" in html
    for country in members[:5]:
        assert f'href="/countries/{country.iso2}/"' in html
    outsider = Country.objects.filter(**{flag: False}).first()
    assert outsider and f'href="/countries/{outsider.iso2}/"' not in html
    assert f'<option value="{grouping}" selected>' in html


def test_the_list_filters_by_region_and_ignores_nonsense(client: Client) -> None:
    html = page(client, "/countries/?m49_region=009")
    assert '<a href="/countries/FJ/">Fiji</a>' in html and 'href="/countries/KE/"' not in html
    html = page(client, "/countries/?itu_region=arab-states")
    assert 'href="/countries/EG/"' in html and 'href="/countries/FJ/"' not in html
    html = page(client, "/countries/?grouping=<script>")
    assert "<script>" not in html and 'href="/countries/KE/"' in html
    html = page(client, "/countries/?m49_region=nowhere")
    assert "No country matches these filters." in html


def test_the_list_makes_the_same_few_queries_for_3_or_30_pledges(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    def pledges(count: int) -> None:
        for _ in range(count):
            PledgeFactory(state=PUBLISHED, countries=countries("KE", "FJ", "BR"))

    pledges(3)
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        page(client, "/countries/")
    pledges(27)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = page(client, "/countries/")
    assert '<a href="/pledges/?country=KE">30</a>' in html


# --- One country ---------------------------------------------------------------------------------


def test_the_address_is_case_insensitive_and_unknown_countries_are_not_found(client: Client) -> None:
    response = client.get("/countries/ke/")
    assert response.status_code == 301 and response["Location"] == "/countries/KE/"
    assert client.get("/countries/Ke/").status_code == 301
    assert client.get("/countries/KE/").status_code == 200
    assert client.get("/countries/XX/").status_code == 404
    assert client.get("/countries/KEN/").status_code == 404
    assert client.get("/countries/xx/", follow=True).status_code == 404


def test_the_page_names_the_country_and_its_groupings(client: Client) -> None:
    html = page(client, "/countries/ET/")
    assert "<h1>Ethiopia</h1>" in html
    assert "<title>Pledges for Ethiopia · Partner2Connect</title>" in html
    assert ">LDC</abbr>" in html and ">LLDC</abbr>" in html
    assert "Africa › Sub-Saharan Africa › Eastern Africa" in html
    assert "<dt>ITU region</dt><dd>Africa</dd>" in html
    assert "Low income" in html and "World Bank" in html
    assert '<link rel="canonical" href="http://testserver/countries/ET/">' in html


def test_figures_count_pledges_naming_the_country_and_link_to_the_explorer(client: Client, kenya: Any) -> None:
    html = page(client, "/countries/KE/")
    figures = html.split('<ul class="figures figures-3">', 1)[1].split("</ul>", 1)[0]
    assert '<a class="figure" href="/pledges/?country=KE">' in figures
    assert re.search(r'figure-number">3</span></span><span class="figure-label">published pledges name Kenya', figures)
    assert ">4<" in figures and "exactly USD 4,000,000" in figures
    # Two regional pledges (Eastern Africa + Africa, ITU Africa) and one global one reach it otherwise.
    assert re.search(r'figure-number">3</span></span><span class="figure-label">more reach it', figures)
    assert "Hidden" not in html
    assert "Only Uganda" not in html and "Andean fibre" not in html


def test_cards_show_pledges_naming_the_country_latest_first(client: Client, kenya: Any) -> None:
    named = section(html := page(client, "/countries/KE/"), "named-heading")
    for title in ("Rural towers", "Skills for sellers", "Spectrum policy"):
        assert title in named
    assert "East African exchange points" not in named and "Everywhere fund" not in named
    assert named.index("Spectrum policy") < named.index("Rural towers")  # created last, published last
    assert "Hidden" not in html


def test_many_pledges_show_the_latest_six_and_link_to_all(client: Client) -> None:
    for _ in range(9):
        PledgeFactory(state=PUBLISHED, countries=countries("NP"))
    named = section(page(client, "/countries/NP/"), "named-heading")
    assert named.count('class="card pledge-card"') == 6
    assert '<a href="/pledges/?country=NP">All 9 pledges naming Nepal in the explorer</a>' in named


def test_totals_by_focus_area_and_type_state_their_attribution_rule(client: Client, kenya: Any) -> None:
    html = page(client, "/countries/KE/")
    totals = section(html, "totals-heading")
    areas, kinds = totals.split('<table class="breakdown">')[1:3]
    access = re.search(r"fa-access\">Access</span></th>(.*?)</tr>", areas, re.S)
    assert access and '<a href="/pledges/?country=KE&amp;focus_area=access">2</a>' in access.group(1)
    assert 'title="USD 4,000,000">USD 4 million</a>' in access.group(1)
    value = re.search(r"fa-value-creation\">Value creation</span></th>(.*?)</tr>", areas, re.S)
    assert value and ">1</a>" in value.group(1)
    assert '<a href="/pledges/?country=KE">3</a>' in areas.split("<tfoot>")[1]
    financial = re.search(r"<th scope=\"row\">Financial</th>(.*?)</tr>", kinds, re.S)
    assert financial and '<a href="/pledges/?country=KE&amp;type=financial">2</a>' in financial.group(1)
    policy = re.search(r"<th scope=\"row\">Policy</th>(.*?)</tr>", kinds, re.S)
    assert policy and ">1</a>" in policy.group(1)
    advocacy = re.search(r"<th scope=\"row\">Advocacy</th>(.*?)</tr>", kinds, re.S)
    assert advocacy and '<td class="num">0</td>' in advocacy.group(1)
    assert "counts once in each of its rows" in totals
    assert "counts in full for each of them" in totals


def test_who_pledges_ranks_lead_entities_by_pledges_naming_the_country(client: Client, kenya: Any) -> None:
    who = section(page(client, "/countries/KE/"), "who-heading")
    rows = re.findall(r'<a href="/entities/([\w-]+)/">', who)
    assert rows == ["kijiji-telecom", "ministry-of-ict"]
    assert '<a href="/pledges/?country=KE&amp;entity=kijiji-telecom">2</a>' in who
    assert "Hidden" not in who


def test_regional_and_worldwide_pledges_are_counted_apart(client: Client, kenya: Any) -> None:
    beyond = section(page(client, "/countries/KE/"), "beyond-heading")
    row = (
        r'<th scope="row"><a href="([^"]+)">([^<]+)</a> <span class="sub">([^<]*)</span></th><td class="num">(\d+)</td>'
    )
    rows = re.findall(row, beyond)
    assert rows == [
        ("/pledges/?m49_region=002", "Africa", "UN M49 region", "1"),
        ("/pledges/?m49_region=202", "Sub-Saharan Africa", "UN M49 sub-region", "0"),
        ("/pledges/?m49_region=014", "Eastern Africa", "UN M49 intermediate region", "1"),
        ("/pledges/?itu_region=africa", "Africa", "ITU region", "1"),
    ]
    # The pledge naming Eastern Africa and Africa counts once in the subtotal.
    assert re.search(r"Any of these regions, each pledge once</th><td class=\"num\">2</td>", beyond)
    assert "USD 25 million" in beyond
    worldwide = r"Worldwide \(global pledges\)</th><td class=\"num\">1</td><td class=\"num\">USD 1 billion"
    assert re.search(worldwide, beyond)
    assert "do not name Kenya itself" in beyond


def test_a_country_nobody_names_says_so_and_points_to_regional_pledges(client: Client, kenya: Any) -> None:
    html = page(client, "/countries/TZ/")
    assert "No published pledge names Tanzania" in html or "No published pledge names" in html
    assert 'href="#beyond"' in html
    assert 'id="totals-heading"' not in html


def test_the_page_makes_the_same_few_queries_for_3_or_30_pledges(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    eastern = region(Region.Kind.M49_INTERMEDIATE, "Eastern Africa")

    def pledges(count: int) -> None:
        for i in range(count):
            pledge = PledgeFactory(
                state=PUBLISHED, countries=countries("KE", "UG"), focus_areas=["access", "accelerate"]
            )
            typed(pledge, "financial")
            PledgePartner.objects.create(pledge=pledge, entity=EntityFactory())
            PledgeFactory(state=PUBLISHED, scope=Pledge.Scope.REGIONS, regions=[eastern])
            if i % 3 == 0:
                PledgeFactory(state=PUBLISHED, scope=Pledge.Scope.GLOBAL)

    pledges(3)
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        page(client, "/countries/KE/")
    pledges(27)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = page(client, "/countries/KE/")
    assert re.search(r'figure-number">30</span></span><span class="figure-label">published pledges name Kenya', html)
    with django_assert_max_num_queries(16):
        client.get("/countries/KE/")
