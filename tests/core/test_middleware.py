"""A NUL character in a link never becomes a server error (PostgreSQL refuses NUL in text)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import EntityFactory, PledgeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/pledges/?entity=a%00b",
        "/pledges/?q=school%00",
        "/entities/?q=a%00",
        "/dashboard/?entity=%00",
        "/countries/?m49_region=%00",
        "/pledges/?country=K%00E",
    ],
)
def test_nul_in_query_values_is_dropped(client: Client, url: str) -> None:
    PledgeFactory(state="published", title="Connect schools")
    assert client.get(url).status_code == 200


def test_the_value_without_its_nul_still_applies(client: Client) -> None:
    PledgeFactory(state="published", title="Connect schools", countries=[])
    page = client.get("/pledges/?country=K%00E").content.decode()
    assert "Kenya" in page  # the chip of the filter country=KE


def test_nul_in_the_path_is_not_found(client: Client) -> None:
    EntityFactory(slug="kijiji")
    assert client.get("/entities/kiji%00ji/").status_code == 404
    assert client.get("/pledges/P2C-2026-0001%00/").status_code == 404


def test_an_entity_without_published_pledges_is_not_revealed_by_the_explorer(client: Client) -> None:
    EntityFactory(name="Secret Holdings", slug="secret-holdings")
    page = client.get("/pledges/?entity=secret-holdings").content.decode()
    assert "Secret Holdings" not in page
    assert "secret-holdings" in page  # reported as unknown, by the slug the visitor typed
