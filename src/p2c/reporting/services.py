"""Writes of progress reporting: cycles opened and closed, reports saved as drafts.

Every function checks who acts, validates, runs in one transaction and writes an ``AuditEvent``.
A report's state changes only through ``p2c.reporting.transitions``. Locks are always taken in
the same order — the pledge row, then the report row — so that concurrent writers queue
(PostgreSQL ``SELECT … FOR UPDATE``; SQLite's IMMEDIATE transactions serialise writers) and
never deadlock. Optimistic locking: every change to an existing report names the ``version`` it
started from and is refused with ``ConcurrentEditError`` if someone saved since.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from p2c.core.services import audit_event_record, changed_field_values
from p2c.dashboard.freshness import data_version_bump
from p2c.pledges.models import Pledge, PledgeTarget
from p2c.pledges.selectors import published_pledges
from p2c.pledges.services import ConcurrentEditError, require_lead_member
from p2c.reporting.freshness import FINISHED
from p2c.reporting.models import MAX_YEAR, MIN_YEAR, ProgressReport, ReportingCycle, TargetActual

__all__ = [
    "EDITABLE_STATES",
    "ConcurrentEditError",
    "NotEditableError",
    "cycle_close",
    "cycle_open",
    "owes_report",
    "pledges_owing_reports",
    "report_draft_save",
    "report_submission_errors",
]

State = ProgressReport.State
# The states in which the pledger may change a report.
EDITABLE_STATES = frozenset({State.DRAFT, State.CLARIFICATION_REQUESTED})
REPORT_FIELDS = (
    "delivery_status",
    "percent_complete",
    "usd_disbursed",
    "over_pledge_confirmed",
    "over_pledge_note",
    "narrative",
    "evidence_links",
)
MAX_LINKS = 5
LINK_MAX_LENGTH = 500
NARRATIVE_MAX_LENGTH = 20_000
NOTE_MAX_LENGTH = 2_000
LABEL_MAX_LENGTH = 100
MAX_NUMBER = Decimal(10) ** 18


class NotEditableError(ValidationError):
    """The report's state does not allow it to change (submitted, accepted, withdrawn)."""


def require_reviewer(user: Any, what: str = "") -> None:
    """Refuse with ``PermissionDenied`` anyone who is not a secretariat reviewer."""
    if not (getattr(user, "is_authenticated", False) and getattr(user, "is_reviewer", False)):
        raise PermissionDenied(what or _("Only secretariat reviewers can do this."))


# --- Which pledges owe a report ----------------------------------------------------------------


def finished_before(cycle: ReportingCycle) -> Exists:
    """For a pledge row: an accepted report of an earlier cycle said it was completed or discontinued."""
    return Exists(
        ProgressReport.objects.filter(
            pledge_id=OuterRef("pk"),
            state=State.ACCEPTED,
            cycle__year__lt=cycle.year,
            delivery_status__in=FINISHED,
        )
    )


def pledges_owing_reports(cycle: ReportingCycle, pledges: QuerySet[Pledge] | None = None) -> QuerySet[Pledge]:
    """Published pledges that owe a report in ``cycle``: published before its period ended, not finished before.

    A pledge whose accepted report of an earlier cycle said “completed” or “discontinued” owes no
    more reports. Revisions are never published, so they never owe one.
    """
    base = pledges if pledges is not None else published_pledges()
    return base.filter(published_at__lt=cycle.period_end_instant()).exclude(finished_before(cycle))


def owes_report(pledge: Pledge, cycle: ReportingCycle) -> bool:
    """Whether ``pledge`` owes a report in ``cycle`` (one query)."""
    return pledges_owing_reports(cycle, Pledge.objects.filter(pk=pledge.pk)).exists()


