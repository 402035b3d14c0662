"""The public read API: the explorer's filters, stable cursor pages, the pledge document, entities, countries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from p2c.entities.models import Entity
from p2c.geo.models import Country, Region
from p2c.pledges.filters import pledge_filter
from p2c.pledges.models import Pledge, PledgePartner
from tests.factories import EntityFactory
from tests.workspace.helpers import complete_pledge

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)


def publish(entity: Entity, title: str, *, days: int = 0, usd: str | None = "1000.00", **fields: Any) -> Pledge:
    value = Decimal(usd) if usd is not None else None
    return complete_pledge(
        entity,
        state=Pledge.State.PUBLISHED,
        title=title,
        published_at=T0 + dt.timedelta(days=days),
        usd_estimate=value,
        amount=value,
        **fields,
    )


@pytest.fixture
def pledges() -> list[Pledge]:
    kijiji = EntityFactory(name="Kijiji Telecom", slug="kijiji-telecom", acronym="KTEL")
    savannah = EntityFactory(name="Savannah Broadband", slug="savannah-broadband")
    ke, ug, fj = (Country.objects.get(iso2=c) for c in ("KE", "UG", "FJ"))
    made = [
        publish(kijiji, "Connect rural schools in Kenya", days=1, usd="5000000.00", countries=[ke]),
        publish(
            kijiji, "Digital skills for girls", days=2, usd="250000.00", countries=[ke, ug], focus_areas=["adoption"]
        ),
        publish(savannah, "Affordable phones", days=3, usd=None, countries=[ug]),
        publish(savannah, "Island connectivity", days=3, usd="250000.00", countries=[fj]),  # same day, same value
        publish(savannah, "Broadband for clinics", days=5, usd="75.50", countries=[ke]),
    ]
    PledgePartner.objects.create(pledge=made[3], entity=kijiji, role=PledgePartner.Role.CO_PLEDGER)
    complete_pledge(kijiji, title="Draft that nobody sees")
    return made


def every_page(client: Client, path: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every result, following ``next``; and every page's body."""
    results, pages, url = [], [], path
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append(body)
        results += body["results"]
        url = body["next"]
    return results, pages


COMBINATIONS = [
    {},
    {"country": ["KE"]},
    {"country": ["KE", "UG"], "sort": ["value"]},
    {"focus_area": ["access"], "sort": ["title"]},
    {"entity": ["kijiji-telecom"]},
    {"grouping": ["sids"]},
    {"q": ["schools"]},
    {"usd_min": ["1000"], "sort": ["value"]},
    {"country": ["XX", "KE"], "sdg": ["99"]},
]


@pytest.mark.parametrize("params", COMBINATIONS, ids=lambda p: urlencode(p, doseq=True) or "all")
def test_the_list_is_the_explorers_filter_page_by_page(pledges: list[Pledge], params: dict[str, list[str]]) -> None:
    result = pledge_filter(params)
    expected = list(result.queryset.values_list("reference", flat=True))
    found, pages = every_page(Client(), f"/api/v1/pledges?{urlencode({**params, 'limit': 2}, doseq=True)}")
    assert [p["reference"] for p in found] == expected
    total = sum((p.usd_estimate or Decimal(0) for p in result.queryset), Decimal(0))
    assert {(page["count"], page["total_usd"]) for page in pages} == {(len(expected), f"{total:.2f}")}
    assert pages[0]["errors"] == result.errors
    assert "Draft that nobody sees" not in str(pages)


def test_a_value_that_cannot_be_used_is_reported_and_left_out(pledges: list[Pledge]) -> None:
    body = Client().get("/api/v1/pledges?country=XX&country=ke&usd_min=lots&sort=best&colour=red").json()
    assert set(body["errors"]) == {"country", "usd_min", "sort"}
    assert "XX" in body["errors"]["country"][0]
    assert body["filters"] == {"country": ["KE"], "sort": ["newest"]}
    assert body["count"] == 3


