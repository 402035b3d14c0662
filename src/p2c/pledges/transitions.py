"""Review transitions of a pledge: submit, publish, request changes, reject, withdraw.

Each transition is one function (see docs/workflow.md). Every one of them:

1. locks the pledge row (``select_for_update``; SQLite's IMMEDIATE transactions serialise writers),
2. checks that ``acting_user`` may act (``PermissionDenied`` otherwise),
3. checks ``expected_version`` against the locked row (``ConcurrentEditError`` when someone changed
   the pledge meanwhile: of two reviewers acting on the same version, the second is refused and
   nothing is applied twice),
4. checks that the transition is allowed from the current state (``TransitionError`` otherwise),
5. changes the state, increments ``version`` and writes an ``AuditEvent`` in the same transaction,
6. queues its emails for after the commit (``p2c.pledges.notifications``); a failing email never
   undoes or blocks the transition.

Rules of who may act:
- submit and withdraw: an active member (any role) of the lead entity; submit also needs a
  confirmed email address;
- a revision of a published pledge (``p2c.pledges.revisions``) goes through the same transitions;
  publishing it changes the published pledge instead and leaves the revision ``applied``;
- publish, request changes, reject: a reviewer (``user.is_reviewer``) who is *not* an active member
  of the lead entity (nobody reviews their own organisation's pledges).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from p2c.accounts.models import User
from p2c.accounts.selectors import has_verified_email
from p2c.core.money import money_errors
from p2c.core.services import audit_event_record, changed_field_values
from p2c.pledges import notifications
from p2c.pledges.models import Pledge
from p2c.pledges.services import ConcurrentEditError, is_lead_member, require_lead_member

State = Pledge.State

# Which states each action may start from, and where it leads.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({State.DRAFT, State.CHANGES_REQUESTED}), State.SUBMITTED),
    "publish": (frozenset({State.SUBMITTED}), State.PUBLISHED),
    "request_changes": (frozenset({State.SUBMITTED}), State.CHANGES_REQUESTED),
    "reject": (frozenset({State.SUBMITTED}), State.REJECTED),
    "withdraw": (
        frozenset({State.DRAFT, State.SUBMITTED, State.CHANGES_REQUESTED, State.PUBLISHED}),
        State.WITHDRAWN,
    ),
}
# The AuditEvent action each transition records.
TRANSITIONS_AUDIT_ACTION = {
    "submit": "submitted",
    "publish": "published",
    "request_changes": "changes_requested",
    "reject": "rejected",
    "withdraw": "withdrawn",
}
# The fields a transition may change, recorded in the AuditEvent when they do.
TRACKED_FIELDS = ("state", "submitted_at", "published_at")
COMMENT_MAX_LENGTH = 5000


class TransitionError(ValidationError):
    """The action is not possible from the pledge's current state."""


def _action_labels() -> dict[str, str]:
    return {
        "submit": _("submit"),
        "publish": _("publish"),
        "request_changes": _("request changes to"),
        "reject": _("reject"),
        "withdraw": _("withdraw"),
    }


# --- Who may act ---------------------------------------------------------------------------------


def review_conflict(user: User, pledge: Pledge) -> str:
    """Why ``user`` may not review ``pledge`` although a reviewer (a member of its lead entity), or ``""``."""
    if is_lead_member(user, pledge):
        return _("You are a member of %(entity)s: another reviewer must review its pledges.") % {
            "entity": pledge.lead_entity.name
        }
    return ""


def _require_reviewer(user: User, pledge: Pledge) -> None:
    if not (getattr(user, "is_authenticated", False) and getattr(user, "is_reviewer", False)):
        raise PermissionDenied(_("Only secretariat reviewers can review pledges."))
    conflict = review_conflict(user, pledge)
    if conflict:
        raise PermissionDenied(conflict)


# --- Completeness --------------------------------------------------------------------------------


