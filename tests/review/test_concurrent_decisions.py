"""Two reviewers deciding on the same version through the review screens at the same moment.

Each reviewer has their own browser session (a ``Client``) and thread, hence their own database
connection. One decision wins; the other reviewer gets the page back with a 409 saying the pledge
changed meanwhile; nothing is applied twice. Needs real row locks, so it runs on PostgreSQL only.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from p2c.pledges.models import Pledge
from tests.accounts.helpers import kijiji
from tests.review.helpers import client_for, complete_pledge, rosa, rui, transition_events

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises whole transactions; concurrent row locks need PostgreSQL (set DATABASE_URL).",
)


def race(*posts: tuple[Client, str, dict[str, Any]]) -> list[Any]:
    """POST each ``(client, url, data)`` at the same moment, each from its own thread; the responses."""
    start = threading.Barrier(len(posts))
    responses: list[Any] = [None] * len(posts)

    def run(index: int, client: Client, url: str, data: dict[str, Any]) -> None:
        try:
            start.wait()
            responses[index] = client.post(url, data)
        except Exception as exc:  # reported by the assertions
            responses[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


@pytest.mark.django_db(transaction=True)
def test_publish_and_reject_posted_at_once_apply_exactly_one_decision() -> None:
    entity, _amina = kijiji()
    pledge = complete_pledge(entity, state=Pledge.State.SUBMITTED)
    url = f"/review/{pledge.reference}"
    publishing, rejecting = client_for(rui()), client_for(rosa())
    responses = race(
        (publishing, f"{url}/publish/", {"version": 1, "comment": "Welcome."}),
        (rejecting, f"{url}/reject/", {"version": 1, "reason": "A duplicate."}),
    )
    statuses = sorted(getattr(r, "status_code", repr(r)) for r in responses)
    assert statuses == [302, 409], responses
    loser = next(r for r in responses if r.status_code == 409)
    assert "This pledge changed since you opened it" in loser.content.decode()
    pledge.refresh_from_db()
    winner_state = Pledge.State.PUBLISHED if responses[0].status_code == 302 else Pledge.State.REJECTED
    assert (pledge.state, pledge.version) == (winner_state, 2)
    (event,) = transition_events(pledge)
    assert (event.from_state, event.to_state) == (Pledge.State.SUBMITTED, winner_state)


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_publishing_at_once_publish_once() -> None:
    entity, _amina = kijiji()
    pledge = complete_pledge(entity, state=Pledge.State.SUBMITTED)
    url = f"/review/{pledge.reference}/publish/"
    responses = race((client_for(rui()), url, {"version": 1}), (client_for(rosa()), url, {"version": 1}))
    assert sorted(getattr(r, "status_code", repr(r)) for r in responses) == [302, 409], responses
    pledge.refresh_from_db()
    assert (pledge.state, pledge.version) == (Pledge.State.PUBLISHED, 2)
    assert [e.action for e in transition_events(pledge)] == ["published"]
