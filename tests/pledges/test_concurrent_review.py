"""Two reviewers acting on the same version at the same time: one wins, the other is told it changed.

Needs real row locks and concurrent connections, so it runs on PostgreSQL only.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from p2c.accounts.models import User
from p2c.core.models import AuditEvent
from p2c.core.setup import reviewers_group_ensure
from p2c.pledges.models import Pledge
from p2c.pledges.services import ConcurrentEditError
from p2c.pledges.transitions import pledge_publish, pledge_reject
from tests.accounts.helpers import kijiji, verified_user
from tests.pledges.test_transitions import complete_pledge, rui

pytestmark = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite serialises whole transactions; concurrent row locks need PostgreSQL (set DATABASE_URL).",
)


def second_reviewer() -> User:
    rosa = verified_user(email="rosa@secretariat.example", full_name="Rosa")
    rosa.groups.add(reviewers_group_ensure())
    return User.objects.get(pk=rosa.pk)


def race(*calls: Any) -> list[str]:
    """Run ``calls`` at the same moment, each in its own thread and connection; their outcomes."""
    start = threading.Barrier(len(calls))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(call: Any) -> None:
        try:
            start.wait()
            call()
            outcome = "done"
        except ConcurrentEditError:
            outcome = "changed meanwhile"
        except Exception as exc:  # reported in the assertion message
            outcome = repr(exc)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_publishing_the_same_version_at_once_publish_it_once() -> None:
    entity, _amina = kijiji()
    pledge = complete_pledge(entity, state=Pledge.State.SUBMITTED)
    first, second = rui(), second_reviewer()
    outcomes = race(
        lambda: pledge_publish(pledge=pledge, acting_user=first, expected_version=1),
        lambda: pledge_publish(pledge=pledge, acting_user=second, expected_version=1),
    )
    assert outcomes == ["changed meanwhile", "done"]
    pledge.refresh_from_db()
    assert (pledge.state, pledge.version) == (Pledge.State.PUBLISHED, 2)
    events = AuditEvent.objects.filter(content_type__model="pledge", object_id=str(pledge.pk))
    assert list(events.values_list("action", flat=True)) == ["published"]


@pytest.mark.django_db(transaction=True)
def test_publish_and_reject_at_once_apply_exactly_one_decision() -> None:
    entity, _amina = kijiji()
    pledge = complete_pledge(entity, state=Pledge.State.SUBMITTED)
    first, second = rui(), second_reviewer()
    outcomes = race(
        lambda: pledge_publish(pledge=pledge, acting_user=first, expected_version=1),
        lambda: pledge_reject(pledge=pledge, acting_user=second, expected_version=1, reason="Duplicate."),
    )
    assert outcomes == ["changed meanwhile", "done"]
    pledge.refresh_from_db()
    assert pledge.version == 2
    events = AuditEvent.objects.filter(content_type__model="pledge", object_id=str(pledge.pk))
    assert events.count() == 1
    assert events.get().to_state == pledge.state
