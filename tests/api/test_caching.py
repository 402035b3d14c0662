"""Conditional requests, HEAD, and CORS on the public API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from p2c.pledges.models import Pledge
from p2c.pledges.transitions import pledge_publish, pledge_submit
from tests.workspace.helpers import World, complete_pledge, world

pytestmark = pytest.mark.django_db
PUBLIC = [
    "/api/v1/pledges?country=KE",
    "/api/v1/entities",
    "/api/v1/countries/KE",
    "/api/v1/taxonomy",
    "/api/v1/dashboard",
]


@pytest.fixture
def people() -> World:
    people = world()
    complete_pledge(people.kijiji, state=Pledge.State.PUBLISHED, published_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    return people


@pytest.mark.parametrize("path", PUBLIC)
def test_an_unchanged_answer_is_not_sent_again(people: World, path: str) -> None:
    client = Client()
    first = client.get(path)
    assert first.status_code == 200
    assert first["ETag"].startswith('"') and first["Last-Modified"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get(path, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert len(queries) <= 3  # the data version and the last change: the answer itself is not computed
    since = client.get(path, headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304


def test_a_publication_changes_the_validators(people: World, django_capture_on_commit_callbacks: object) -> None:
    client = Client()
    first = client.get("/api/v1/pledges")
    pledge = complete_pledge(people.kijiji, title="Newly published")
    pledge_submit(pledge=pledge, acting_user=people.amina, expected_version=1)
    pledge_publish(pledge=pledge, acting_user=people.rui, expected_version=2)
    again = client.get("/api/v1/pledges", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert "Newly published" in again.content.decode()
    old = http_date((dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).timestamp())
    assert client.get("/api/v1/pledges", headers={"If-Modified-Since": old}).status_code == 200


def test_a_different_query_has_a_different_etag(people: World) -> None:
    client = Client()
    assert client.get("/api/v1/pledges?country=KE")["ETag"] != client.get("/api/v1/pledges?country=UG")["ETag"]


def test_head_answers_like_get_without_a_body(people: World) -> None:
    client = Client()
    head = client.head("/api/v1/pledges")
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == client.get("/api/v1/pledges")["ETag"]


@pytest.mark.parametrize("path", PUBLIC)
def test_any_web_page_may_read_the_public_api(people: World, path: str) -> None:
    client = Client()
    assert client.get(path, headers={"Origin": "https://example.org"})["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        path, headers={"Origin": "https://example.org", "Access-Control-Request-Headers": "if-none-match"}
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]
    assert "GET" in preflight["Access-Control-Allow-Methods"]


def test_errors_are_readable_by_web_pages_too(people: World) -> None:
    response = Client().get("/api/v1/pledges/P2C-1999-0001")
    assert response.status_code == 404
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" not in response


def test_the_write_api_is_not_open_to_web_pages(people: World) -> None:
    client = Client()
    for response in (client.options("/api/v1/my/pledges"), client.get("/api/v1/my/pledges")):
        assert "Access-Control-Allow-Origin" not in response
        assert response["Cache-Control"] == "no-store"