@pytest.mark.parametrize("sort", ["newest", "title", "value"])
def test_pages_stay_the_same_when_pledges_are_published_meanwhile(pledges: list[Pledge], sort: str) -> None:
    client = Client()
    first = client.get(f"/api/v1/pledges?sort={sort}&limit=2").json()
    before = [p["reference"] for p in first["results"]]
    # New pledges that sort first (newest, "A…", the highest value) and last.
    entity = Entity.objects.get(slug="kijiji-telecom")
    publish(entity, "AAA first by title", days=30, usd="99999999.00")
    publish(entity, "zzz last by title", days=-30, usd=None)
    rest, _pages = every_page(client, first["next"])
    seen = before + [p["reference"] for p in rest]
    originals = {p.reference for p in pledges}
    assert sorted(r for r in seen if r in originals) == sorted(originals)
    assert len(seen) == len(set(seen))


def test_best_match_pages_by_position(pledges: list[Pledge]) -> None:
    found, pages = every_page(Client(), "/api/v1/pledges?q=connect&limit=1")
    expected = list(pledge_filter({"q": ["connect"]}).queryset.values_list("reference", flat=True))
    assert len(expected) > 1
    assert [p["reference"] for p in found] == expected
    assert pages[0]["filters"]["sort"] == ["relevance"]
    changed = Client().get(pages[0]["next"].replace("limit=1", "limit=2"))
    assert changed.status_code == 422
    assert list(changed.json()["errors"]) == ["cursor"]


@pytest.mark.parametrize(
    ("query", "param"),
    [("limit=0", "limit"), ("limit=501", "limit"), ("limit=ten", "limit"), ("cursor=nonsense", "cursor")],
)
def test_paging_parameters_are_checked(pledges: list[Pledge], query: str, param: str) -> None:
    response = Client().get(f"/api/v1/pledges?{query}")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [param]


def test_a_cursor_of_another_order_is_refused(pledges: list[Pledge]) -> None:
    client = Client()
    following = client.get("/api/v1/pledges?sort=title&limit=1").json()["next"]
    cursor = following.split("cursor=")[1]
    response = client.get(f"/api/v1/pledges?sort=value&cursor={cursor}")
    assert response.status_code == 422
    assert "sort order" in response.json()["errors"]["cursor"][0]


def test_one_pledge_is_the_same_document_as_its_json_download(pledges: list[Pledge]) -> None:
    client = Client()
    pledge = pledges[3]
    api = client.get(f"/api/v1/pledges/{pledge.reference.lower()}")
    assert api.status_code == 200
    assert api.json() == client.get(f"/pledges/{pledge.reference}.json").json()
    assert api.json()["partners"][0]["slug"] == "kijiji-telecom"


def test_an_unknown_reference_is_not_found(pledges: list[Pledge]) -> None:
    response = Client().get("/api/v1/pledges/P2C-1999-0001")
    assert response.status_code == 404
    assert response.json() == {"detail": "No published pledge has this reference."}


def test_entities_are_those_of_published_pledges_with_their_counts(pledges: list[Pledge]) -> None:
    EntityFactory(name="Only drafts Ltd", slug="only-drafts")
    client = Client()
    found, _ = every_page(client, "/api/v1/entities?limit=1")
    assert [(e["slug"], e["pledges"], e["usd"]) for e in found] == [
        ("kijiji-telecom", 3, "5500000.00"),  # leads two, co-pledges one
        ("savannah-broadband", 3, "250075.50"),
    ]
    detail = client.get("/api/v1/entities/kijiji-telecom").json()
    assert (detail["led"], detail["partner"], detail["pledges"]) == (2, 1, 3)
    assert client.get("/api/v1/entities/only-drafts").status_code == 404
    assert client.get("/api/v1/entities?q=savannah").json()["results"][0]["slug"] == "savannah-broadband"
    assert client.get("/api/v1/entities?entity_type=martians").json()["errors"] == {
        "entity_type": ["There is no entity type “martians”."]
    }


