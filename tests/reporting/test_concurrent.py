"""Two people acting on the same report at the same moment, each in their own thread and connection.

Of two reviewers deciding on the same version, one wins and the other gets the page back with a
409; nothing is applied twice. Two reminder runs at once send each digest once. Needs real row
locks and concurrent transactions, so it runs on PostgreSQL only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from p2c.core.models import AuditEvent
from p2c.pledges.models import Pledge
from p2c.reporting.models import ProgressReport, ReminderSent, ReportingCycle
from p2c.reporting.reminders import reminders_send
from p2c.reporting.services import report_draft_save
from p2c.reporting.transitions import report_submit
from tests.reporting.helpers import rosa, scene, values
from tests.review.helpers import client_for

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises whole transactions; concurrent row locks need PostgreSQL (set DATABASE_URL).",
)


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run each call at the same moment, each from its own thread (own connection); their results."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            start.wait()
            results[index] = call()
        except Exception as exc:  # reported by the assertions
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_accepting_at_once_accept_once() -> None:
    s = scene()
    report = report_draft_save(pledge=s.pledge, cycle=s.cycle, acting_user=s.amina, **values(s))
    report = report_submit(report=report, acting_user=s.amina, expected_version=report.version)
    url = f"/review/reports/{report.pk}/accept/"
    first, second = client_for(s.rui), client_for(rosa())
    responses = at_once(
        lambda: first.post(url, {"version": report.version}), lambda: second.post(url, {"version": report.version})
    )
    assert sorted(getattr(r, "status_code", repr(r)) for r in responses) == [302, 409], responses
    loser = next(r for r in responses if r.status_code == 409)
    assert "This report changed since you opened it" in loser.content.decode()
    report.refresh_from_db()
    assert (report.state, report.is_latest) == ("accepted", True)
    assert (
        list(
            AuditEvent.objects.filter(content_type__model="progressreport", object_id=str(report.pk), action="accepted")
        ).__len__()
        == 1
    )
    assert AuditEvent.objects.filter(content_type__model="pledge", action="delivery_reported").count() == 1
    assert Pledge.objects.get(pk=s.pledge.pk).last_report_year == s.cycle.year


@pytest.mark.django_db(transaction=True)
def test_accept_and_clarification_posted_at_once_apply_exactly_one_decision() -> None:
    s = scene()
    report = report_draft_save(pledge=s.pledge, cycle=s.cycle, acting_user=s.amina, **values(s))
    report = report_submit(report=report, acting_user=s.amina, expected_version=report.version)
    base = f"/review/reports/{report.pk}"
    first, second = client_for(s.rui), client_for(rosa())
    responses = at_once(
        lambda: first.post(f"{base}/accept/", {"version": report.version}),
        lambda: second.post(f"{base}/request-clarification/", {"version": report.version, "comment": "Which?"}),
    )
    assert sorted(getattr(r, "status_code", repr(r)) for r in responses) == [302, 409], responses
    report.refresh_from_db()
    decided = "accepted" if responses[0].status_code == 302 else "clarification_requested"
    assert report.state == decided
    events = AuditEvent.objects.filter(content_type__model="progressreport", object_id=str(report.pk))
    assert list(events.exclude(action__in=["created", "submitted"]).values_list("action", flat=True)) == [decided]


@pytest.mark.django_db(transaction=True)
def test_two_reminder_runs_at_once_send_each_digest_once() -> None:
    s = scene()
    today = s.cycle.opens_on
    results = at_once(lambda: reminders_send(today=today), lambda: reminders_send(today=today))
    assert all(not isinstance(r, Exception) for r in results), results
    assert sum(r.emails for r in results) == 2  # Amina and Mo, once each
    assert ReminderSent.objects.get().recipients == 2
    assert ReportingCycle.objects.get().year == s.cycle.year
    assert ProgressReport.objects.count() == 0