def submission_errors(pledge: Pledge) -> dict[str, list[str]]:
    """Everything that keeps ``pledge`` from being submitted, keyed by field name (empty when complete)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    required = _("This is required before you submit the pledge.")
    for field in ("title", "summary", "description"):
        if not (getattr(pledge, field) or "").strip():
            add(field, required)
    if not pledge.lead_entity_id:
        add("lead_entity", required)
    if not pledge.focus_areas.exists():
        add("focus_areas", _("Choose at least one focus area."))
    if not pledge.pledge_types.exists():
        add("pledge_types", _("Choose at least one type of pledge."))
    if pledge.scope == Pledge.Scope.COUNTRIES and not pledge.countries.exists():
        add("countries", _("Choose the countries that benefit, or make the pledge global."))
    elif pledge.scope == Pledge.Scope.REGIONS and not pledge.regions.exists():
        add("regions", _("Choose the regions that benefit, or make the pledge global."))
    for field in ("start_date", "end_date"):
        if getattr(pledge, field) is None:
            add(field, required)
    if pledge.start_date and pledge.end_date and pledge.end_date < pledge.start_date:
        add("end_date", _("The end date is before the start date."))
    money = money_errors(
        amount=pledge.amount,
        currency=pledge.currency,
        usd_estimate=pledge.usd_estimate if pledge.usd_source == Pledge.UsdSource.PLEDGER else None,
        on_date=pledge.pledged_on,
        is_financial=pledge.pledge_types.filter(code="financial").exists(),
    )
    for field, messages in money.items():
        for message in messages:
            add(field, message)
    return errors


# --- The transitions -----------------------------------------------------------------------------


def _transition(
    *,
    pledge: Pledge,
    action: str,
    acting_user: User,
    expected_version: int,
    check_permission: Callable[[User, Pledge], None],
    comment: str = "",
    target_state: str | None = None,
) -> tuple[Pledge, str]:
    """Lock, check who acts, the version and the state, move the pledge and audit it. Returns it and its old state."""
    current = Pledge.objects.select_for_update().select_related("lead_entity").get(pk=pledge.pk)
    check_permission(acting_user, current)
    if current.version != expected_version:
        raise ConcurrentEditError(
            _("This pledge was changed by someone else since you opened it. Reload it to see what changed.")
        )
    sources, target = TRANSITIONS[action]
    target = target_state or target
    from_state = current.state
    if from_state not in sources:
        raise TransitionError(
            _("You cannot %(action)s a pledge that is %(state)s.")
            % {"action": _action_labels()[action], "state": current.get_state_display().lower()},
            code="illegal_transition",
        )
    if action == "submit":
        errors = submission_errors(current)
        if errors:
            raise ValidationError(errors, code="incomplete")
    before = {f: getattr(current, f) for f in TRACKED_FIELDS}
    now = timezone.now()
    current.state = target
    if target == State.SUBMITTED:
        current.submitted_at = now
    elif target == State.PUBLISHED:
        current.published_at = now
    # The row lock (PostgreSQL) or the IMMEDIATE transaction (SQLite) serialises writers, so the
    # version read above is still current here.
    current.version = expected_version + 1
    current.save(update_fields=[*TRACKED_FIELDS, "version", "updated_at"])
    audit_event_record(
        target=current,
        action=TRANSITIONS_AUDIT_ACTION[action],
        actor=acting_user,
        from_state=from_state,
        to_state=target,
        comment=comment,
        changed_fields=changed_field_values(before, {f: getattr(current, f) for f in TRACKED_FIELDS}, TRACKED_FIELDS),
    )
    return current, from_state


def required_text(value: str, *, field: str, message: str) -> str:
    """A reviewer's comment or reason: stripped, required and at most ``COMMENT_MAX_LENGTH`` long."""
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: message}, code="required")
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {field: _("Keep it under %(max)d characters.") % {"max": COMMENT_MAX_LENGTH}}, code="max_length"
        )
    return text


def _submit_permission(user: User, pledge: Pledge) -> None:
    require_lead_member(user, pledge)
    if not has_verified_email(user):
        raise PermissionDenied(_("Confirm your email address before you submit a pledge."))


