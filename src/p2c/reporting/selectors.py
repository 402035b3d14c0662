"""Reads for progress reporting: what each page shows, in a fixed number of queries whatever the data.

Public reads (the delivery timeline) return only accepted reports of published pledges. The
pledger's and the reviewers' reads return every state, to the people allowed to see them (the
views check who asks).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from p2c.accounts.models import User
from p2c.core.models import AuditEvent
from p2c.entities.models import Entity, Membership
from p2c.pledges.models import Pledge
from p2c.pledges.selectors import published_pledges
from p2c.reporting.models import ProgressReport, ReportingCycle, TargetActual
from p2c.reporting.services import finished_before, open_cycle, pledges_owing_reports

State = ProgressReport.State
StrOrPromise = str | Promise


# --- Public: the delivery timeline ---------------------------------------------------------------


def accepted_reports(pledge: Pledge) -> list[ProgressReport]:
    """The accepted reports of a published pledge, newest cycle first, with their actuals (two queries).

    Nothing for a pledge that is not published: its reports are never public.
    """
    if pledge.state != Pledge.State.PUBLISHED or pledge.last_report_year is None:
        return []  # not public; or no report ever accepted (the field is set when one is)
    return list(
        ProgressReport.objects.filter(pledge_id=pledge.pk, state=State.ACCEPTED, pledge__state=Pledge.State.PUBLISHED)
        .select_related("cycle")
        .prefetch_related(Prefetch("actuals", queryset=TargetActual.objects.order_by("order", "id")))
        .order_by("-cycle__year", "-id")
    )


# --- The pledger's /my/reports/ and report form ----------------------------------------------------


@dataclass
class ReportRow:
    """One pledge on /my/reports/: its report in the cycle, if started."""

    pledge: Pledge
    report: ProgressReport | None
    owes: bool = True


@dataclass
class EntityReports:
    """One of my entities and its published pledges, for the cycle."""

    entity: Entity
    rows: list[ReportRow] = field(default_factory=list)

    @property
    def to_do(self) -> int:
        """Pledges still needing the pledger: no report, a draft, or a question to answer."""
        return sum(
            1
            for row in self.rows
            if row.owes and (row.report is None or row.report.state in (State.DRAFT, State.CLARIFICATION_REQUESTED))
        )


@dataclass(frozen=True)
class MyReports:
    """Everything /my/reports/ shows."""

    cycle: ReportingCycle | None
    entities: list[EntityReports]


def my_reports(user: Any, *, today: dt.date | None = None) -> MyReports:
    """For the open cycle, every published pledge that my entities lead, with its report (four queries)."""
    cycle = open_cycle()
    entities = list(
        Entity.objects.filter(memberships__user=user, memberships__status=Membership.Status.ACTIVE).order_by("name")
    )
    groups = {entity.pk: EntityReports(entity) for entity in entities}
    if cycle is None or not entities:
        return MyReports(cycle, list(groups.values()))
    owing = pledges_owing_reports(cycle, Pledge.objects.filter(pk=OuterRef("pk")))
    pledges = (
        published_pledges()
        .filter(lead_entity_id__in=list(groups))
        .annotate(owes_report=Exists(owing))
        .order_by("reference")
    )
    listed = list(pledges)
    reports = {
        r.pledge_id: r
        for r in ProgressReport.objects.filter(cycle=cycle, pledge_id__in=[p.pk for p in listed]).exclude(
            state=State.WITHDRAWN
        )
    }
    for pledge in listed:
        groups[pledge.lead_entity_id].rows.append(
            ReportRow(pledge, reports.get(pledge.pk), owes=bool(pledge.owes_report))
        )
    for group in groups.values():
        group.rows.sort(key=lambda row: (not row.owes, row.report is not None and row.report.state == State.ACCEPTED))
    return MyReports(cycle, list(groups.values()))


def current_report(pledge: Pledge, cycle: ReportingCycle) -> ProgressReport | None:
    """``pledge``'s report in ``cycle`` (not withdrawn), with its actuals; ``None`` if not started."""
    return (
        ProgressReport.objects.filter(pledge=pledge, cycle=cycle)
        .exclude(state=State.WITHDRAWN)
        .prefetch_related(Prefetch("actuals", queryset=TargetActual.objects.order_by("order", "id")))
        .first()
    )


def latest_accepted(pledge: Pledge, *, before_year: int | None = None) -> ProgressReport | None:
    """The pledge's latest accepted report (of a cycle before ``before_year``, if given), for comparison."""
    reports = ProgressReport.objects.filter(pledge=pledge, state=State.ACCEPTED).select_related("cycle")
    if before_year is not None:
        reports = reports.filter(cycle__year__lt=before_year)
    return reports.order_by("-cycle__year").first()


