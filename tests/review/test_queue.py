"""The review queue at /review/: who may see it, its filters, counts, bad parameters and query counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from p2c.entities.models import Entity, EntityType
from p2c.pledges.models import Pledge
from tests.accounts.helpers import kijiji
from tests.factories import EntityFactory
from tests.review.helpers import client_for, complete_pledge, olga, revision_submitted, rui

pytestmark = pytest.mark.django_db

State = Pledge.State


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def references(html: str) -> list[str]:
    """The references of the queue's rows, in order."""
    return re.findall(r'<span class="ref">([^<]+)</span>', html)


@pytest.fixture
def pledges() -> dict[str, Pledge]:
    """Pledges in every state, submitted at different times, by a company and by a government."""
    company, _amina = kijiji()
    ministry = EntityFactory(name="Ministry of ICT", entity_type=EntityType.objects.get(code="government"))
    return {
        "old": complete_pledge(company, state=State.SUBMITTED, reference="P2C-2026-0001", submitted_at=days_ago(40)),
        "ministry": complete_pledge(
            ministry, state=State.SUBMITTED, reference="P2C-2026-0002", submitted_at=days_ago(10), title="Ministry"
        ),
        "new": complete_pledge(company, state=State.SUBMITTED, reference="P2C-2026-0003", submitted_at=days_ago(1)),
        "back": complete_pledge(
            company, state=State.CHANGES_REQUESTED, reference="P2C-2026-0004", submitted_at=days_ago(20)
        ),
        "rejected": complete_pledge(company, state=State.REJECTED, reference="P2C-2026-0005", submitted_at=days_ago(5)),
        "draft": complete_pledge(company, state=State.DRAFT, reference="P2C-2026-0006"),
        "published": complete_pledge(company, state=State.PUBLISHED, reference="P2C-2026-0007"),
    }


def test_anonymous_people_are_sent_to_sign_in(client: Client) -> None:
    response = client.get("/review/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/review/"


def test_people_who_are_not_reviewers_are_refused() -> None:
    response = client_for(olga()).get("/review/")
    assert response.status_code == 403
    assert "This area is for the secretariat&#x27;s reviewers." in response.content.decode()


def test_the_queue_shows_submitted_pledges_oldest_first_by_default(pledges: dict[str, Pledge]) -> None:
    response = client_for(rui()).get("/review/")
    html = response.content.decode()
    assert response.status_code == 200
    assert references(html) == ["P2C-2026-0001", "P2C-2026-0002", "P2C-2026-0003"]
    assert "<strong>3</strong> pledges match." in html
    assert "Kijiji Telecom" in html and "Private sector" in html and "Government" in html
    assert "40 days ago" in html
    assert f'href="/review/{pledges["old"].reference}/"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=changes_requested", ["P2C-2026-0004"]),
        ("state=rejected", ["P2C-2026-0005"]),
        ("state=open", ["P2C-2026-0001", "P2C-2026-0004", "P2C-2026-0002", "P2C-2026-0003"]),
        ("age=7", ["P2C-2026-0001", "P2C-2026-0002"]),
        ("age=30", ["P2C-2026-0001"]),
        ("entity_type=government", ["P2C-2026-0002"]),
        ("state=open&age=30&entity_type=private-sector", ["P2C-2026-0001"]),
        ("state=open&entity_type=private-sector&age=7", ["P2C-2026-0001", "P2C-2026-0004"]),
    ],
)
def test_filters_by_state_age_and_entity_type(pledges: dict[str, Pledge], query: str, expected: list[str]) -> None:
    html = client_for(rui()).get(f"/review/?{query}").content.decode()
    assert references(html) == expected
    count = len(expected)
    assert f"<strong>{count}</strong> pledge{'s match' if count > 1 else ' matches'}." in html


def test_the_form_shows_the_filters_in_force(pledges: dict[str, Pledge]) -> None:
    html = client_for(rui()).get("/review/?state=rejected&age=30&entity_type=government").content.decode()
    assert '<option value="rejected" selected>' in html
    assert '<option value="30" selected>' in html
    assert '<option value="government" selected>' in html
    assert "No pledges match these filters." in html


@pytest.mark.parametrize(
    "query",
    [
        "state=draft",
        "state=published&age=-1",
        "age=abc&entity_type=nope",
        "entity_type=%00&state[]=x",
        "page=zzz",
        "page=-3&age=7000",
        "page=99999",
        "state=%F0%9F%92%A5&age=%FF",
    ],
)
def test_malformed_parameters_are_ignored(pledges: dict[str, Pledge], query: str) -> None:
    response = client_for(rui()).get(f"/review/?{query}")
    assert response.status_code == 200
    assert references(response.content.decode()) == ["P2C-2026-0001", "P2C-2026-0002", "P2C-2026-0003"]


def test_drafts_and_published_pledges_are_never_in_the_queue(pledges: dict[str, Pledge]) -> None:
    for state in ("submitted", "changes_requested", "rejected", "open"):
        html = client_for(rui()).get(f"/review/?state={state}").content.decode()
        assert "P2C-2026-0006" not in html and "P2C-2026-0007" not in html


def test_a_row_says_which_published_pledge_a_revision_changes_and_untitled_pledges_say_so() -> None:
    entity, amina = kijiji()
    published, revision = revision_submitted(entity, amina)
    complete_pledge(entity, state=State.SUBMITTED, title="", reference="P2C-2026-0100")
    html = client_for(rui()).get("/review/").content.decode()
    assert revision.reference in html
    assert f"revision of {published.reference}" in html
    assert "(untitled)" in html


def test_the_queue_is_paginated_keeping_the_filters(pledges: dict[str, Pledge]) -> None:
    company = Entity.objects.get(slug="kijiji-telecom")
    for number in range(30):
        complete_pledge(company, state=State.SUBMITTED, reference=f"P2C-2025-{number:04d}", submitted_at=days_ago(60))
    client = client_for(rui())
    first = client.get("/review/?age=30").content.decode()
    assert "<strong>31</strong> pledges match." in first
    assert len(references(first)) == 25
    assert "Page 1 of 2" in first
    assert 'href="?state=submitted&amp;age=30&amp;page=2"' in first
    second = client.get("/review/?state=submitted&age=30&page=2").content.decode()
    assert references(second)[-1] == "P2C-2026-0001"  # 40 days, after the 60-day-old ones


def test_the_number_of_queries_does_not_grow_with_the_rows() -> None:
    entity, amina = kijiji()
    revision_submitted(entity, amina)
    client = client_for(rui())
    client.get("/review/")  # warm the session and the permission cache

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/review/?state=open").status_code == 200
        return len(captured)

    few = queries()
    others = [EntityFactory(entity_type=EntityType.objects.get(code=code)) for code in ("government", "academia")]
    for number in range(20):
        complete_pledge(others[number % 2], state=State.SUBMITTED, reference=f"P2C-2025-{number:04d}")
    assert queries() == few