def test_countries_with_their_groupings_and_published_pledges(pledges: list[Pledge]) -> None:
    client = Client()
    found, _ = every_page(client, "/api/v1/countries?limit=100")
    assert len(found) == Country.objects.count()
    by_code = {c["iso2"]: c for c in found}
    assert (by_code["KE"]["pledges"], by_code["UG"]["pledges"], by_code["FJ"]["pledges"]) == (3, 2, 1)
    assert by_code["FJ"]["groupings"]["sids"] is True
    assert by_code["KE"]["m49_region"] == {"code": "002", "name": "Africa"}
    sids, _ = every_page(client, "/api/v1/countries?grouping=sids&limit=500")
    assert {c["iso2"] for c in sids} == set(Country.objects.filter(is_sids=True).values_list("iso2", flat=True))
    kenya = client.get("/api/v1/countries/ke").json()
    assert kenya["named"] == {"pledges": 3, "usd": "5250075.50"}
    assert client.get("/api/v1/countries/XX").status_code == 404
    assert set(client.get("/api/v1/countries?grouping=big&itu_region=mars").json()["errors"]) == {
        "grouping",
        "itu_region",
    }


def test_the_taxonomy_lists_every_code(pledges: list[Pledge]) -> None:
    body = Client().get("/api/v1/taxonomy").json()
    assert [a["code"] for a in body["focus_areas"]] == ["access", "adoption", "value-creation", "accelerate"]
    assert body["focus_areas"][0]["pillars"]
    assert len(body["sdgs"]) == 17
    assert {r["code"] for r in body["regions"]} == set(Region.objects.values_list("code", flat=True))
    assert {g["code"] for g in body["groupings"]} == {"ldc", "lldc", "sids"}


@pytest.mark.parametrize("params", COMBINATIONS[:6], ids=lambda p: urlencode(p, doseq=True) or "all")
def test_the_dashboard_counts_what_the_list_lists(pledges: list[Pledge], params: dict[str, list[str]]) -> None:
    client = Client()
    query = urlencode(params, doseq=True)
    listed = client.get(f"/api/v1/pledges?{query}").json()
    figures = client.get(f"/api/v1/dashboard?{query}").json()
    assert (figures["pledges"], figures["usd"]) == (listed["count"], listed["total_usd"])
    areas = figures["breakdowns"]["focus-areas"]
    assert areas["param"] == "focus_area"
    assert sum(Decimal(c["usd"]) for c in areas["categories"]) + Decimal(areas["unattributed"]["usd"]) == Decimal(
        figures["usd"]
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/pledges?limit=50",
        "/api/v1/pledges?limit=50&country=KE&sort=value",
        "/api/v1/entities?limit=50",
        "/api/v1/countries?limit=50",
        "/api/v1/taxonomy",
    ],
)
def test_a_list_costs_the_same_queries_however_many_rows(pledges: list[Pledge], path: str) -> None:
    client = Client()
    client.get(path)  # warm the filters' reference data cache

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    few = queries()
    entity = Entity.objects.get(slug="kijiji-telecom")
    for n in range(8):
        more = publish(EntityFactory(), f"More pledges {n}", days=10 + n, countries=[Country.objects.get(iso2="KE")])
        PledgePartner.objects.create(pledge=more, entity=entity, role=PledgePartner.Role.FUNDER)
    assert queries() == few


def test_pledges_published_at_the_same_moment_are_paged_by_id(pledges: list[Pledge]) -> None:
    """A cursor holds the microsecond timestamp and the id of the last row: the next row is found exactly."""
    entity = Entity.objects.get(slug="kijiji-telecom")
    moment = timezone.now().replace(microsecond=123456)
    for title in ("Same moment A", "Same moment B", "Same moment C"):
        complete_pledge(entity, state=Pledge.State.PUBLISHED, title=title, published_at=moment)
    found, _ = every_page(Client(), "/api/v1/pledges?limit=1")
    assert [p["title"] for p in found[:3]] == ["Same moment C", "Same moment B", "Same moment A"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/pledges?entity=kijiji%00telecom&q=%00&country=K%00E",
        "/api/v1/dashboard?entity=%00",
        "/api/v1/entities?q=Kijiji%00&entity_type=%00",
        "/api/v1/countries?m49_region=0%002&itu_region=%00",
        "/api/v1/pledges/P2C%00",
        "/api/v1/entities/kijiji%00",
        "/api/v1/countries/K%00",
    ],
)
def test_nul_characters_are_never_a_server_error(pledges: list[Pledge], path: str) -> None:
    """PostgreSQL refuses NUL characters in text: they are dropped from queries, and a path with one is not found."""
    response = Client().get(path)
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert "\\u0000" not in response.content.decode()
