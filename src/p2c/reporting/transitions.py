"""Review transitions of a progress report: submit, accept, ask for clarification, withdraw.

They follow the pledges' transitions (``p2c.pledges.transitions``, docs/workflow.md). Each one:

1. locks the pledge row, then the report row (the order every reporting write takes),
2. checks that ``acting_user`` may act (``PermissionDenied`` otherwise),
3. checks ``expected_version`` against the locked report (``ConcurrentEditError`` when someone
   changed it meanwhile: of two reviewers accepting the same version, the second is refused),
4. checks that the transition is allowed from the report's state (``TransitionError`` otherwise),
5. changes the state, increments ``version`` and writes an ``AuditEvent`` in the same transaction,
6. queues its emails for after the commit (``p2c.reporting.notifications``).

Accepting a report also sets the pledge's ``delivery_status`` and ``last_report_year`` from its
latest accepted report (by cycle year) with a queryset update, records that on the pledge's own
audit trail, and bumps the dashboard's data version.

Who may act: members (any role) of the pledge's lead entity submit (with a confirmed email
address) and withdraw; reviewers who are not members of the lead entity accept and ask for
clarification.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from p2c.accounts.selectors import has_verified_email
from p2c.core.services import audit_event_record, changed_field_values
from p2c.dashboard.freshness import data_version_bump
from p2c.pledges.models import Pledge
from p2c.pledges.services import ConcurrentEditError, require_lead_member
from p2c.pledges.transitions import COMMENT_MAX_LENGTH, TransitionError, required_text, review_conflict
from p2c.reporting import notifications
from p2c.reporting.models import ProgressReport
from p2c.reporting.services import lock_pledge, lock_report, report_submission_errors

State = ProgressReport.State

# Which states each action may start from, and where it leads.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({State.DRAFT, State.CLARIFICATION_REQUESTED}), State.SUBMITTED),
    "accept": (frozenset({State.SUBMITTED}), State.ACCEPTED),
    "request_clarification": (frozenset({State.SUBMITTED}), State.CLARIFICATION_REQUESTED),
    "withdraw": (frozenset({State.DRAFT, State.SUBMITTED, State.CLARIFICATION_REQUESTED}), State.WITHDRAWN),
}
AUDIT_ACTIONS = {
    "submit": "submitted",
    "accept": "accepted",
    "request_clarification": "clarification_requested",
    "withdraw": "withdrawn",
}
TRACKED_FIELDS = ("state", "submitted_at", "accepted_at")
PLEDGE_FIELDS = ("delivery_status", "last_report_year")

__all__ = [
    "TRANSITIONS",
    "ConcurrentEditError",
    "TransitionError",
    "report_accept",
    "report_request_clarification",
    "report_submit",
    "report_withdraw",
]


def _labels() -> dict[str, str]:
    return {
        "submit": _("submit"),
        "accept": _("accept"),
        "request_clarification": _("ask for clarification on"),
        "withdraw": _("withdraw"),
    }


def require_report_reviewer(user: Any, pledge: Pledge) -> None:
    """A reviewer who is not a member of the pledge's lead entity; ``PermissionDenied`` otherwise."""
    if not (getattr(user, "is_authenticated", False) and getattr(user, "is_reviewer", False)):
        raise PermissionDenied(_("Only secretariat reviewers can review progress reports."))
    conflict = review_conflict(user, pledge)
    if conflict:
        raise PermissionDenied(conflict)


def _submit_permission(user: Any, pledge: Pledge) -> None:
    require_lead_member(user, pledge)
    if not has_verified_email(user):
        raise PermissionDenied(_("Confirm your email address before you submit a report."))


def _transition(
    *,
    report: ProgressReport,
    action: str,
    acting_user: Any,
    expected_version: int,
    check_permission: Callable[[Any, Pledge], None],
    comment: str = "",
) -> tuple[ProgressReport, str]:
    """Lock, check who acts, the version and the state, move the report and audit it; the report and its old state."""
    pledge = lock_pledge(report.pledge)
    check_permission(acting_user, pledge)
    current = lock_report(report, expected_version)
    current.pledge = pledge
    sources, target = TRANSITIONS[action]
    from_state = current.state
    if from_state not in sources:
        raise TransitionError(
            _("You cannot %(action)s a report that is %(state)s.")
            % {"action": _labels()[action], "state": current.get_state_display().lower()},
            code="illegal_transition",
        )
    if action in ("submit", "accept") and pledge.state != Pledge.State.PUBLISHED:
        raise TransitionError(_("The pledge is no longer published."), code="not_published")
    if action == "submit":
        if not current.cycle.accepting():
            raise TransitionError(
                _("The %(cycle)s cycle does not take reports now.") % {"cycle": current.cycle.name}, code="closed"
            )
        errors = report_submission_errors(current)
        if errors:
            raise ValidationError(errors, code="incomplete")
    before = {f: getattr(current, f) for f in TRACKED_FIELDS}
    now = timezone.now()
    current.state = target
    if target == State.SUBMITTED:
        current.submitted_at = now
    elif target == State.ACCEPTED:
        current.accepted_at = now
    current.version = expected_version + 1
    current.save(update_fields=[*TRACKED_FIELDS, "version", "updated_at"])
    audit_event_record(
        target=current,
        action=AUDIT_ACTIONS[action],
        actor=acting_user,
        from_state=from_state,
        to_state=target,
        comment=comment,
        changed_fields=changed_field_values(before, {f: getattr(current, f) for f in TRACKED_FIELDS}, TRACKED_FIELDS),
    )
    return current, from_state