def _why_not_reportable(pledge: Pledge, cycle: ReportingCycle, today: dt.date) -> str:
    """Why no report of ``pledge`` can be written in ``cycle`` today; ``""`` when it can."""
    if pledge.state != Pledge.State.PUBLISHED:
        return _("Only published pledges report on their delivery.")
    if not cycle.is_open:
        return _("The %(cycle)s cycle is closed: reports are no longer accepted.") % {"cycle": cycle.name}
    if not cycle.accepting(today):
        return _("The %(cycle)s cycle opens on %(date)s.") % {
            "cycle": cycle.name,
            "date": date_format(cycle.opens_on, "DATE_FORMAT"),
        }
    if not owes_report(pledge, cycle):
        return _(
            "This pledge owes no report in the %(cycle)s cycle: it was published after the period, "
            "or an earlier report said it was completed or discontinued."
        ) % {"cycle": cycle.name}
    return ""


# --- Validation ----------------------------------------------------------------------------------


def _number(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        raise ValueError
    return number


def is_over_pledge(pledge: Pledge, disbursed: Decimal | None) -> bool:
    """Whether ``disbursed`` is more than the pledge's USD estimate (never when either is unknown)."""
    return disbursed is not None and pledge.usd_estimate is not None and disbursed > pledge.usd_estimate


def value_errors(pledge: Pledge, values: Mapping[str, Any]) -> dict[str, list[str]]:
    """What is wrong with the values given (a draft may leave anything out, but what it gives must be valid)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    status = values.get("delivery_status") or ""
    if status and status not in Pledge.DeliveryStatus.values:
        add("delivery_status", _("Choose one of the delivery statuses."))
    percent = values.get("percent_complete")
    if percent is not None and not (isinstance(percent, int) and 0 <= percent <= 100):
        add("percent_complete", _("Enter a whole number from 0 to 100."))
    try:
        disbursed = _number(values.get("usd_disbursed"))
    except (ValueError, ArithmeticError):
        add("usd_disbursed", _("Enter an amount in US dollars, for example 250,000."))
        disbursed = None
    if disbursed is not None:
        if disbursed < 0:
            add("usd_disbursed", _("The amount disbursed cannot be negative: enter 0 if nothing was disbursed yet."))
        elif disbursed > settings.P2C_MAX_PLEDGE_USD:
            add("usd_disbursed", _("That amount is too large: please check it."))
        elif disbursed != disbursed.quantize(Decimal("0.01")):
            add("usd_disbursed", _("Use at most two decimal places."))
        elif pledge.usd_estimate is not None and disbursed > pledge.usd_estimate:
            note = (values.get("over_pledge_note") or "").strip()
            if not values.get("over_pledge_confirmed"):
                add(
                    "over_pledge_confirmed",
                    _(
                        "This is more than the USD %(pledged)s pledged. If it is right, tick this box and say why "
                        "below; otherwise correct the amount."
                    )
                    % {"pledged": f"{pledge.usd_estimate:,.2f}"},
                )
            if not note:
                add("over_pledge_note", _("Say why more was disbursed than pledged (a co-financier, a larger scope…)."))
    note = values.get("over_pledge_note") or ""
    if len(note) > NOTE_MAX_LENGTH:
        add("over_pledge_note", _("Keep it under %(max)d characters.") % {"max": NOTE_MAX_LENGTH})
    narrative = values.get("narrative") or ""
    if len(narrative) > NARRATIVE_MAX_LENGTH:
        add(
            "narrative",
            ngettext(
                "The narrative has %(count)d character: shorten it to %(max)d or fewer.",
                "The narrative has %(count)d characters: shorten it to %(max)d or fewer.",
                len(narrative),
            )
            % {"count": len(narrative), "max": NARRATIVE_MAX_LENGTH},
        )
    for message in link_errors(list(values.get("evidence_links") or [])):
        add("evidence_links", message)
    return errors


def link_errors(links: Sequence[str]) -> list[str]:
    """What is wrong with a list of evidence links: at most ``MAX_LINKS``, each an http(s) address."""
    messages = []
    if len(links) > MAX_LINKS:
        messages.append(_("Give at most %(max)d links.") % {"max": MAX_LINKS})
    check = URLValidator(schemes=["http", "https"])
    for number, link in enumerate(links, start=1):
        try:
            if len(link) > LINK_MAX_LENGTH:
                raise ValidationError("too long")
            check(link)
        except ValidationError:
            messages.append(
                _("Link %(number)d, “%(link)s”, is not a web address: it must start with https:// or http://.")
                % {"number": number, "link": link[:80]}
            )
    return messages


def actual_errors(actuals: Mapping[int, Any], targets: Sequence[PledgeTarget]) -> dict[str, list[str]]:
    """What is wrong with the actual values given for the pledge's targets (keyed ``actual_<target id>``)."""
    errors: dict[str, list[str]] = {}
    known = {t.pk: t for t in targets}
    for target_id, raw in actuals.items():
        key = f"actual_{target_id}"
        if target_id not in known:
            errors.setdefault("actuals", []).append(_("A target of another pledge was given."))
            continue
        try:
            value = _number(raw)
        except (ValueError, ArithmeticError):
            errors[key] = [_("Enter a number, in %(unit)s.") % {"unit": known[target_id].unit}]
            continue
        if value is not None and (abs(value) >= MAX_NUMBER or value != value.quantize(Decimal("0.01"))):
            errors[key] = [
                _("Enter a number with at most two decimal places, in %(unit)s.") % {"unit": known[target_id].unit}
            ]
    return errors


def report_submission_errors(report: ProgressReport) -> dict[str, list[str]]:
    """Everything that keeps ``report`` from being submitted, keyed by field (empty when complete)."""
    errors = value_errors(report.pledge, {f: getattr(report, f) for f in REPORT_FIELDS})
    required = _("This is required before you submit the report.")
    if not report.delivery_status:
        errors.setdefault("delivery_status", []).append(_("Choose the pledge's delivery status."))
    if report.percent_complete is None:
        errors.setdefault("percent_complete", []).append(required)
    if report.usd_disbursed is None:
        errors.setdefault("usd_disbursed", []).append(
            _("Say how many US dollars were disbursed to date: 0 if none (for a pledge without money, 0).")
        )
    if not report.narrative.strip():
        errors.setdefault("narrative", []).append(_("Tell in a few sentences what was done in the period."))
    for actual in report.actuals.all():
        if actual.target_id is not None and actual.actual_value is None:
            errors.setdefault(f"actual_{actual.target_id}", []).append(
                _("Give the value reached so far, in %(unit)s.") % {"unit": actual.unit}
            )
    return errors


# --- Reports -------------------------------------------------------------------------------------


def lock_pledge(pledge: Pledge) -> Pledge:
    """The pledge's row, locked until the transaction ends (always taken before a report's)."""
    return Pledge.objects.select_for_update().select_related("lead_entity").get(pk=pledge.pk)


def lock_report(report: ProgressReport, expected_version: int) -> ProgressReport:
    """The report's row, locked (after its pledge's), if still at ``expected_version``."""
    current = ProgressReport.objects.select_for_update().select_related("cycle").get(pk=report.pk)
    if current.version != expected_version:
        raise ConcurrentEditError(
            _("This report was changed by someone else since you opened it. Reload it to see what changed.")
        )
    return current


def _actual_rows(
    report: ProgressReport, targets: Sequence[PledgeTarget], actuals: Mapping[int, Any]
) -> list[TargetActual]:
    return [
        TargetActual(
            report=report,
            target=target,
            indicator=target.indicator,
            unit=target.unit,
            baseline=target.baseline,
            target_value=target.target_value,
            target_year=target.target_year,
            actual_value=_number(actuals.get(target.pk)),
            order=number,
        )
        for number, target in enumerate(targets, start=1)
    ]


def _snapshot(report: ProgressReport, actuals: Sequence[TargetActual]) -> dict[str, Any]:
    values = {f: getattr(report, f) for f in REPORT_FIELDS}
    values["actuals"] = [f"{a.indicator}: {a.actual_value}" for a in actuals if a.actual_value is not None]
    return values


@transaction.atomic
def report_draft_save(
    *,
    pledge: Pledge,
    cycle: ReportingCycle,
    acting_user: Any,
    report: ProgressReport | None = None,
    expected_version: int | None = None,
    actuals: Mapping[int, Any] | None = None,
    **values: Any,
) -> ProgressReport:
    """Create ``pledge``'s report for ``cycle`` (``report=None``), or change its draft, keeping it unsubmitted.

    ``values``: any of ``REPORT_FIELDS``; ``actuals``: ``{target id: value}`` for the pledge's targets
    (every target gets a row; missing values stay empty). Anything given must be valid (a
    ``ValidationError`` keyed by field otherwise); anything may be missing. Refused when the
    pledge is not published, the cycle does not take reports, the pledge owes none, or (for an
    existing report) it is not a draft or sent back for clarification.
    """
    unknown = set(values) - set(REPORT_FIELDS)
    if unknown:
        raise TypeError(f"Not editable through report_draft_save: {sorted(unknown)}")
    locked = lock_pledge(pledge)
    require_lead_member(acting_user, locked)
    current_cycle = ReportingCycle.objects.get(pk=cycle.pk)
    why = _why_not_reportable(locked, current_cycle, timezone.localdate())
    if why:
        raise NotEditableError(why, code="not_reportable")
    targets = list(locked.targets.all())
    if report is None:
        if ProgressReport.objects.filter(pledge=locked, cycle=current_cycle).exclude(state=State.WITHDRAWN).exists():
            raise ConcurrentEditError(
                _("A colleague started this report meanwhile. Reload the page to see it, then save your changes.")
            )
        current = ProgressReport(pledge=locked, cycle=current_cycle, created_by=acting_user)
        before: dict[str, Any] = {}
        old_actuals: dict[int, Any] = {}
    else:
        current = lock_report(report, expected_version if expected_version is not None else -1)
        current.pledge = locked
        if current.state not in EDITABLE_STATES:
            raise NotEditableError(
                _("This report is %(state)s: it cannot be changed.") % {"state": current.get_state_display().lower()},
                code="not_editable",
            )
        existing = list(current.actuals.all())
        before = _snapshot(current, existing)
        old_actuals = {a.target_id: a.actual_value for a in existing if a.target_id is not None}
        current.version += 1
    merged = {**{f: getattr(current, f) for f in REPORT_FIELDS}, **values}
    merged["over_pledge_note"] = (merged.get("over_pledge_note") or "").strip()
    merged["narrative"] = (merged.get("narrative") or "").strip()
    merged["evidence_links"] = [str(link).strip() for link in merged.get("evidence_links") or [] if str(link).strip()]
    errors = value_errors(locked, merged)
    wanted = {**old_actuals, **(actuals or {})}
    errors.update(actual_errors(actuals or {}, targets))
    if errors:
        raise ValidationError(errors)
    for field in REPORT_FIELDS:
        setattr(current, field, merged[field])
    if not is_over_pledge(locked, current.usd_disbursed):
        current.over_pledge_confirmed = False  # nothing to confirm
    current.full_clean(exclude=["pledge", "cycle", "created_by"])
    current.save()
    rows = _actual_rows(current, targets, wanted)
    current.actuals.all().delete()
    TargetActual.objects.bulk_create(rows)
    after = _snapshot(current, rows)
    if report is None:
        audit_event_record(target=current, action="created", actor=acting_user, to_state=current.state)
    else:
        changed = changed_field_values(before, after, [*REPORT_FIELDS, "actuals"])
        audit_event_record(target=current, action="updated", actor=acting_user, changed_fields=changed)
    return current


# --- Cycles --------------------------------------------------------------------------------------


def cycle_errors(
    *, year: int | None, period_start: dt.date | None, period_end: dt.date | None, opens_on: dt.date | None,
    closes_on: dt.date | None, label: str = "",
) -> dict[str, list[str]]:  # fmt: skip
    """What keeps a cycle with these dates from being opened, keyed by field."""
    errors: dict[str, list[str]] = {}
    required = _("This is required.")
    for field, value in (
        ("year", year),
        ("period_start", period_start),
        ("period_end", period_end),
        ("opens_on", opens_on),
        ("closes_on", closes_on),
    ):
        if value is None:
            errors.setdefault(field, []).append(required)
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        errors.setdefault("year", []).append(
            _("Enter a year between %(min)d and %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR}
        )
    elif year is not None and ReportingCycle.objects.filter(year=year).exists():
        errors.setdefault("year", []).append(_("There is already a cycle for %(year)d.") % {"year": year})
    if period_start and period_end and period_end < period_start:
        errors.setdefault("period_end", []).append(_("The period ends before it starts: check both dates."))
    if opens_on and closes_on and closes_on < opens_on:
        errors.setdefault("closes_on", []).append(_("The deadline is before the opening date: check both dates."))
    if len(label) > LABEL_MAX_LENGTH:
        errors.setdefault("label", []).append(_("Keep it under %(max)d characters.") % {"max": LABEL_MAX_LENGTH})
    return errors


@transaction.atomic
def cycle_open(
    *,
    acting_user: Any,
    year: int,
    period_start: dt.date,
    period_end: dt.date,
    opens_on: dt.date,
    closes_on: dt.date,
    label: str = "",
) -> ReportingCycle:
    """A reviewer opens the yearly cycle: pledges owing a report can write it from ``opens_on``.

    At most one cycle is open at a time (the open one must be closed first). The dashboard's
    figures change (its latest cycle), so the data version is bumped.
    """
    require_reviewer(acting_user, _("Only secretariat reviewers can open a reporting cycle."))
    label = (label or "").strip()
    errors = cycle_errors(
        year=year, period_start=period_start, period_end=period_end, opens_on=opens_on, closes_on=closes_on, label=label
    )
    already = ReportingCycle.objects.select_for_update().filter(state=ReportingCycle.State.OPEN).first()
    if already is not None:
        errors.setdefault("__all__", []).append(
            _("The %(cycle)s cycle is still open: close it before opening another.") % {"cycle": already.name}
        )
    if errors:
        raise ValidationError(errors)
    cycle = ReportingCycle(
        year=year,
        label=label,
        period_start=period_start,
        period_end=period_end,
        opens_on=opens_on,
        closes_on=closes_on,
        opened_by=acting_user,
        opened_at=timezone.now(),
    )
    cycle.full_clean(exclude=["opened_by", "closed_by"])
    cycle.save()
    audit_event_record(
        target=cycle,
        action="opened",
        actor=acting_user,
        to_state=cycle.state,
        changed_fields=changed_field_values(
            {},
            {"period_start": period_start, "period_end": period_end, "opens_on": opens_on, "closes_on": closes_on},
            ["period_start", "period_end", "opens_on", "closes_on"],
        ),
    )
    data_version_bump()
    return cycle


@transaction.atomic
def cycle_close(*, acting_user: Any, cycle: ReportingCycle) -> ReportingCycle:
    """A reviewer closes the open cycle: no more reports are written in it; reminders stop.

    Submitted reports can still be accepted. Which pledges are inactive depends on the closed
    cycles, so the data version is bumped.
    """
    require_reviewer(acting_user, _("Only secretariat reviewers can close a reporting cycle."))
    current = ReportingCycle.objects.select_for_update().get(pk=cycle.pk)
    if not current.is_open:
        raise ValidationError(_("The %(cycle)s cycle is already closed.") % {"cycle": current.name}, code="closed")
    current.state = ReportingCycle.State.CLOSED
    current.closed_at = timezone.now()
    current.closed_by = acting_user
    current.save(update_fields=["state", "closed_at", "closed_by"])
    audit_event_record(
        target=current, action="closed", actor=acting_user, from_state=ReportingCycle.State.OPEN, to_state=current.state
    )
    data_version_bump()
    return current


def open_cycle() -> ReportingCycle | None:
    """The open cycle, if any."""
    return ReportingCycle.objects.filter(state=ReportingCycle.State.OPEN).first()


def reportable(pledge: Pledge, cycle: ReportingCycle | None, today: dt.date | None = None) -> str:
    """Why ``pledge`` cannot report in ``cycle`` today (``""`` when it can); for the form page."""
    if cycle is None:
        return _("No reporting cycle is open. The secretariat opens one every year and emails every pledger.")
    return _why_not_reportable(pledge, cycle, today or timezone.localdate())


def q_reported_in(cycle_id: int) -> Q:
    """For a pledge row: an accepted report in this cycle."""
    return Q(Exists(ProgressReport.objects.filter(pledge_id=OuterRef("pk"), cycle_id=cycle_id, state=State.ACCEPTED)))