# --- History ---------------------------------------------------------------------------------------

ACTION_LABELS: dict[str, StrOrPromise] = {
    "created": _("Started"),
    "updated": _("Edited"),
    "submitted": _("Submitted for review"),
    "accepted": _("Accepted and published"),
    "clarification_requested": _("Clarification requested"),
    "withdrawn": _("Discarded"),
}


@dataclass(frozen=True)
class HistoryEntry:
    """One AuditEvent of a report, in words."""

    label: str
    actor: User | None
    when: dt.datetime
    comment: str


def report_history(report: ProgressReport) -> list[HistoryEntry]:
    """What happened to ``report``, oldest first (one query)."""
    events = (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(ProgressReport), object_id=str(report.pk)
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )
    return [
        HistoryEntry(
            str(ACTION_LABELS.get(e.action, e.action.replace("_", " ").capitalize())), e.actor, e.created_at, e.comment
        )
        for e in events
    ]


def clarification_asked(history: list[HistoryEntry], report: ProgressReport) -> HistoryEntry | None:
    """The reviewer's latest question, while the report is sent back for clarification."""
    if report.state != State.CLARIFICATION_REQUESTED:
        return None
    label = str(ACTION_LABELS["clarification_requested"])
    return next((entry for entry in reversed(history) if entry.label == label), None)


# --- The secretariat's screens ------------------------------------------------------------------

# The queue's state filter: its value in the URL, its label and the states it shows.
QUEUE_STATES: dict[str, tuple[StrOrPromise, tuple[str, ...]]] = {
    "submitted": (_("Waiting for review"), (State.SUBMITTED,)),
    "clarification_requested": (_("Clarification requested (back with the pledger)"), (State.CLARIFICATION_REQUESTED,)),
    "accepted": (_("Accepted"), (State.ACCEPTED,)),
}
DEFAULT_QUEUE_STATE = "submitted"


def report_queue(state: str) -> QuerySet[ProgressReport]:
    """Reports in ``state`` (a ``QUEUE_STATES`` key), oldest submission first, with what each row shows."""
    states = QUEUE_STATES.get(state, QUEUE_STATES[DEFAULT_QUEUE_STATE])[1]
    return (
        ProgressReport.objects.filter(state__in=states)
        .select_related("pledge__lead_entity__entity_type", "cycle")
        .order_by("submitted_at", "id")
    )


def report_for_review(report_id: int) -> ProgressReport | None:
    """A report a reviewer may look at: submitted at least once (a draft is the pledger's private work)."""
    report = (
        ProgressReport.objects.select_related("pledge__lead_entity__entity_type", "cycle")
        .prefetch_related(Prefetch("actuals", queryset=TargetActual.objects.order_by("order", "id")))
        .filter(pk=report_id)
        .first()
    )
    if report is None or report.submitted_at is None:
        return None
    return report


@dataclass(frozen=True)
class CycleRow:
    """A cycle on /review/cycles/, with its reports by state (and, while open, the pledges owing one)."""

    cycle: ReportingCycle
    by_state: dict[str, int]
    owing: int | None

    @property
    def accepted(self) -> int:
        return self.by_state.get(State.ACCEPTED, 0)

    @property
    def submitted(self) -> int:
        return self.by_state.get(State.SUBMITTED, 0)

    @property
    def in_progress(self) -> int:
        return self.by_state.get(State.DRAFT, 0) + self.by_state.get(State.CLARIFICATION_REQUESTED, 0)


def cycle_rows() -> list[CycleRow]:
    """Every cycle, newest first, with its reports counted by state (three queries)."""
    cycles = list(ReportingCycle.objects.order_by("-year"))
    counts: dict[int, dict[str, int]] = {}
    for row in ProgressReport.objects.values("cycle_id", "state").annotate(n=Count("id")).order_by():
        counts.setdefault(row["cycle_id"], {})[row["state"]] = row["n"]
    opened = next((c for c in cycles if c.is_open), None)
    owing = pledges_owing_reports(opened).count() if opened is not None else None
    return [CycleRow(c, counts.get(c.pk, {}), owing if c.is_open else None) for c in cycles]


__all__ = [
    "QUEUE_STATES",
    "accepted_reports",
    "clarification_asked",
    "current_report",
    "cycle_rows",
    "finished_before",
    "latest_accepted",
    "my_reports",
    "report_for_review",
    "report_history",
    "report_queue",
]
