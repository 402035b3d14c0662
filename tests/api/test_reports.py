"""``/api/v1/reports``: accepted progress reports of published pledges, and nothing else."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from p2c.pledges.models import Pledge
from p2c.reporting.models import ProgressReport
from p2c.reporting.services import report_draft_save
from p2c.reporting.transitions import report_accept, report_request_clarification, report_submit
from tests.accounts.helpers import send_emails_at_once
from tests.factories import EntityFactory
from tests.reporting.helpers import published, scene, values, with_targets

pytestmark = pytest.mark.django_db


def test_an_accepted_report_is_listed_with_its_money_and_targets(settings: Any) -> None:
    send_emails_at_once(settings)
    s = scene()
    fields = values(s)
    actuals = fields.pop("actuals")
    report = report_draft_save(pledge=s.pledge, cycle=s.cycle, acting_user=s.amina, actuals=actuals, **fields)
    report = report_submit(report=report, acting_user=s.amina, expected_version=report.version)
    client = Client()
    assert client.get("/api/v1/reports").json()["results"] == []  # submitted: not public yet
    report_accept(report=report, acting_user=s.rui, expected_version=report.version)

    (row,) = client.get(f"/api/v1/reports?pledge={s.pledge.reference.lower()}").json()["results"]
    assert row["pledge"] == s.pledge.reference
    assert row["pledge_url"].endswith(f"/pledges/{s.pledge.reference}/")
    assert (row["cycle"], row["delivery_status"], row["percent_complete"]) == (2026, "on_track", 40)
    assert (row["usd_disbursed"], row["usd_pledged"]) == ("400000.00", "1000000.00")
    assert [(t["indicator"], t["actual_value"]) for t in row["targets"]] == [
        ("Schools connected", "80.00"),
        ("Teachers trained", "310.00"),
    ]
    assert row["is_latest"] is True
    assert client.get("/api/v1/reports?cycle=2025").json()["results"] == []
    assert client.get("/api/v1/reports?cycle=twenty").json()["errors"]["cycle"]


def test_unaccepted_reports_and_reports_of_unpublished_pledges_never_appear(settings: Any) -> None:
    send_emails_at_once(settings)
    s = scene()
    fields = values(s)
    actuals = fields.pop("actuals")
    # Sent back for clarification.
    asked = report_draft_save(pledge=s.pledge, cycle=s.cycle, acting_user=s.amina, actuals=actuals, **fields)
    asked = report_submit(report=asked, acting_user=s.amina, expected_version=asked.version)
    report_request_clarification(report=asked, acting_user=s.rui, expected_version=asked.version, comment="Which?")
    # A draft of another published pledge.
    other = published(s.kijiji, title="Train 500 teachers")
    with_targets(other)
    report_draft_save(pledge=other, cycle=s.cycle, acting_user=s.amina, narrative="LEAK draft")
    # An accepted report of a pledge withdrawn since.
    gone = published(EntityFactory(name="Gone Org"), title="Withdrawn later")
    ProgressReport.objects.create(
        pledge=gone, cycle=s.cycle, state=ProgressReport.State.ACCEPTED, narrative="LEAK withdrawn", is_latest=True
    )
    Pledge.objects.filter(pk=gone.pk).update(state=Pledge.State.WITHDRAWN)

    for query in ("", f"pledge={s.pledge.reference}", f"pledge={gone.reference}", "cycle=2026", "limit=500"):
        body = Client().get(f"/api/v1/reports?{query}").content.decode()
        assert '"results":[]' in body, query
        assert "LEAK" not in body and "Which?" not in body


def test_pages_follow_the_cursor_without_repeating_a_report(settings: Any) -> None:
    s = scene()
    from tests.reporting.helpers import accepted_report, cycle

    for year in (2023, 2024, 2025):
        accepted_report(s.pledge, cycle(year, state="closed"), latest=year == 2025)
    client = Client()
    first = client.get("/api/v1/reports?limit=2").json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert len(set(ids)) == 3