@transaction.atomic
def report_submit(*, report: ProgressReport, acting_user: Any, expected_version: int) -> ProgressReport:
    """A member of the lead entity submits a complete report for review; reviewers are emailed.

    Refused with a ``ValidationError`` keyed by every missing or invalid field when incomplete.
    """
    current, _from = _transition(
        report=report,
        action="submit",
        acting_user=acting_user,
        expected_version=expected_version,
        check_permission=_submit_permission,
    )
    notifications.on_commit(current, "submitted", actor_id=acting_user.pk)
    return current


def pledge_delivery_refresh(pledge: Pledge, *, acting_user: Any, source: ProgressReport) -> None:
    """Set the pledge's delivery status and last report year from its latest accepted report.

    A queryset update (the pledge's content, version and ``updated_at`` do not change), recorded
    as a ``delivery_reported`` AuditEvent on the pledge; ``is_latest`` moves to that report.
    """
    accepted = ProgressReport.objects.filter(pledge=pledge, state=State.ACCEPTED)
    latest = accepted.select_related("cycle").order_by("-cycle__year", "-accepted_at", "-id").first()
    if latest is None:  # pragma: no cover - called after accepting one
        return
    accepted.exclude(pk=latest.pk).filter(is_latest=True).update(is_latest=False)
    if not latest.is_latest:
        ProgressReport.objects.filter(pk=latest.pk).update(is_latest=True)
    before = {f: getattr(pledge, f) for f in PLEDGE_FIELDS}
    after = {"delivery_status": latest.delivery_status, "last_report_year": latest.cycle.year}
    changed = changed_field_values(before, after, PLEDGE_FIELDS)
    if changed:
        Pledge.objects.filter(pk=pledge.pk).update(**after)
        for field, value in after.items():
            setattr(pledge, field, value)
    audit_event_record(
        target=pledge,
        action="delivery_reported",
        actor=acting_user,
        comment=_("Progress report for %(cycle)s accepted.") % {"cycle": source.cycle.name},
        changed_fields=changed,
    )
    data_version_bump()


@transaction.atomic
def report_accept(
    *, report: ProgressReport, acting_user: Any, expected_version: int, comment: str = ""
) -> ProgressReport:
    """A reviewer accepts a submitted report: it becomes public on the pledge's page; the entity is emailed.

    The pledge's delivery status and last report year follow its latest accepted report.
    """
    text = (comment or "").strip()[:COMMENT_MAX_LENGTH]
    current, _from = _transition(
        report=report,
        action="accept",
        acting_user=acting_user,
        expected_version=expected_version,
        check_permission=require_report_reviewer,
        comment=text,
    )
    pledge_delivery_refresh(current.pledge, acting_user=acting_user, source=current)
    current.refresh_from_db(fields=["is_latest"])
    notifications.on_commit(current, "accepted", actor_id=acting_user.pk, comment=text)
    return current


@transaction.atomic
def report_request_clarification(
    *, report: ProgressReport, acting_user: Any, expected_version: int, comment: str
) -> ProgressReport:
    """A reviewer sends a submitted report back with a (required) question; the entity's members are emailed."""
    text = required_text(comment, field="comment", message=_("Say what needs clarifying."))
    current, _from = _transition(
        report=report,
        action="request_clarification",
        acting_user=acting_user,
        expected_version=expected_version,
        check_permission=require_report_reviewer,
        comment=text,
    )
    notifications.on_commit(current, "clarification_requested", actor_id=acting_user.pk, comment=text)
    return current


@transaction.atomic
def report_withdraw(*, report: ProgressReport, acting_user: Any, expected_version: int) -> ProgressReport:
    """A member of the lead entity discards a report not yet accepted; a new one can then be started."""
    current, _from = _transition(
        report=report,
        action="withdraw",
        acting_user=acting_user,
        expected_version=expected_version,
        check_permission=require_lead_member,
    )
    return current
