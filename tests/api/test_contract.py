"""Contract tests: schemathesis generates requests from the OpenAPI schema and checks every answer against it.

The schema is loaded from the application itself (``/api/v1/openapi.json`` through WSGI); the requests
run through WSGI too, in the test's database transaction, over a handful of published pledges and one
draft. For every operation, Hypothesis generates a bounded number of requests (derandomized, so a run
is repeatable); each answer must not be a server error, and must have a status code, a content type
and a body the schema declares.
The write operations run too, with a valid token, so that random bodies are refused cleanly.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from p2c.geo.models import Country
from p2c.pledges.models import Pledge, PledgePartner
from p2c.pledges.models.pledge import ReferenceCounter
from tests.api.helpers import token_for
from tests.workspace.helpers import World, complete_pledge, world

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

# The WSGI client does not undo gzip (GZipMiddleware); the schema is about the JSON, not the transport.
PLAIN = {"Accept-Encoding": "identity"}


@pytest.fixture
def people(db: Any, settings: Any) -> World:
    settings.P2C_API_RATE_WRITES_PER_MINUTE = settings.P2C_API_RATE_READS_PER_MINUTE = 100_000
    people = world()
    ke, fj = Country.objects.get(iso2="KE"), Country.objects.get(iso2="FJ")
    first = complete_pledge(people.kijiji, state=Pledge.State.PUBLISHED, title="Schools in Kenya", countries=[ke])
    second = complete_pledge(people.savannah, state=Pledge.State.PUBLISHED, title="Islands online", countries=[fj])
    PledgePartner.objects.create(pledge=second, entity=people.kijiji, role=PledgePartner.Role.FUNDER)
    complete_pledge(people.kijiji, title="A draft")
    assert first.pk
    # New drafts take numbers after the factory's references.
    ReferenceCounter.objects.update_or_create(year=timezone.now().year, defaults={"last_number": 5000})
    return people


@pytest.fixture(autouse=True)
def _connection_kept_open() -> Iterator[None]:
    """Requests through the real WSGI handler close the database connection when they finish, which
    would end the test's transaction: keep it open, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(people: World) -> str:
    return token_for(people.amina, people.kijiji)


def _load() -> Any:
    from p2c.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


schema = _load()


@schema.include(method="GET").exclude(path_regex="/my/").parametrize()
@EXAMPLES
def test_public_reads_conform_to_the_schema(case: Any, people: World) -> None:
    case.call_and_validate(headers=PLAIN, checks=CHECKS)


@schema.include(path_regex="/my/").parametrize()
@EXAMPLES
def test_token_operations_conform_to_the_schema(case: Any, token: str) -> None:
    case.call_and_validate(headers={**PLAIN, "Authorization": f"Bearer {token}"}, checks=CHECKS)


def test_the_schema_is_openapi_3_1_and_describes_every_operation() -> None:
    raw = schema.raw_schema
    assert raw["openapi"].startswith("3.1")
    assert {"/api/v1/pledges", "/api/v1/my/pledges/{reference}/submit"} <= set(raw["paths"])
