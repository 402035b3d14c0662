"""Reminders go through the real background worker to a real SMTP server: one digest per entity, each
kind once — when the cycle opens, two weeks before its deadline, after it — never twice, even when
the job runs twice, with a link straight to each pledge's report form."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.management import call_command

from p2c.entities.models import Membership
from p2c.pledges.models import Pledge
from p2c.reporting.models import ProgressReport, ReminderSent, ReportingCycle
from p2c.reporting.reminders import reminder_kind, reminders_send
from p2c.reporting.tasks import reminders_send_task
from tests.core.test_email_worker import run_worker
from tests.factories import EntityFactory, MembershipFactory
from tests.reporting.helpers import cycle, published, scene, verified_user

OPENS = dt.date(2027, 1, 15)
CLOSES = dt.date(2027, 3, 31)


def test_the_kind_of_the_day() -> None:
    c = ReportingCycle(year=2026, opens_on=OPENS, closes_on=CLOSES, state=ReportingCycle.State.OPEN)
    assert reminder_kind(c, OPENS - dt.timedelta(days=1)) is None
    assert reminder_kind(c, OPENS) == "opened"
    assert reminder_kind(c, CLOSES - dt.timedelta(days=15)) == "opened"
    assert reminder_kind(c, CLOSES - dt.timedelta(days=14)) == "closing"
    assert reminder_kind(c, CLOSES) == "closing"
    assert reminder_kind(c, CLOSES + dt.timedelta(days=1)) == "overdue"
    c.state = ReportingCycle.State.CLOSED
    assert reminder_kind(c, CLOSES + dt.timedelta(days=1)) is None


def delivered(smtp_sink: Any, count: int) -> list[Any]:
    result = run_worker(smtp_sink.port)
    assert result.returncode == 0, result.stderr
    return smtp_sink.wait_for(count)  # the worker has sent everything by the time it exits


def links(message: Any) -> list[str]:
    return re.findall(r"https?://\S+", message.get_body(("plain",)).get_content())


@pytest.mark.django_db(transaction=True)
def test_each_reminder_goes_once_as_one_digest_per_entity(smtp_sink: Any, settings: Any) -> None:
    settings.P2C_BASE_URL = "https://pledges.example.org"
    s = scene()
    ReportingCycle.objects.filter(pk=s.cycle.pk).update(opens_on=OPENS, closes_on=CLOSES)
    second = published(s.kijiji, title="Train 800 teachers")
    savannah = EntityFactory(name="Savannah Broadband", slug="savannah-broadband")
    MembershipFactory(user=verified_user(email="sara@savannah.example", full_name="Sara"), entity=savannah)
    MembershipFactory(
        user=verified_user(email="pending@savannah.example"), entity=savannah, status=Membership.Status.REQUESTED
    )
    savannah_pledge = published(savannah, title="Rural towers")
    done = EntityFactory(name="Done Already")
    MembershipFactory(user=verified_user(email="d@done.example"), entity=done)
    done_pledge = published(done, title="Reported")
    ProgressReport.objects.create(pledge=done_pledge, cycle=s.cycle, state="submitted")
    orphan = EntityFactory(name="Nobody Home")
    published(orphan, title="Unattended")
    published(s.kijiji, title="Withdrawn", state=Pledge.State.WITHDRAWN)

    # The cycle opens: one digest per entity with pledges to report on, to each active member.
    run = reminders_send(today=OPENS)
    assert (run.kind, sorted(run.entities), run.emails, run.without_members) == (
        "opened",
        ["Kijiji Telecom", "Savannah Broadband"],
        3,
        1,
    )
    messages = delivered(smtp_sink, 3)
    assert sorted(m["To"] for m in messages) == ["amina@kijiji.example", "mo@kijiji.example", "sara@savannah.example"]
    amina = next(m for m in messages if m["To"] == "amina@kijiji.example")
    assert (
        amina["Subject"]
        == "[Partner2Connect] Progress reports for 2026 are open: 2 pledges of Kijiji Telecom to report on"
    )
    assert f"https://pledges.example.org/my/pledges/{s.pledge.reference}/report/" in links(amina)
    assert f"https://pledges.example.org/my/pledges/{second.reference}/report/" in links(amina)
    assert "https://pledges.example.org/my/reports/" in links(amina)
    assert savannah_pledge.reference in next(m for m in messages if m["To"] == "sara@savannah.example")["Subject"] + (
        next(m for m in messages if m["To"] == "sara@savannah.example").get_body(("plain",)).get_content()
    )
    assert (
        f'href="https://pledges.example.org/my/pledges/{s.pledge.reference}/report/"'
        in amina.get_body(("html",)).get_content()
    )

    # The job runs again the same day, and the next: nothing more is sent.
    assert reminders_send(today=OPENS).emails == 0
    call_command("send_reminders", date=str(OPENS + dt.timedelta(days=1)))
    assert len(delivered(smtp_sink, 3)) == 3
    assert ReminderSent.objects.count() == 2

    # Two weeks before the deadline: Kijiji's first pledge is reported meanwhile, so its digest lists one.
    ProgressReport.objects.create(pledge=s.pledge, cycle=s.cycle, state="accepted")
    closing = CLOSES - dt.timedelta(days=14)
    assert reminders_send(today=closing).emails == 3
    assert reminders_send(today=closing).emails == 0
    messages = delivered(smtp_sink, 6)[3:]
    amina = next(m for m in messages if m["To"] == "amina@kijiji.example")
    assert (
        amina["Subject"]
        == "[Partner2Connect] Two weeks left: the 2026 progress reports of Kijiji Telecom are due by 31 March 2027"
    )
    assert s.pledge.reference not in amina.get_body(("plain",)).get_content()
    assert "in 14 days" in amina.get_body(("plain",)).get_content()

    # After the deadline, for what is still missing; then never again.
    late = CLOSES + dt.timedelta(days=1)
    assert reminders_send(today=late).emails == 3
    for day in range(2, 5):
        assert reminders_send(today=CLOSES + dt.timedelta(days=day)).emails == 0
    messages = delivered(smtp_sink, 9)[6:]
    assert {m["Subject"] for m in messages} == {
        "[Partner2Connect] Overdue: 1 progress report for 2026 still missing from Kijiji Telecom",
        "[Partner2Connect] Overdue: 1 progress report for 2026 still missing from Savannah Broadband",
    }
    assert (
        sorted(ReminderSent.objects.values_list("kind", flat=True))
        == ["closing"] * 2 + ["opened"] * 2 + ["overdue"] * 2
    )

    # Once the secretariat closes the cycle, reminders stop.
    ReportingCycle.objects.filter(pk=s.cycle.pk).update(state=ReportingCycle.State.CLOSED)
    assert reminders_send(today=late).cycle is None


@pytest.mark.django_db(transaction=True)
def test_the_background_task_sends_the_same_reminders(smtp_sink: Any) -> None:
    s = scene()
    ReportingCycle.objects.filter(pk=s.cycle.pk).update(opens_on=OPENS, closes_on=CLOSES)
    reminders_send_task.enqueue(today=OPENS.isoformat())
    reminders_send_task.enqueue(today=OPENS.isoformat())  # queued twice: still one digest per member
    messages = delivered(smtp_sink, 2)
    assert sorted(m["To"] for m in messages) == ["amina@kijiji.example", "mo@kijiji.example"]
    assert len(delivered(smtp_sink, 2)) == 2


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_before_the_cycle_opens_or_without_a_cycle(smtp_sink: Any) -> None:
    assert reminders_send(today=OPENS).cycle is None
    s = scene()
    ReportingCycle.objects.filter(pk=s.cycle.pk).update(opens_on=OPENS, closes_on=CLOSES)
    assert reminders_send(today=OPENS - dt.timedelta(days=1)).kind is None
    cycle(2025, state="closed")
    assert delivered(smtp_sink, 0) == []
