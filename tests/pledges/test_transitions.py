"""Review transitions: every action from every state, who may act, required texts, audit, versions.

Personas: Amina, focal point of Kijiji Telecom, pledges; Rui reviews for the secretariat; Olga
belongs to neither.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from p2c.accounts.models import User
from p2c.core.models import AuditEvent
from p2c.core.setup import reviewers_group_ensure
from p2c.entities.models import Entity, Membership
from p2c.geo.models import Country
from p2c.pledges import notifications, transitions
from p2c.pledges.models import FocusArea, Pledge, PledgeType
from p2c.pledges.services import ConcurrentEditError
from p2c.pledges.transitions import (
    TransitionError,
    pledge_publish,
    pledge_reject,
    pledge_request_changes,
    pledge_submit,
    pledge_withdraw,
)
from tests.accounts.helpers import kijiji, send_emails_at_once, verified_user
from tests.factories import MembershipFactory, PledgeFactory, UserFactory

pytestmark = pytest.mark.django_db

State = Pledge.State


# --- Personas and pledges (also used by the email and concurrency tests) ----------------------------


def rui() -> User:
    """Rui, a secretariat reviewer."""
    user = verified_user(email="rui@secretariat.example", full_name="Rui")
    user.groups.add(reviewers_group_ensure())
    return User.objects.get(pk=user.pk)  # a fresh copy: permissions are cached per instance


def olga() -> User:
    """Olga, signed in, member of nothing."""
    return verified_user(email="olga@example.org", full_name="Olga")


def complete_pledge(entity: Entity, *, state: str = State.DRAFT, **fields: Any) -> Pledge:
    """A pledge of ``entity`` with everything a submission needs, in ``state``."""
    values: dict[str, Any] = {
        "title": "Connect 200 rural schools in Kenya",
        "summary": "Fibre and Wi-Fi for 200 schools.",
        "description": "Kijiji Telecom connects **200 schools** by 2027.",
        "start_date": dt.date(2026, 4, 1),
        "end_date": dt.date(2027, 12, 31),
        "countries": [Country.objects.get(iso2="KE")],
        "focus_areas": [FocusArea.objects.order_by("order").first()],
        **fields,
    }
    if state == State.SUBMITTED:
        values.setdefault("submitted_at", dt.datetime(2026, 3, 20, tzinfo=dt.UTC))
    pledge = PledgeFactory(lead_entity=entity, state=state, **values)
    pledge.pledge_types.set([PledgeType.objects.get(code="financial")])
    return pledge


@pytest.fixture
def kijiji_amina() -> tuple[Entity, User]:
    return kijiji()


@pytest.fixture(autouse=True)
def _emails_at_once(settings: Any) -> None:
    send_emails_at_once(settings)


def audit_events(pledge: Pledge) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(content_type__model="pledge", object_id=str(pledge.pk)).order_by("id"))


# --- The matrix: every action from every state -----------------------------------------------------

LEGAL = {
    ("submit", State.DRAFT): State.SUBMITTED,
    ("submit", State.CHANGES_REQUESTED): State.SUBMITTED,
    ("publish", State.SUBMITTED): State.PUBLISHED,
    ("request_changes", State.SUBMITTED): State.CHANGES_REQUESTED,
    ("reject", State.SUBMITTED): State.REJECTED,
    ("withdraw", State.DRAFT): State.WITHDRAWN,
    ("withdraw", State.SUBMITTED): State.WITHDRAWN,
    ("withdraw", State.CHANGES_REQUESTED): State.WITHDRAWN,
    ("withdraw", State.PUBLISHED): State.WITHDRAWN,
}
ACTIONS = ("submit", "publish", "request_changes", "reject", "withdraw")


def act(action: str, pledge: Pledge, *, pledger: User, reviewer: User, version: int | None = None) -> Pledge:
    """Do ``action`` as the person who would normally do it (the pledger or the reviewer)."""
    expected = pledge.version if version is None else version
    if action == "submit":
        return pledge_submit(pledge=pledge, acting_user=pledger, expected_version=expected)
    if action == "withdraw":
        return pledge_withdraw(pledge=pledge, acting_user=pledger, expected_version=expected)
    if action == "publish":
        return pledge_publish(pledge=pledge, acting_user=reviewer, expected_version=expected)
    if action == "request_changes":
        return pledge_request_changes(
            pledge=pledge, acting_user=reviewer, expected_version=expected, comment="Name the 200 schools."
        )
    return pledge_reject(pledge=pledge, acting_user=reviewer, expected_version=expected, reason="Out of scope.")


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_from_every_state(action: str, state: str, kijiji_amina: tuple[Entity, User]) -> None:
    entity, amina = kijiji_amina
    reviewer = rui()
    pledge = complete_pledge(entity, state=state)
    target = LEGAL.get((action, state))
    if target is None:
        with pytest.raises(TransitionError) as caught:
            act(action, pledge, pledger=amina, reviewer=reviewer)
        assert "You cannot" in caught.value.messages[0]
        pledge.refresh_from_db()
        assert (pledge.state, pledge.version) == (state, 1)
        assert audit_events(pledge) == []
        return
    result = act(action, pledge, pledger=amina, reviewer=reviewer)
    pledge.refresh_from_db()
    assert result.state == pledge.state == target
    assert pledge.version == 2
    (event,) = audit_events(pledge)
    assert (event.from_state, event.to_state) == (state, target)
    assert event.actor == (reviewer if action in {"publish", "request_changes", "reject"} else amina)
    assert event.changed_fields["state"] == [state, target]


def test_an_illegal_transition_says_why_in_words(kijiji_amina: tuple[Entity, User]) -> None:
    entity, _amina = kijiji_amina
    pledge = complete_pledge(entity, state=State.DRAFT)
    with pytest.raises(TransitionError, match="You cannot publish a pledge that is draft."):
        pledge_publish(pledge=pledge, acting_user=rui(), expected_version=1)


def test_the_whole_journey_submit_changes_resubmit_publish_withdraw(
    kijiji_amina: tuple[Entity, User], monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    entity, amina = kijiji_amina
    reviewer = rui()
    milestone_runs: list[int] = []
    monkeypatch.setattr("p2c.content.services.milestones_record", lambda: milestone_runs.append(1))
    pledge = complete_pledge(entity)
    with django_capture_on_commit_callbacks(execute=True):
        pledge = pledge_submit(pledge=pledge, acting_user=amina, expected_version=1)
        assert pledge.submitted_at is not None
        pledge = pledge_request_changes(
            pledge=pledge, acting_user=reviewer, expected_version=2, comment="Name the 200 schools."
        )
        pledge = pledge_submit(pledge=pledge, acting_user=amina, expected_version=3)
        assert milestone_runs == []
        pledge = pledge_publish(pledge=pledge, acting_user=reviewer, expected_version=4)
    assert pledge.published_at is not None and pledge.is_public
    assert milestone_runs == [1]
    pledge = pledge_withdraw(pledge=pledge, acting_user=amina, expected_version=5, reason="Merged into P2C-2026-0099")
    pledge.refresh_from_db()
    assert (pledge.state, pledge.version, pledge.is_public) == (State.WITHDRAWN, 6, False)
    trail = [(e.action, e.from_state, e.to_state, e.actor, e.comment) for e in audit_events(pledge)]
    assert trail == [
        ("submitted", "draft", "submitted", amina, ""),
        ("changes_requested", "submitted", "changes_requested", reviewer, "Name the 200 schools."),
        ("submitted", "changes_requested", "submitted", amina, ""),
        ("published", "submitted", "published", reviewer, ""),
        ("withdrawn", "published", "withdrawn", amina, "Merged into P2C-2026-0099"),
    ]
    assert set(audit_events(pledge)[3].changed_fields) == {"state", "published_at"}


# --- Who may act ---------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["submit", "withdraw"])
def test_only_members_of_the_lead_entity_submit_or_withdraw(action: str, kijiji_amina: tuple[Entity, User]) -> None:
    entity, _amina = kijiji_amina
    reviewer = rui()
    for outsider in (olga(), reviewer):
        pledge = complete_pledge(entity)
        with pytest.raises(PermissionDenied, match="Only a member of Kijiji Telecom"):
            act(action, pledge, pledger=outsider, reviewer=reviewer)
        pledge.refresh_from_db()
        assert (pledge.state, pledge.version, audit_events(pledge)) == (State.DRAFT, 1, [])


def test_a_pending_or_declined_member_cannot_act(kijiji_amina: tuple[Entity, User]) -> None:
    entity, _amina = kijiji_amina
    for status in (Membership.Status.REQUESTED, Membership.Status.DECLINED):
        person = verified_user(email=f"{status}@kijiji.example")
        MembershipFactory(user=person, entity=entity, role=Membership.Role.MEMBER, status=status)
        with pytest.raises(PermissionDenied):
            pledge_submit(pledge=complete_pledge(entity), acting_user=person, expected_version=1)


def test_an_ordinary_member_may_submit_and_withdraw(kijiji_amina: tuple[Entity, User]) -> None:
    entity, _amina = kijiji_amina
    baraka = verified_user(email="baraka@kijiji.example")
    MembershipFactory(user=baraka, entity=entity, role=Membership.Role.MEMBER)
    pledge = pledge_submit(pledge=complete_pledge(entity), acting_user=baraka, expected_version=1)
    assert pledge_withdraw(pledge=pledge, acting_user=baraka, expected_version=2).state == State.WITHDRAWN


def test_a_member_must_confirm_their_email_before_submitting(kijiji_amina: tuple[Entity, User]) -> None:
    entity, _amina = kijiji_amina
    unverified = UserFactory(email="new@kijiji.example")
    MembershipFactory(user=unverified, entity=entity, role=Membership.Role.MEMBER)
    with pytest.raises(PermissionDenied, match="Confirm your email address"):
        pledge_submit(pledge=complete_pledge(entity), acting_user=unverified, expected_version=1)


@pytest.mark.parametrize("action", ["publish", "request_changes", "reject"])
def test_only_reviewers_review(action: str, kijiji_amina: tuple[Entity, User]) -> None:
    entity, amina = kijiji_amina
    staff = verified_user(email="staff@example.org", is_staff=True)
    for person in (amina, olga(), staff):
        pledge = complete_pledge(entity, state=State.SUBMITTED)
        with pytest.raises(PermissionDenied, match="Only secretariat reviewers"):
            act(action, pledge, pledger=amina, reviewer=person)
        pledge.refresh_from_db()
        assert (pledge.state, pledge.version, audit_events(pledge)) == (State.SUBMITTED, 1, [])


@pytest.mark.parametrize("action", ["publish", "request_changes", "reject"])
def test_a_reviewer_does_not_review_their_own_entitys_pledges(action: str, kijiji_amina: tuple[Entity, User]) -> None:
    entity, amina = kijiji_amina
    reviewer = rui()
    MembershipFactory(user=reviewer, entity=entity, role=Membership.Role.MEMBER)
    pledge = complete_pledge(entity, state=State.SUBMITTED)
    with pytest.raises(PermissionDenied, match="another reviewer must review"):
        act(action, pledge, pledger=amina, reviewer=reviewer)
    pledge.refresh_from_db()
    assert pledge.state == State.SUBMITTED


def test_an_inactive_reviewer_cannot_review(kijiji_amina: tuple[Entity, User]) -> None:
    entity, _amina = kijiji_amina
    reviewer = rui()
    reviewer.is_active = False
    reviewer.save()
    with pytest.raises(PermissionDenied):
        pledge_publish(pledge=complete_pledge(entity, state=State.SUBMITTED), acting_user=reviewer, expected_version=1)


# --- Required texts and complete submissions -----------------------------------------------------


@pytest.mark.parametrize(
    ("action", "field"), [("request_changes", "comment"), ("reject", "reason")], ids=["comment", "reason"]
)
def test_a_comment_or_reason_is_required(action: str, field: str, kijiji_amina: tuple[Entity, User]) -> None:
    entity, _amina = kijiji_amina
    pledge = complete_pledge(entity, state=State.SUBMITTED)
    call = pledge_request_changes if action == "request_changes" else pledge_reject
    with pytest.raises(ValidationError) as caught:
        call(pledge=pledge, acting_user=rui(), expected_version=1, **{field: "   \n"})  # type: ignore[operator]
    assert list(caught.value.message_dict) == [field]
    pledge.refresh_from_db()
    assert (pledge.state, pledge.version, audit_events(pledge)) == (State.SUBMITTED, 1, [])


def test_an_incomplete_submission_names_every_missing_field(kijiji_amina: tuple[Entity, User]) -> None:
    entity, amina = kijiji_amina
    pledge = PledgeFactory(lead_entity=entity, summary="", description="  ", amount=None, currency="")
    pledge.pledge_types.set([PledgeType.objects.get(code="financial")])
    with pytest.raises(ValidationError) as caught:
        pledge_submit(pledge=pledge, acting_user=amina, expected_version=1)
    assert set(caught.value.message_dict) == {
        "summary",
        "description",
        "focus_areas",
        "countries",
        "start_date",
        "end_date",
        "amount",
    }
    assert caught.value.message_dict["amount"] == ["A financial pledge needs an amount greater than zero."]
    pledge.refresh_from_db()
    assert (pledge.state, pledge.version, pledge.submitted_at, audit_events(pledge)) == (State.DRAFT, 1, None, [])


def test_a_pledge_without_types_or_regions_is_incomplete(kijiji_amina: tuple[Entity, User]) -> None:
    entity, amina = kijiji_amina
    pledge = complete_pledge(entity, scope=Pledge.Scope.REGIONS)
    pledge.pledge_types.clear()
    with pytest.raises(ValidationError) as caught:
        pledge_submit(pledge=pledge, acting_user=amina, expected_version=1)
    assert set(caught.value.message_dict) == {"pledge_types", "regions"}


def test_a_global_non_financial_pledge_needs_no_countries_or_amount(kijiji_amina: tuple[Entity, User]) -> None:
    entity, amina = kijiji_amina
    pledge = complete_pledge(entity, scope=Pledge.Scope.GLOBAL, countries=[], amount=None, currency="")
    pledge.countries.clear()
    pledge.pledge_types.set([PledgeType.objects.exclude(code="financial").first()])
    assert pledge_submit(pledge=pledge, acting_user=amina, expected_version=1).state == State.SUBMITTED


def test_a_financial_pledge_of_zero_is_incomplete(kijiji_amina: tuple[Entity, User]) -> None:
    entity, amina = kijiji_amina
    pledge = complete_pledge(entity, amount=Decimal("0"))
    with pytest.raises(ValidationError) as caught:
        pledge_submit(pledge=pledge, acting_user=amina, expected_version=1)
    assert set(caught.value.message_dict) == {"amount"}


# --- Versions ------------------------------------------------------------------------------------


def test_acting_on_a_stale_version_is_refused_and_nothing_is_written(kijiji_amina: tuple[Entity, User]) -> None:
    entity, amina = kijiji_amina
    pledge = complete_pledge(entity, state=State.SUBMITTED)
    first, second = rui(), verified_user(email="rosa@secretariat.example")
    second.groups.add(reviewers_group_ensure())
    second = User.objects.get(pk=second.pk)
    pledge_request_changes(pledge=pledge, acting_user=first, expected_version=1, comment="Name the schools.")
    with pytest.raises(ConcurrentEditError, match="changed by someone else"):
        pledge_publish(pledge=pledge, acting_user=second, expected_version=1)
    pledge.refresh_from_db()
    assert (pledge.state, pledge.version, pledge.published_at) == (State.CHANGES_REQUESTED, 2, None)
    assert [e.action for e in audit_events(pledge)] == ["changes_requested"]


def test_the_version_check_comes_before_the_state_check(kijiji_amina: tuple[Entity, User]) -> None:
    """The reviewer who lost the race is told the pledge changed, not that the action is illegal."""
    entity, _amina = kijiji_amina
    pledge = complete_pledge(entity, state=State.PUBLISHED, version=2)
    with pytest.raises(ConcurrentEditError):
        pledge_publish(pledge=pledge, acting_user=rui(), expected_version=1)


# --- Emails (in-process; the real worker is in test_transition_emails.py) -------------------------


def test_submission_emails_each_reviewer_with_a_link_to_the_pledge(
    kijiji_amina: tuple[Entity, User], django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.P2C_BASE_URL = "https://pledges.example.org"
    entity, amina = kijiji_amina
    rui()
    rosa = verified_user(email="rosa@secretariat.example", is_superuser=True)
    conflicted = verified_user(email="kito@secretariat.example")
    conflicted.groups.add(reviewers_group_ensure())
    MembershipFactory(user=conflicted, entity=entity, role=Membership.Role.MEMBER)
    olga()
    pledge = complete_pledge(entity)
    with django_capture_on_commit_callbacks(execute=True):
        pledge_submit(pledge=pledge, acting_user=amina, expected_version=1)
    assert sorted(m.to[0] for m in mail.outbox) == [rosa.email, "rui@secretariat.example"]
    message = mail.outbox[0]
    assert len(message.to) == 1
    assert message.subject == f"[Partner2Connect] Pledge {pledge.reference} from Kijiji Telecom is waiting for review"
    link = f"https://pledges.example.org/review/{pledge.reference}/"
    assert link in message.body
    assert f'href="{link}"' in message.alternatives[0][0]


@pytest.mark.parametrize(
    ("action", "subject", "text", "path"),
    [
        ("publish", "Your pledge {ref} is published", "Everyone can now see it", "/pledges/{ref}/"),
        ("request_changes", "Changes requested to your pledge {ref}", "Name the 200 schools.", "/my/pledges/{ref}/"),
        ("reject", "Your pledge {ref} was not accepted", "Out of scope.", "/my/pledges/{ref}/"),
    ],
)
def test_review_decisions_email_the_entitys_active_members(
    action: str,
    subject: str,
    text: str,
    path: str,
    kijiji_amina: tuple[Entity, User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    entity, amina = kijiji_amina
    baraka = verified_user(email="baraka@kijiji.example")
    MembershipFactory(user=baraka, entity=entity, role=Membership.Role.MEMBER)
    pending = verified_user(email="pending@kijiji.example")
    MembershipFactory(user=pending, entity=entity, status=Membership.Status.REQUESTED)
    olga()
    pledge = complete_pledge(entity, state=State.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        act(action, pledge, pledger=amina, reviewer=rui())
    assert sorted(m.to[0] for m in mail.outbox) == ["amina@kijiji.example", "baraka@kijiji.example"]
    ref = pledge.reference
    for message in mail.outbox:
        assert message.subject == "[Partner2Connect] " + subject.format(ref=ref)
        assert text in message.body
        assert f"http://localhost:8000{path.format(ref=ref)}" in message.body


def test_withdrawing_and_failed_transitions_email_nobody(
    kijiji_amina: tuple[Entity, User], django_capture_on_commit_callbacks: Any
) -> None:
    entity, amina = kijiji_amina
    rui()
    with django_capture_on_commit_callbacks(execute=True):
        pledge_withdraw(pledge=complete_pledge(entity), acting_user=amina, expected_version=1)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        pledge_submit(pledge=complete_pledge(entity, summary=""), acting_user=amina, expected_version=1)
    assert mail.outbox == []


def test_a_failing_notification_does_not_undo_the_transition(
    kijiji_amina: tuple[Entity, User], django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    entity, amina = kijiji_amina
    rui()

    def broken(**kwargs: Any) -> int:
        raise RuntimeError("template missing")

    monkeypatch.setattr(notifications, "pledge_event_notify", broken)
    pledge = complete_pledge(entity)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        pledge_submit(pledge=pledge, acting_user=amina, expected_version=1)
    assert len(callbacks) == 1
    pledge.refresh_from_db()
    assert pledge.state == State.SUBMITTED
    assert mail.outbox == []


def test_the_module_lists_exactly_the_documented_transitions() -> None:
    assert set(transitions.TRANSITIONS) == set(ACTIONS)
    legal = {(a, s) for a, (sources, _t) in transitions.TRANSITIONS.items() for s in sources}
    assert legal == set(LEGAL)
