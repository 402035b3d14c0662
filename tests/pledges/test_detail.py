"""The public page of one pledge and its JSON document: everything promised, nothing unpublished."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from p2c.content.models import Event
from p2c.entities.models import EntityType
from p2c.geo.models import Country, Region
from p2c.pledges.models import SDG, Pillar, Pledge, PledgePartner, PledgeTarget, PledgeType, TargetGroup
from p2c.pledges.selectors import published_pledge
from tests.factories import EntityFactory, PledgeFactory

pytestmark = pytest.mark.django_db

PUBLISHED = Pledge.State.PUBLISHED
NOT_PUBLIC = [state for state in Pledge.State if state != PUBLISHED]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "pledge-json.md"


def countries(*iso2: str) -> list[Country]:
    return list(Country.objects.filter(iso2__in=iso2))


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def schools() -> Pledge:
    """A fully described published pledge by Kijiji Telecom, in euros converted at the ECB rate."""
    kijiji = EntityFactory(
        name="Kijiji Telecom", slug="kijiji-telecom", acronym="KTEL", home_country=Country.objects.get(iso2="KE")
    )
    ministry = EntityFactory(
        name="Ministry of ICT", slug="ministry-of-ict", entity_type=EntityType.objects.get(code="government")
    )
    fund = EntityFactory(name="Connectivity Fund", slug="connectivity-fund")
    event = Event.objects.create(name="WTDC-22 Roundtable", slug="wtdc-22", starts_on=dt.date(2022, 6, 9))
    pledge = PledgeFactory(
        state=PUBLISHED,
        published_at=dt.datetime(2026, 3, 20, 10, 15, tzinfo=dt.UTC),
        reference="P2C-2026-0042",
        title="Connect 200 rural schools",
        summary="Broadband and devices for 200 rural schools by 2028.",
        description="We will connect **200 schools**.\n\nSee [our plan](https://example.org/plan).",
        lead_entity=kijiji,
        focus_areas=["access", "adoption"],
        countries=countries("KE", "UG"),
        pledged_on=dt.date(2026, 3, 16),
        start_date=dt.date(2022, 6, 9),
        end_date=dt.date(2028, 12, 31),
        amount=Decimal("5000000.00"),
        currency="EUR",
        usd_estimate=Decimal("5410000.00"),
        usd_rate=Decimal("1.0820000000"),
        usd_rate_date=dt.date(2026, 3, 13),
        usd_source=Pledge.UsdSource.ECB,
        additionality=Pledge.Additionality.EXPANDED,
        seeking_partners=True,
        event=event,
    )
    pledge.pillars.set(Pillar.objects.filter(code__in=["infrastructure", "digital-skills"]))
    pledge.pledge_types.set(PledgeType.objects.filter(code__in=["financial", "programmatic"]))
    pledge.sdgs.set(SDG.objects.filter(number__in=[4, 9]))
    pledge.target_groups.set(TargetGroup.objects.filter(code__in=["schools-students", "rural-communities"]))
    PledgePartner.objects.create(pledge=pledge, entity=ministry, role=PledgePartner.Role.CO_PLEDGER)
    PledgePartner.objects.create(pledge=pledge, entity=fund, role=PledgePartner.Role.FUNDER)
    PledgeTarget.objects.create(
        pledge=pledge, indicator="Schools connected", unit="schools", baseline=0, target_value=200, target_year=2028
    )
    PledgeTarget.objects.create(
        pledge=pledge, indicator="Teachers trained", unit="teachers", target_value=Decimal("1500.5"), target_year=2027
    )
    return pledge


def test_the_page_says_what_was_promised_by_whom_for_whom_and_by_when(client: Client, schools: Pledge) -> None:
    html = page(client, "/pledges/P2C-2026-0042/")
    assert '<h1 id="pledge-title" lang="en">Connect 200 rural schools</h1>' in html
    assert "P2C-2026-0042" in html
    assert "Broadband and devices for 200 rural schools by 2028." in html
    # Who: the lead and the partners with their roles, each linked to its page.
    assert 'Pledged by <a href="/entities/kijiji-telecom/">Kijiji Telecom</a>' in html
    assert re.search(r'<a href="/entities/ministry-of-ict/">Ministry of ICT</a>.*Co-pledger', html)
    assert re.search(r'<a href="/entities/connectivity-fund/">Connectivity Fund</a>.*Funder', html)
    # What: focus areas as labelled badges, pillars, types, SDGs with their short titles, groups.
    assert re.search(r'<li class="badge fa-access"[^>]*><a href="/pledges/\?focus_area=access">Access</a>', html)
    assert "Infrastructure" in html and "Digital skills" in html
    assert '<a href="/pledges/?type=financial">Financial</a>' in html
    assert '<a href="/pledges/?sdg=4">SDG 4: Quality education</a>' in html
    assert "SDG 9: Industry, innovation and infrastructure" in html
    assert "Schools and students" in html and "Rural communities" in html
    assert "Expansion of an existing programme" in html
    assert "looking for partners" in html
    # Where: each country linked to its page.
    assert '<a href="/countries/KE/">Kenya</a>' in html and '<a href="/countries/UG/">Uganda</a>' in html
    # When: unambiguous dates, and the event it was announced at.
    assert "9 June 2022 to 31 December 2028" in html
    assert "16 March 2026" in html and "20 March 2026" in html
    assert "WTDC-22 Roundtable" in html
    # Money: as pledged, then ≈ USD with the ECB rate and its date.
    assert "EUR 5,000,000" in html
    assert "≈ <bdi>USD 5,410,000</bdi>" in html
    assert "European Central Bank reference rate of 13 March 2026: 1 EUR = 1.082 USD" in html
    # Targets as a table, the description as Markdown, delivery, the JSON download.
    assert re.search(r"<th scope=\"row\">Schools connected</th><td>schools</td><td class=\"num\">0</td>", html)
    assert '<td class="num">1,500.50</td>' in html
    assert "<strong>200 schools</strong>" in html
    assert '<a href="https://example.org/plan" rel="nofollow noopener">our plan</a>' in html
    assert "No progress report yet" in html
    assert 'href="/pledges/P2C-2026-0042.json"' in html


@pytest.mark.parametrize(
    ("prefix", "start", "published"),
    [
        ("", "9 June 2022", "20 March 2026"),
        ("/fr", "9 juin 2022", "20 mars 2026"),
        ("/es", "9 de junio de 2022", "20 de marzo de 2026"),
        ("/ru", "9 июня 2022", "20 марта 2026"),  # the genitive month, not "9 июнь 2022"
        ("/zh-hans", "2022年6月9日", "2026年3月20日"),
    ],
)
def test_dates_are_written_as_each_language_writes_them(
    client: Client, schools: Pledge, prefix: str, start: str, published: str
) -> None:
    html = page(client, f"{prefix}/pledges/P2C-2026-0042/")
    assert start in html and published in html


def test_the_page_has_a_title_description_canonical_address_and_link_previews(client: Client, schools: Pledge) -> None:
    html = page(client, "/pledges/P2C-2026-0042/")
    assert "<title>Connect 200 rural schools (P2C-2026-0042) · Partner2Connect</title>" in html
    summary = "Broadband and devices for 200 rural schools by 2028."
    assert f'<meta name="description" content="{summary}">' in html
    assert '<link rel="canonical" href="http://testserver/pledges/P2C-2026-0042/">' in html
    assert '<meta property="og:title" content="Connect 200 rural schools">' in html
    assert f'<meta property="og:description" content="{summary}">' in html
    assert '<meta property="og:url" content="http://testserver/pledges/P2C-2026-0042/">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert '<link rel="alternate" type="application/json" href="/pledges/P2C-2026-0042.json">' in html


def test_without_a_summary_previews_say_who_pledged_what(client: Client) -> None:
    PledgeFactory(state=PUBLISHED, reference="P2C-2026-0001", title="Train 500 teachers", summary="")
    html = page(client, "/pledges/P2C-2026-0001/")
    assert re.search(r'<meta property="og:description" content="A pledge by Test Entity \d+ to help connect', html)


def test_the_reference_is_case_insensitive_and_redirects_to_its_capitals(client: Client, schools: Pledge) -> None:
    response = client.get("/pledges/p2c-2026-0042/")
    assert response.status_code == 301
    assert response["Location"] == "/pledges/P2C-2026-0042/"
    assert client.get("/pledges/p2c-2026-0042.json").status_code == 200


@pytest.mark.parametrize("state", NOT_PUBLIC)
def test_a_pledge_that_is_not_published_is_not_found_in_any_form(client: Client, state: str) -> None:
    PledgeFactory(state=state, reference="P2C-2026-0077", title="Secret plans", published_at=None)
    for url in ("/pledges/P2C-2026-0077/", "/pledges/P2C-2026-0077.json"):
        response = client.get(url)
        assert response.status_code == 404, (state, url)
        assert "Secret plans" not in response.content.decode()
    assert client.get("/pledges/p2c-2026-0077/", follow=True).status_code == 404


def test_an_unknown_reference_is_not_found(client: Client) -> None:
    assert client.get("/pledges/P2C-1999-0001/").status_code == 404
    assert client.get("/pledges/P2C-1999-0001.json").status_code == 404


@pytest.mark.parametrize(
    ("source", "currency", "expected", "absent"),
    [
        (Pledge.UsdSource.USD, "USD", "USD 2,500,000", "≈"),
        (Pledge.UsdSource.PLEDGER, "XOF", "US dollar estimate given by the pledger.", "European Central Bank"),
    ],
)
def test_money_says_where_its_dollar_figure_comes_from(
    client: Client, source: str, currency: str, expected: str, absent: str
) -> None:
    PledgeFactory(
        state=PUBLISHED,
        reference="P2C-2026-0005",
        amount=Decimal("2500000"),
        currency=currency,
        usd_estimate=Decimal("2500000") if currency == "USD" else Decimal("4100"),
        usd_source=source,
    )
    html = page(client, "/pledges/P2C-2026-0005/")
    assert expected in html
    assert absent not in html.split("<dt>Estimated value</dt>", 1)[1].split("</dd>", 1)[0]


def test_a_pledge_without_value_dates_or_places_says_so(client: Client) -> None:
    PledgeFactory(
        state=PUBLISHED,
        reference="P2C-2026-0009",
        amount=None,
        currency="",
        usd_estimate=None,
        usd_source="",
        scope=Pledge.Scope.GLOBAL,
        delivery_status=Pledge.DeliveryStatus.ON_TRACK,
    )
    html = page(client, "/pledges/P2C-2026-0009/")
    assert "Not stated" in html
    assert "Dates not stated" in html
    assert "Global: the pledge is not limited" in html
    assert "<strong>On track</strong>" in html


def test_regional_pledges_name_their_regions_linked_to_the_explorer(client: Client) -> None:
    region = Region.objects.get(kind=Region.Kind.M49_INTERMEDIATE, name="Eastern Africa")
    itu = Region.objects.get(kind=Region.Kind.ITU_REGION, code="africa")
    PledgeFactory(state=PUBLISHED, reference="P2C-2026-0010", scope=Pledge.Scope.REGIONS, regions=[region, itu])
    html = page(client, "/pledges/P2C-2026-0010/")
    assert f'<a href="/pledges/?m49_region={region.code}">Eastern Africa</a>' in html
    assert '<a href="/pledges/?itu_region=africa">' in html


XSS_PAYLOADS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    "[click](JaVaScRiPt:alert(1))",
    "<svg onload=alert(1)>",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;avascript&#58;alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "<iframe src=https://evil.example></iframe>",
    '[x](https://example.org "a" onmouseover="alert(1)")',
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_a_hostile_description_is_shown_as_text_never_run(client: Client, payload: str) -> None:
    PledgeFactory(state=PUBLISHED, reference="P2C-2026-0666", description=f"Hello\n\n{payload}\n\nBye")
    html = page(client, "/pledges/P2C-2026-0666/")
    prose = html.split('<div class="prose" lang="en">', 1)[1].split("</div>", 1)[0]
    lowered = prose.lower()
    assert "<script" not in lowered and "<img" not in lowered and "<svg" not in lowered and "<iframe" not in lowered
    assert "javascript:" not in re.sub(r">[^<]*<", "><", lowered)  # nowhere in tags or attributes
    assert not re.search(r"<[^>]+\son\w+\s*=", lowered), prose
    assert 'href="data:' not in lowered
    assert "Hello" in prose and "Bye" in prose


def test_hostile_titles_and_names_are_escaped(client: Client) -> None:
    lead = EntityFactory(name='<script>alert("lead")</script>', slug="evil")
    PledgeFactory(
        state=PUBLISHED, reference="P2C-2026-0667", title='"><script>alert(1)</script>', lead_entity=lead, summary=""
    )
    html = page(client, "/pledges/P2C-2026-0667/")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_page_makes_the_same_few_queries_however_much_a_pledge_holds(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    def rich(reference: str, size: int) -> None:
        pledge = PledgeFactory(
            state=PUBLISHED,
            reference=reference,
            focus_areas=["access", "adoption", "value-creation", "accelerate"][: min(4, size)],
            countries=list(Country.objects.order_by("iso2")[:size]),
        )
        pledge.pillars.set(Pillar.objects.all()[:size])
        pledge.sdgs.set(SDG.objects.all()[:size])
        for i in range(size):
            PledgePartner.objects.create(pledge=pledge, entity=EntityFactory(), role=PledgePartner.Role.IMPLEMENTER)
            PledgeTarget.objects.create(
                pledge=pledge, indicator=f"Indicator {i}", unit="u", target_value=i + 1, target_year=2030
            )

    rich("P2C-2026-0003", 3)
    rich("P2C-2026-0030", 30)
    cache.clear()  # the demo banner's marker is cached: measure every request cold
    with django_assert_max_num_queries(12) as small:
        page(client, "/pledges/P2C-2026-0003/")
    cache.clear()
    with django_assert_max_num_queries(len(small)) as large:
        page(client, "/pledges/P2C-2026-0030/")
    assert len(large) == len(small)
    cache.clear()
    with django_assert_max_num_queries(len(small)):
        client.get("/pledges/P2C-2026-0030.json")


RELATIONS = ("focus_areas", "pillars", "pledge_types", "sdgs", "target_groups", "regions", "countries")


def _prefetched(reference: str) -> dict[str, list[tuple[Any, str]]]:
    """The pledge's relations as ``prefetch_related`` reads them (the models' orderings)."""
    pledge = Pledge.objects.prefetch_related(*RELATIONS).get(reference=reference)
    return {name: [(item.pk, str(item)) for item in getattr(pledge, name).all()] for name in RELATIONS}


def test_the_relations_are_those_prefetching_gives_in_the_same_order_and_kept_current() -> None:
    pledge = PledgeFactory(
        state=PUBLISHED,
        reference="P2C-2026-0077",
        focus_areas=["adoption", "access"],
        countries=countries("UG", "KE", "BR"),
    )
    pledge.pillars.set(Pillar.objects.order_by("-id")[:3])
    pledge.sdgs.set(SDG.objects.filter(number__in=[9, 4, 17]))
    pledge.pledge_types.set(PledgeType.objects.all()[:2])
    pledge.target_groups.set(TargetGroup.objects.order_by("-id")[:2])
    pledge.regions.set(Region.objects.order_by("-code")[:4])

    def read() -> dict[str, list[tuple[Any, str]]]:
        found = published_pledge("P2C-2026-0077")
        assert found is not None
        return {name: [(item.pk, str(item)) for item in getattr(found, name).all()] for name in RELATIONS}

    assert read() == _prefetched("P2C-2026-0077")
    # Reference data added or renamed after this process read it.
    group = TargetGroup.objects.create(code="fishers", name="Fishing communities", order=0)
    pledge.target_groups.add(group)
    # (A bulk update sends no signal: processes see it after REFERENCE_SECONDS or the next save.)
    Pillar.objects.filter(pk=pledge.pillars.first().pk).update(name="Renamed by a bulk update")
    assert read()["target_groups"] == _prefetched("P2C-2026-0077")["target_groups"]
    kenya = Country.objects.get(iso2="KE")
    kenya.name = "Kenya (renamed)"
    kenya.save()
    assert read() == _prefetched("P2C-2026-0077")


# --- The JSON document ---------------------------------------------------------------------------


def test_the_json_document_holds_the_whole_published_pledge(client: Client, schools: Pledge) -> None:
    response = client.get("/pledges/P2C-2026-0042.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    doc = json.loads(response.content)
    assert doc["format"] == "p2c-pledge/1"
    assert doc["reference"] == "P2C-2026-0042"
    assert doc["url"] == "http://testserver/pledges/P2C-2026-0042/"
    assert doc["state"] == "published"
    assert doc["published_at"] == "2026-03-20T10:15:00+00:00"
    assert doc["description"].startswith("We will connect **200 schools**.")
    assert doc["lead_entity"] == {
        "name": "Kijiji Telecom",
        "acronym": "KTEL",
        "slug": "kijiji-telecom",
        "type": {"code": "private-sector", "name": "Private sector"},
        "home_country": "KE",
        "url": "http://testserver/entities/kijiji-telecom/",
    }
    assert [(p["slug"], p["role"]) for p in doc["partners"]] == [
        ("ministry-of-ict", "co_pledger"),
        ("connectivity-fund", "funder"),
    ]
    assert [a["code"] for a in doc["focus_areas"]] == ["access", "adoption"]
    assert {"code": "infrastructure", "name": "Infrastructure", "focus_area": "access"} in doc["pillars"]
    assert [t["code"] for t in doc["pledge_types"]] == ["financial", "programmatic"]
    assert doc["sdgs"] == [
        {"number": 4, "short_title": "Quality education"},
        {"number": 9, "short_title": "Industry, innovation and infrastructure"},
    ]
    assert {g["code"] for g in doc["target_groups"]} == {"schools-students", "rural-communities"}
    assert doc["geography"]["scope"] == "countries"
    assert [c["iso2"] for c in doc["geography"]["countries"]] == ["KE", "UG"]
    assert doc["money"] == {
        "amount": "5000000.00",
        "currency": "EUR",
        "usd_estimate": "5410000.00",
        "usd_rate": "1.0820000000",
        "usd_rate_date": "2026-03-13",
        "usd_source": "ecb",
    }
    assert doc["dates"] == {"pledged_on": "2026-03-16", "start_date": "2022-06-09", "end_date": "2028-12-31"}
    assert doc["additionality"] == "expanded"
    assert doc["seeking_partners"] is True
    assert doc["event"]["name"] == "WTDC-22 Roundtable"
    assert doc["targets"][0] == {
        "indicator": "Schools connected",
        "unit": "schools",
        "baseline": "0.00",
        "target_value": "200.00",
        "target_year": 2028,
    }
    assert doc["targets"][1]["baseline"] is None
    assert doc["delivery_status"] is None


def _keys(value: Any, prefix: str = "") -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            found.add(key)
            found |= _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= _keys(inner)
    return found


def test_every_key_of_the_json_document_is_documented(client: Client, schools: Pledge) -> None:
    doc = json.loads(client.get("/pledges/P2C-2026-0042.json").content)
    documented = DOCS.read_text()
    missing = sorted(key for key in _keys(doc) if f"`{key}`" not in documented)
    assert not missing, f"Document these keys in docs/pledge-json.md: {missing}"


def test_the_json_document_of_a_bare_pledge_uses_nulls(client: Client) -> None:
    PledgeFactory(
        state=PUBLISHED,
        reference="P2C-2026-0011",
        amount=None,
        currency="",
        usd_estimate=None,
        usd_source="",
        scope=Pledge.Scope.GLOBAL,
        published_at=timezone.now(),
    )
    doc = json.loads(client.get("/pledges/P2C-2026-0011.json").content)
    assert doc["money"] == {
        "amount": None,
        "currency": None,
        "usd_estimate": None,
        "usd_rate": None,
        "usd_rate_date": None,
        "usd_source": None,
    }
    assert doc["partners"] == [] and doc["targets"] == [] and doc["event"] is None
    assert doc["geography"] == {"scope": "global", "regions": [], "countries": []}
