"""Nothing unreviewed leaks: pledges in every state but published never show in any API answer.

Each unpublished pledge has a title containing "LEAK", names Tuvalu, SDG 14 and the focus area
"accelerate", is worth a billion dollars and is led by (or partners) "Secret Org", which has no
published pledge. Every read endpoint, with and without filters and searches aimed at them, must
behave as if they did not exist.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from p2c.geo.models import Country
from p2c.pledges.models import SDG, Pledge, PledgePartner
from tests.factories import EntityFactory, PledgeFactory
from tests.workspace.helpers import complete_pledge

pytestmark = pytest.mark.django_db
State = Pledge.State
UNPUBLISHED = [State.DRAFT, State.SUBMITTED, State.CHANGES_REQUESTED, State.REJECTED, State.WITHDRAWN]


@pytest.fixture
def hidden() -> list[Pledge]:
    """One published pledge (with an applied and an open revision), and unpublished pledges in every other state."""
    kijiji = EntityFactory(name="Kijiji Telecom", slug="kijiji-telecom")
    secret = EntityFactory(name="Secret Org", slug="secret-org", acronym="LEAKORG")
    kenya, tuvalu = Country.objects.get(iso2="KE"), Country.objects.get(iso2="TV")
    published = complete_pledge(
        kijiji,
        state=State.PUBLISHED,
        title="Visible pledge for Kenya",
        published_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        usd_estimate=Decimal("1000.00"),
        countries=[kenya],
    )
    unpublished: list[Pledge] = []

    def leak(state: str, **fields: Any) -> Pledge:
        pledge = complete_pledge(
            fields.pop("lead", secret),
            state=state,
            title=f"LEAK {state} pledge for Tuvalu schools",
            usd_estimate=Decimal("1000000000.00"),
            amount=Decimal("1000000000.00"),
            countries=[tuvalu],
            focus_areas=["accelerate"],
            seeking_partners=True,
            **fields,
        )
        pledge.sdgs.set([SDG.objects.get(number=14)])
        unpublished.append(pledge)
        return pledge

    for state in UNPUBLISHED:
        leak(state)
    # Kijiji partners a draft of Secret Org: it must not count among Kijiji's pledges either.
    PledgePartner.objects.create(pledge=unpublished[0], entity=kijiji, role=PledgePartner.Role.CO_PLEDGER)
    # A draft led by Kijiji itself, partnered by Secret Org.
    own = leak(State.SUBMITTED, lead=kijiji)
    PledgePartner.objects.create(pledge=own, entity=secret, role=PledgePartner.Role.FUNDER)
    # Revisions of the published pledge: one applied (its content is already public through the
    # published pledge, but the revision row is not), one still a draft.
    applied = PledgeFactory(
        lead_entity=kijiji, state=State.APPLIED, revision_of=published, reference=f"{published.reference}-R1",
        title="Visible pledge for Kenya",
    )  # fmt: skip
    unpublished.append(applied)
    unpublished.append(leak(State.DRAFT, lead=kijiji, revision_of=published, reference=f"{published.reference}-R2"))
    return [published, *unpublished]


def without_echo(body: dict[str, Any]) -> str:
    """The answer without ``filters`` and ``errors``, which only repeat the values asked for."""
    echoes = ("filters", "errors")
    return json.dumps({key: value for key, value in body.items() if key not in echoes}, ensure_ascii=False)


def assert_no_leak(text: str, hidden: list[Pledge]) -> None:
    assert "LEAK" not in text
    assert "Secret Org" not in text and "secret-org" not in text
    for pledge in hidden[1:]:
        assert pledge.reference not in text


LIST_QUERIES = [
    "",
    "q=LEAK",
    "q=Tuvalu schools",
    "q=pledge",
    "country=TV",
    "country=TV&country=KE",
    "grouping=sids",
    "m49_region=009",
    "sdg=14",
    "focus_area=accelerate",
    "entity=secret-org",
    "entity=kijiji-telecom",
    "entity_type=private-sector",
    "usd_min=1000000",
    "seeking_partners=1",
    "year=2026",
    "sort=value",
    "sort=title",
    "type=financial",
]


@pytest.mark.parametrize("query", LIST_QUERIES)
def test_lists_and_dashboard_show_only_the_published_pledge(hidden: list[Pledge], query: str) -> None:
    client = Client()
    listed = client.get(f"/api/v1/pledges?{query}&limit=500")
    assert listed.status_code == 200
    assert_no_leak(without_echo(listed.json()), hidden)
    references = {p["reference"] for p in listed.json()["results"]}
    assert references <= {hidden[0].reference}
    assert listed.json()["count"] == len(references)
    assert Decimal(listed.json()["total_usd"]) == Decimal(1000) * len(references)
    figures = client.get(f"/api/v1/dashboard?{query}")
    assert figures.status_code == 200
    assert_no_leak(without_echo(figures.json()), hidden)
    body = figures.json()
    assert (body["pledges"], body["usd"]) == (listed.json()["count"], listed.json()["total_usd"])
    countries = {c["code"]: c["pledges"] for c in body["breakdowns"]["countries"]["categories"]}
    assert countries.get("TV", 0) == 0
    assert body["groupings"]["sids"]["pledges"] == 0


def test_no_unpublished_pledge_has_a_detail(hidden: list[Pledge]) -> None:
    client = Client()
    assert client.get(f"/api/v1/pledges/{hidden[0].reference}").status_code == 200
    for pledge in hidden[1:]:
        for reference in (pledge.reference, pledge.reference.lower()):
            response = client.get(f"/api/v1/pledges/{reference}")
            assert response.status_code == 404, pledge.state
            assert_no_leak(response.content.decode(), hidden)


def test_the_published_pledge_shows_its_public_content_only(hidden: list[Pledge]) -> None:
    document = Client().get(f"/api/v1/pledges/{hidden[0].reference}").json()
    assert document["partners"] == []
    assert [c["iso2"] for c in document["geography"]["countries"]] == ["KE"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/entities?limit=500",
        "/api/v1/entities?q=Secret",
        "/api/v1/entities?q=LEAK",
        "/api/v1/entities/kijiji-telecom",
    ],
)
def test_entities_count_published_pledges_only(hidden: list[Pledge], path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 200
    assert_no_leak(response.content.decode(), hidden)
    rows = response.json().get("results", [response.json()])
    assert all(row["pledges"] == (1 if row["slug"] == "kijiji-telecom" else 0) for row in rows)
    assert all(row["usd"] == "1000.00" for row in rows)


def test_an_entity_with_only_unpublished_pledges_is_not_there(hidden: list[Pledge]) -> None:
    response = Client().get("/api/v1/entities/secret-org")
    assert response.status_code == 404
    assert_no_leak(response.content.decode(), hidden)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/countries?limit=500",
        "/api/v1/countries?grouping=sids&limit=500",
        "/api/v1/countries/TV",
        "/api/v1/countries/KE",
    ],
)
def test_countries_count_published_pledges_only(hidden: list[Pledge], path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 200
    assert_no_leak(response.content.decode(), hidden)
    rows = response.json().get("results", [response.json()])
    assert {row["iso2"]: row["pledges"] for row in rows if row["pledges"]} == (
        {"KE": 1} if any(row["iso2"] == "KE" for row in rows) else {}
    )
    if path.endswith("/TV"):
        assert response.json()["named"] == {"pledges": 0, "usd": "0.00"}


def test_the_taxonomy_and_schema_say_nothing_of_them(hidden: list[Pledge]) -> None:
    client = Client()
    for path in ("/api/v1/taxonomy", "/api/v1/openapi.json", "/api/v1/docs"):
        assert_no_leak(client.get(path).content.decode(), hidden)