@transaction.atomic
def pledge_submit(*, pledge: Pledge, acting_user: User, expected_version: int) -> Pledge:
    """A member of the lead entity submits a complete draft (or a revised one) for review.

    Refused with a ``ValidationError`` keyed by every missing or invalid field when incomplete.
    Reviewers are emailed after the commit.
    """
    current, _from = _transition(
        pledge=pledge,
        action="submit",
        acting_user=acting_user,
        expected_version=expected_version,
        check_permission=_submit_permission,
    )
    notifications.on_commit(current, "submitted", actor_id=acting_user.pk)
    return current


@transaction.atomic
def pledge_publish(*, pledge: Pledge, acting_user: User, expected_version: int, comment: str = "") -> Pledge:
    """A reviewer publishes a submitted pledge: it becomes public; the entity's members are emailed.

    Publishing a revision copies its content onto the published pledge it revises (which stays
    public throughout) and leaves the revision in state ``applied``; the published pledge is
    returned, and its members are emailed.
    """
    from p2c.content.services import milestones_record
    from p2c.pledges.revisions import revision_apply

    text = (comment or "").strip()[:COMMENT_MAX_LENGTH]
    is_revision = Pledge.objects.filter(pk=pledge.pk, revision_of__isnull=False).exists()
    current, _from = _transition(
        pledge=pledge,
        action="publish",
        acting_user=acting_user,
        expected_version=expected_version,
        check_permission=_require_reviewer,
        comment=text,
        target_state=State.APPLIED if is_revision else None,
    )
    if is_revision:
        current = revision_apply(revision=current, acting_user=acting_user, comment=text)
    notifications.on_commit(current, "published", actor_id=acting_user.pk, comment=text, revised=is_revision)
    # Idempotent; a failure there must not undo or hide the publication.
    transaction.on_commit(milestones_record, robust=True)
    return current


@transaction.atomic
def pledge_request_changes(*, pledge: Pledge, acting_user: User, expected_version: int, comment: str) -> Pledge:
    """A reviewer sends a submitted pledge back with a (required) comment; the entity's members are emailed."""
    text = required_text(comment, field="comment", message=_("Say what needs to change."))
    current, _from = _transition(
        pledge=pledge,
        action="request_changes",
        acting_user=acting_user,
        expected_version=expected_version,
        check_permission=_require_reviewer,
        comment=text,
    )
    notifications.on_commit(current, "changes_requested", actor_id=acting_user.pk, comment=text)
    return current


@transaction.atomic
def pledge_reject(*, pledge: Pledge, acting_user: User, expected_version: int, reason: str) -> Pledge:
    """A reviewer rejects a submitted pledge with a (required) reason; the entity's members are emailed."""
    text = required_text(reason, field="reason", message=_("Give the reason for rejecting the pledge."))
    current, _from = _transition(
        pledge=pledge,
        action="reject",
        acting_user=acting_user,
        expected_version=expected_version,
        check_permission=_require_reviewer,
        comment=text,
    )
    notifications.on_commit(current, "rejected", actor_id=acting_user.pk, comment=text)
    return current


@transaction.atomic
def pledge_withdraw(*, pledge: Pledge, acting_user: User, expected_version: int, reason: str = "") -> Pledge:
    """A member of the lead entity withdraws the pledge (from any state but rejected or withdrawn).

    A withdrawn published pledge is no longer public, and its open revision is withdrawn with it.
    Withdrawing a revision leaves the published pledge as it is. Nobody is emailed.
    """
    text = (reason or "").strip()[:COMMENT_MAX_LENGTH]
    current, from_state = _transition(
        pledge=pledge,
        action="withdraw",
        acting_user=acting_user,
        expected_version=expected_version,
        check_permission=require_lead_member,
        comment=text,
    )
    if from_state == State.PUBLISHED:
        for revision in current.revisions.select_for_update().filter(
            state__in=(State.DRAFT, State.SUBMITTED, State.CHANGES_REQUESTED)
        ):
            _transition(
                pledge=revision,
                action="withdraw",
                acting_user=acting_user,
                expected_version=revision.version,
                check_permission=require_lead_member,
                comment=_("Withdrawn with %(reference)s.") % {"reference": current.reference},
            )
    return current
