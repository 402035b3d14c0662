"""Transition emails go through the real background worker to a real SMTP server, after the commit."""

from __future__ import annotations

from typing import Any

import pytest

from p2c.entities.models import Entity
from p2c.pledges.models import Pledge
from p2c.pledges.transitions import pledge_publish, pledge_request_changes, pledge_submit
from tests.accounts.helpers import kijiji
from tests.core.test_email_worker import run_worker
from tests.pledges.test_transitions import complete_pledge, olga, rui


@pytest.fixture
def kijiji_amina() -> tuple[Entity, Any]:
    return kijiji()


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_submission_to_reviewers_and_the_decision_to_the_entity(
    smtp_sink: Any, settings: Any, kijiji_amina: tuple[Entity, Any]
) -> None:
    settings.P2C_BASE_URL = "https://pledges.example.org"
    entity, amina = kijiji_amina
    reviewer = rui()
    olga()
    pledge = complete_pledge(entity)

    pledge_submit(pledge=pledge, acting_user=amina, expected_version=1)
    assert smtp_sink.messages == []  # queued, not sent by the request
    result = run_worker(smtp_sink.port)
    assert result.returncode == 0, result.stderr
    (submitted,) = smtp_sink.wait_for(1)
    assert submitted["To"] == "rui@secretariat.example"
    assert (
        submitted["Subject"] == f"[Partner2Connect] Pledge {pledge.reference} from Kijiji Telecom is waiting for review"
    )
    body = submitted.get_body(("plain",)).get_content()
    assert f"https://pledges.example.org/review/{pledge.reference}/" in body
    assert "Kijiji Telecom submitted the pledge" in body

    pledge_request_changes(
        pledge=pledge, acting_user=reviewer, expected_version=2, comment="Name the 200 schools, please."
    )
    assert run_worker(smtp_sink.port).returncode == 0
    changes = smtp_sink.wait_for(2)[1]
    assert changes["To"] == "amina@kijiji.example"
    assert changes["Subject"] == f"[Partner2Connect] Changes requested to your pledge {pledge.reference}"
    assert "Name the 200 schools, please." in changes.get_body(("plain",)).get_content()
    assert "Name the 200 schools, please." in changes.get_body(("html",)).get_content()

    pledge_submit(pledge=pledge, acting_user=amina, expected_version=3)
    pledge_publish(pledge=pledge, acting_user=reviewer, expected_version=4)
    assert run_worker(smtp_sink.port).returncode == 0
    messages = smtp_sink.wait_for(4)
    published = [m for m in messages if "is published" in m["Subject"]]
    assert [m["To"] for m in published] == ["amina@kijiji.example"]
    assert f"https://pledges.example.org/pledges/{pledge.reference}/" in published[0].get_body(("plain",)).get_content()
    assert "olga@example.org" not in {m["To"] for m in messages}


@pytest.mark.django_db(transaction=True)
def test_a_failing_mail_server_does_not_make_the_transition_fail(
    smtp_sink: Any, kijiji_amina: tuple[Entity, Any]
) -> None:
    from django_tasks_db.models import DBTaskResult

    entity, _amina = kijiji_amina
    pledge = complete_pledge(entity, state=Pledge.State.SUBMITTED)
    smtp_sink.stop()  # the mail server is down
    published = pledge_publish(pledge=pledge, acting_user=rui(), expected_version=1)
    assert published.state == Pledge.State.PUBLISHED
    assert run_worker(smtp_sink.port).returncode == 0
    pledge.refresh_from_db()
    assert (pledge.state, pledge.version) == (Pledge.State.PUBLISHED, 2)
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.args_kwargs["kwargs"]["to"] == ["amina@kijiji.example"]
