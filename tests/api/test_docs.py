"""Docs that are tested: every API operation is described in docs/api.md; the API's pledge is the documented one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from p2c.api.api import openapi_schema
from p2c.api.schemas import MyPledge, PledgeDocument
from tests.workspace.helpers import complete_pledge, world

ROOT = Path(__file__).resolve().parents[2]
API_DOC = ROOT / "docs" / "api.md"
METHODS = ("get", "post", "put", "patch", "delete")


def operations() -> list[str]:
    """Every operation of the OpenAPI schema, as ``METHOD /path``."""
    paths: dict[str, Any] = openapi_schema()["paths"]
    return [f"{method.upper()} {path}" for path, item in paths.items() for method in METHODS if method in item]


def test_every_api_operation_is_documented() -> None:
    text = API_DOC.read_text()
    found = operations()
    assert len(found) >= 13, found
    missing = [operation for operation in found if f"`{operation}`" not in text]
    assert not missing, f"Describe these in docs/api.md (as `METHOD /path`): {missing}"


def test_the_schema_and_its_docs_page_are_served() -> None:
    client = Client()
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"] == "3.1.0"
    assert client.get("/api/v1/").headers["Location"] == "/api/v1/docs"


@pytest.mark.django_db
def test_the_docs_page_lists_every_operation_and_loads_nothing_from_elsewhere() -> None:
    html = Client().get("/api/v1/docs").content.decode()
    for operation in operations():
        method, path = operation.split(" ", 1)
        assert f"<code>{method} {path}</code>" in html
    assert "<script" not in html
    assert "cdn" not in html.lower()


@pytest.mark.django_db
def test_the_pledge_schema_is_the_pledge_document() -> None:
    """The keys of ``PledgeDocument`` are those of ``pledge_document`` (documented in docs/pledge-json.md)."""
    people = world()
    pledge = complete_pledge(people.kijiji, state="published", published_at="2026-03-01T00:00:00Z")
    document = Client().get(f"/pledges/{pledge.reference}.json").json()
    assert set(PledgeDocument.model_fields) == set(document)
    assert set(MyPledge.model_fields) - set(PledgeDocument.model_fields) == {
        "version",
        "revision_of",
        "created_at",
        "updated_at",
        "submitted_at",
        "missing",
    }
