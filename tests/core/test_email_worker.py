"""Email goes through the real background worker and Django's mail API to a real SMTP server."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.db import transaction

from p2c.core.email import email_queue
from tests.conftest import database_url


def run_worker(smtp_port: int) -> subprocess.CompletedProcess[str]:
    """Run the real task worker until the queue is empty."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
    }
    return subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "p2c.cli", "db_worker", "--batch", "--queue-name", "*", "--no-startup-delay"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.django_db(transaction=True)
def test_a_queued_email_is_sent_by_the_worker_after_commit(smtp_sink: Any) -> None:
    with transaction.atomic():
        email_queue(
            subject="Your pledge was published",
            to=["amina@kijiji.example"],
            text="Plain words.",
            html="<p>Plain words.</p>",
        )
        assert smtp_sink.messages == []
    result = run_worker(smtp_sink.port)
    assert result.returncode == 0, result.stderr
    (message,) = smtp_sink.wait_for(1)
    assert message["Subject"] == "Your pledge was published"
    assert message["To"] == "amina@kijiji.example"
    assert message.get_body(("plain",)).get_content().strip() == "Plain words."
    assert message.get_body(("html",)).get_content().strip() == "<p>Plain words.</p>"


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_when_the_transaction_rolls_back(smtp_sink: Any) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        email_queue(subject="Never", to=["olga@example.org"], text="Never sent.")
        raise RuntimeError("the change failed")
    assert run_worker(smtp_sink.port).returncode == 0
    assert smtp_sink.wait_for(1, timeout=1) == []


@pytest.mark.django_db(transaction=True)
def test_a_failed_send_is_retried_later_and_does_not_crash_the_worker(smtp_sink: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    smtp_sink.stop()  # the mail server is down
    email_queue(subject="Retry me", to=["amina@kijiji.example"], text="Second time lucky.")
    assert run_worker(smtp_sink.port).returncode == 0
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after is not None
