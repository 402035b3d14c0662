"""Report transitions: every action from every state, who may act, required texts, audit, versions, effects."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from p2c.core.models import AuditEvent
from p2c.dashboard.models import DataVersion
from p2c.pledges.models import Pledge
from p2c.reporting.models import ProgressReport, ReportingCycle
from p2c.reporting.services import ConcurrentEditError, report_draft_save
from p2c.reporting.transitions import (
    TRANSITIONS,
    TransitionError,
    report_accept,
    report_request_clarification,
    report_submit,
    report_withdraw,
)
from tests.accounts.helpers import send_emails_at_once
from tests.factories import MembershipFactory, UserFactory
from tests.reporting.helpers import Scene, accepted_report, cycle, olga, scene, values

pytestmark = pytest.mark.django_db
State = ProgressReport.State


@pytest.fixture
def s() -> Scene:
    return scene()


def draft(s: Scene, **overrides: Any) -> ProgressReport:
    return report_draft_save(pledge=s.pledge, cycle=s.cycle, acting_user=s.amina, **values(s, **overrides))


def in_state(s: Scene, state: str) -> ProgressReport:
    report = draft(s)
    ProgressReport.objects.filter(pk=report.pk).update(
        state=state, submitted_at=None if state == State.DRAFT else report.created_at
    )
    report.refresh_from_db()
    return report


def act(action: str, s: Scene, report: ProgressReport) -> ProgressReport:
    if action == "submit":
        return report_submit(report=report, acting_user=s.amina, expected_version=report.version)
    if action == "accept":
        return report_accept(report=report, acting_user=s.rui, expected_version=report.version)
    if action == "request_clarification":
        return report_request_clarification(
            report=report, acting_user=s.rui, expected_version=report.version, comment="Which schools?"
        )
    return report_withdraw(report=report, acting_user=s.amina, expected_version=report.version)


@pytest.mark.parametrize("state", [st for st in State.values])
@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_every_action_from_every_state(s: Scene, action: str, state: str) -> None:
    report = in_state(s, state)
    sources, target = TRANSITIONS[action]
    events_before = AuditEvent.objects.filter(content_type__model="progressreport").count()
    if state in sources:
        done = act(action, s, report)
        assert (done.state, done.version) == (target, report.version + 1)
        event = AuditEvent.objects.filter(content_type__model="progressreport").latest("id")
        assert (event.from_state, event.to_state) == (state, target)
    else:
        with pytest.raises(TransitionError):
            act(action, s, report)
        report.refresh_from_db()
        assert report.state == state
        assert AuditEvent.objects.filter(content_type__model="progressreport").count() == events_before


def test_submitting_needs_a_complete_report(s: Scene) -> None:
    report = report_draft_save(pledge=s.pledge, cycle=s.cycle, acting_user=s.amina, percent_complete=10)
    with pytest.raises(ValidationError) as caught:
        report_submit(report=report, acting_user=s.amina, expected_version=report.version)
    assert {"delivery_status", "usd_disbursed", "narrative"} <= set(caught.value.message_dict)
    report.refresh_from_db()
    assert report.state == State.DRAFT


def test_who_may_submit(s: Scene) -> None:
    report = draft(s)
    unverified = UserFactory(email="uma@kijiji.example")
    MembershipFactory(user=unverified, entity=s.kijiji)
    for person in (olga(), s.rui, unverified):
        with pytest.raises(PermissionDenied):
            report_submit(report=report, acting_user=person, expected_version=report.version)
    assert report_submit(report=report, acting_user=s.mo, expected_version=report.version).state == State.SUBMITTED


def test_who_may_accept_or_ask_for_clarification(s: Scene) -> None:
    report = act("submit", s, draft(s))
    member_reviewer = s.rui
    MembershipFactory(user=member_reviewer, entity=s.kijiji)
    for person in (olga(), s.amina, member_reviewer):
        with pytest.raises(PermissionDenied):
            report_accept(report=report, acting_user=person, expected_version=report.version)
        with pytest.raises(PermissionDenied):
            report_request_clarification(
                report=report, acting_user=person, expected_version=report.version, comment="?"
            )
    report.refresh_from_db()
    assert report.state == State.SUBMITTED


def test_a_clarification_needs_a_question(s: Scene) -> None:
    report = act("submit", s, draft(s))
    with pytest.raises(ValidationError) as caught:
        report_request_clarification(report=report, acting_user=s.rui, expected_version=report.version, comment="  ")
    assert caught.value.message_dict == {"comment": ["Say what needs clarifying."]}


def test_a_stale_version_is_refused_before_anything_else(s: Scene) -> None:
    report = act("submit", s, draft(s))
    with pytest.raises(ConcurrentEditError):
        report_accept(report=report, acting_user=s.rui, expected_version=report.version - 1)
    report.refresh_from_db()
    assert report.state == State.SUBMITTED


def test_accepting_sets_the_pledges_delivery_status_and_last_report_year(
    s: Scene, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    send_emails_at_once(settings)
    updated_at = Pledge.objects.get(pk=s.pledge.pk).updated_at
    version = DataVersion.objects.filter(id=1).values_list("number", flat=True).first() or 0
    report = act("submit", s, draft(s, delivery_status=Pledge.DeliveryStatus.DELAYED))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        accepted = report_accept(report=report, acting_user=s.rui, expected_version=report.version, comment="Thanks!")
    assert (accepted.state, accepted.is_latest) == (State.ACCEPTED, True)
    assert accepted.accepted_at is not None
    pledge = Pledge.objects.get(pk=s.pledge.pk)
    assert (pledge.delivery_status, pledge.last_report_year, pledge.version) == ("delayed", 2026, 1)
    assert pledge.updated_at == updated_at  # the pledge's content did not change
    assert DataVersion.objects.get(id=1).number > version
    event = AuditEvent.objects.get(content_type__model="pledge", object_id=str(s.pledge.pk), action="delivery_reported")
    assert event.changed_fields == {"delivery_status": ["", "delayed"], "last_report_year": [None, 2026]}
    assert event.actor == s.rui
    assert sorted(m.to[0] for m in mail.outbox) == ["amina@kijiji.example", "mo@kijiji.example"]
    assert mail.outbox[0].subject == f"[Partner2Connect] Your 2026 progress report on {s.pledge.reference} is published"
    assert "Thanks!" in mail.outbox[0].body
    assert f"/pledges/{s.pledge.reference}/#delivery" in mail.outbox[0].body


def test_the_latest_cycle_decides_even_when_an_older_report_is_accepted_later(s: Scene) -> None:
    older = cycle(2025, state=ReportingCycle.State.CLOSED)
    new = act("submit", s, draft(s, delivery_status=Pledge.DeliveryStatus.ON_TRACK))
    late = ProgressReport.objects.create(
        pledge=s.pledge, cycle=older, state=State.SUBMITTED, delivery_status="delayed", percent_complete=5,
        usd_disbursed=Decimal(1), narrative="Late.", submitted_at=new.submitted_at,
    )  # fmt: skip
    report_accept(report=new, acting_user=s.rui, expected_version=new.version)
    report_accept(report=late, acting_user=s.rui, expected_version=late.version)
    pledge = Pledge.objects.get(pk=s.pledge.pk)
    assert (pledge.delivery_status, pledge.last_report_year) == ("on_track", 2026)
    assert list(ProgressReport.objects.filter(is_latest=True)) == [ProgressReport.objects.get(pk=new.pk)]


def test_a_report_of_a_pledge_withdrawn_meanwhile_is_not_accepted(s: Scene) -> None:
    report = act("submit", s, draft(s))
    Pledge.objects.filter(pk=s.pledge.pk).update(state=Pledge.State.WITHDRAWN)
    with pytest.raises(TransitionError, match="no longer published"):
        report_accept(report=report, acting_user=s.rui, expected_version=report.version)
    assert Pledge.objects.get(pk=s.pledge.pk).delivery_status == ""


def test_submitting_emails_the_reviewers_but_not_members_of_the_entity(
    s: Scene, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    send_emails_at_once(settings)
    from tests.reporting.helpers import rosa

    rosa_ = rosa()
    MembershipFactory(user=rosa_, entity=s.kijiji)
    with django_capture_on_commit_callbacks(execute=True):
        act("submit", s, draft(s))
    (email,) = mail.outbox
    assert email.to == ["rui@secretariat.example"]
    assert email.subject == (
        f"[Partner2Connect] Progress report 2026 on {s.pledge.reference} from Kijiji Telecom is waiting for review"
    )
    report = ProgressReport.objects.get()
    assert f"/review/reports/{report.pk}/" in email.body


def test_a_clarification_is_emailed_to_the_members_with_the_question_and_the_form(
    s: Scene, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    send_emails_at_once(settings)
    report = act("submit", s, draft(s))
    with django_capture_on_commit_callbacks(execute=True):
        act("request_clarification", s, report)
    assert sorted(m.to[0] for m in mail.outbox) == ["amina@kijiji.example", "mo@kijiji.example"]
    assert "Which schools?" in mail.outbox[0].body
    assert f"/my/pledges/{s.pledge.reference}/report/" in mail.outbox[0].body
    # The pledger answers by editing and submitting again.
    report.refresh_from_db()
    again = report_draft_save(
        pledge=s.pledge, cycle=s.cycle, acting_user=s.amina, report=report, expected_version=report.version,
        narrative="Turkana: 50 schools; Marsabit: 30.",
    )  # fmt: skip
    assert act("submit", s, again).state == State.SUBMITTED


def test_an_accepted_report_of_an_earlier_cycle_keeps_its_place(s: Scene) -> None:
    old = accepted_report(s.pledge, cycle(2025, state="closed"), status="delayed")
    report = act("submit", s, draft(s, delivery_status=Pledge.DeliveryStatus.COMPLETED))
    act("accept", s, report)
    old.refresh_from_db()
    assert (old.is_latest, old.state) == (False, State.ACCEPTED)
    assert Pledge.objects.get(pk=s.pledge.pk).delivery_status == "completed"
