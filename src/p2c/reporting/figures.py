"""Accountability figures for any set of published pledges: reporting rate, money disbursed, delivery status.

Used by the dashboard (with the explorer's filters, plus breakdowns by entity type and focus
area), entity pages and country pages. Definitions (docs/methodology.md, "Delivery and reporting"):

- **Reporting rate** in a cycle: of the pledges that owe a report in it (published before the end
  of its period, and not reported completed or discontinued in an earlier cycle), the share with
  an *accepted* report in it. The cycle is the latest one, open or closed (while it is open, the
  rate grows as reports are accepted; the page says so).
- **USD reported disbursed**: the sum, over the pledges, of ``usd_disbursed`` of each pledge's
  latest accepted report (``ProgressReport.is_latest``): cumulative amounts, so each pledge once.
  Shown beside the USD pledged by those same pledges, and by all of them.
- **Delivery status**: each pledge once, by the status of its latest accepted report, or “no
  accepted report yet”.
- **Inactive** and **overdue**: ``p2c.reporting.freshness``.

Only accepted reports of published pledges count, anywhere. Every figure is a ``COUNT``/``SUM``
over the pledges with ``EXISTS`` conditions and scalar subqueries (no join that could count a
pledge twice), all in one query (two more for the breakdowns), whatever the number of pledges.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from p2c.pledges.models import Pledge
from p2c.reporting.freshness import FINISHED, CycleRef, Cycles, cycles_now, inactive_q, overdue_q
from p2c.reporting.models import ProgressReport

STATUSES = [*Pledge.DeliveryStatus.values, ""]  # "" = no accepted report yet
ACCEPTED = ProgressReport.State.ACCEPTED


@dataclass(frozen=True)
class Rate:
    """Pledges owing a report in a cycle, and how many of them have an accepted one."""

    due: int
    reported: int

    @property
    def percent(self) -> int | None:
        """The share in whole percent, rounded half up; ``None`` when no pledge owes a report."""
        if not self.due:
            return None
        return (self.reported * 200 + self.due) // (self.due * 2)


@dataclass(frozen=True)
class StatusPart:
    """Pledges whose latest accepted report gives a status, and their estimated USD."""

    pledges: int
    usd: Decimal


@dataclass(frozen=True)
class Accountability:
    """The accountability figures of a set of published pledges (picklable: the dashboard caches it)."""

    cycle: CycleRef | None  # the latest cycle; None before the first is opened
    rate: Rate | None
    pledges: int
    usd_pledged: Decimal
    reporting_pledges: int  # pledges with an accepted report
    usd_pledged_reporting: Decimal  # USD pledged by those
    usd_disbursed: Decimal  # USD disbursed, as their latest accepted reports say
    statuses: dict[str, StatusPart]  # by delivery status code; "" for none yet
    inactive: int
    overdue: int
    inactive_counted: bool  # two cycles are closed, so "inactive" can apply
    today: dt.date | None = None
    by_entity_type: dict[int, Rate] = field(default_factory=dict)  # entity type id -> rate
    by_focus_area: dict[int, Rate] = field(default_factory=dict)  # focus area id -> rate

    @property
    def disbursed_share(self) -> int | None:
        """USD reported disbursed as a share (whole percent) of what the reporting pledges pledged."""
        if not self.usd_pledged_reporting:
            return None
        return int((self.usd_disbursed * 100 / self.usd_pledged_reporting).to_integral_value())


# A condition on reports is written one of two ways. For a few pledges (an entity's, a country's, a
# filtered dashboard), ``EXISTS`` probes the reports' (pledge, state, cycle) index for each pledge:
# 20 ms for Kenya's pledges at 100,000 pledges on SQLite. For all of them (the unfiltered dashboard),
# ``pledge IN (SELECT pledge_id FROM reports WHERE …)`` builds the list once instead: about 25 %
# faster there, but 110 ms for Kenya's, since the whole list is built whatever the pledges.


def _reports_hold(pledge: str, reports: QuerySet[ProgressReport], lists: bool) -> Q:
    """For a pledge row (``pledge="pk"``) or a row with a ``pledge_id``: one of ``reports`` is the pledge's."""
    if lists:
        return Q(**{f"{pledge}__in": reports.values("pledge_id")})
    return Q(Exists(reports.filter(pledge_id=OuterRef(pledge))))


def due_q(cycle: CycleRef, pledge: str = "pk", *, lists: bool = False) -> Q:
    """For a pledge row (``pledge="pk"``) or a row with a ``pledge_id``, the pledge owes a report in ``cycle``."""
    prefix = "" if pledge == "pk" else "pledge__"
    finished = ProgressReport.objects.filter(state=ACCEPTED, cycle__year__lt=cycle.year, delivery_status__in=FINISHED)
    return Q(**{f"{prefix}published_at__lt": cycle.period_end_instant}) & ~_reports_hold(pledge, finished, lists)


def reported_q(cycle: CycleRef, pledge: str = "pk", *, lists: bool = False) -> Q:
    """For a pledge row or a row with a ``pledge_id``, the pledge has an accepted report in ``cycle``."""
    return _reports_hold(pledge, ProgressReport.objects.filter(cycle_id=cycle.id, state=ACCEPTED), lists)


def accountability(
    pledges: QuerySet[Pledge],
    *,
    cycles: Cycles | None = None,
    today: dt.date | None = None,
    breakdowns: bool = False,
    everything: bool = False,
) -> Accountability:
    """The figures of ``pledges`` (published pledges, each once: a filter result or a selector's set).

    ``everything``: ``pledges`` are all the published pledges (an unfiltered dashboard), so the
    conditions on reports are lists built once rather than probes per pledge.
    """
    cycles = cycles if cycles is not None else cycles_now()
    today = today or timezone.localdate()
    latest = cycles.latest
    base = pledges.order_by()
    aggregates: dict[str, Any] = {
        "pledges_n": Count("id"),
        "usd": Sum("usd_estimate"),
        "overdue": Count("id", filter=overdue_q(today)),
    }
    counted = cycles.inactive_threshold is not None
    if counted:
        aggregates["inactive"] = Count("id", filter=inactive_q(cycles))
    for code in STATUSES:
        aggregates[f"n_{code}"] = Count("id", filter=Q(delivery_status=code))
        aggregates[f"u_{code}"] = Sum("usd_estimate", filter=Q(delivery_status=code))
    if latest is not None:
        due, reported = due_q(latest, lists=everything), reported_q(latest, lists=everything)
        aggregates["due"] = Count("id", filter=due)
        aggregates["reported"] = Count("id", filter=due & reported)
    latest_report = ProgressReport.objects.filter(pledge_id=OuterRef("pk"), is_latest=True)
    has_report = _reports_hold("pk", ProgressReport.objects.filter(is_latest=True), everything)
    aggregates["reporting_n"] = Count("id", filter=has_report)
    aggregates["reporting_usd"] = Sum("usd_estimate", filter=has_report)
    aggregates["disbursed"] = Sum(Subquery(latest_report.values("usd_disbursed")[:1]))
    found = base.aggregate(**aggregates)
    zero = Decimal(0)
    result = Accountability(
        cycle=latest,
        rate=Rate(found["due"] or 0, found["reported"] or 0) if latest is not None else None,
        pledges=found["pledges_n"] or 0,
        usd_pledged=found["usd"] or zero,
        reporting_pledges=found["reporting_n"] or 0,
        usd_pledged_reporting=found["reporting_usd"] or zero,
        usd_disbursed=found["disbursed"] or zero,
        statuses={code: StatusPart(found[f"n_{code}"] or 0, found[f"u_{code}"] or zero) for code in STATUSES},
        inactive=found.get("inactive") or 0,
        overdue=found["overdue"] or 0,
        inactive_counted=counted,
        today=today,
    )
    if breakdowns and latest is not None:
        return _with_breakdowns(result, base, latest, everything)
    return result


def _with_breakdowns(result: Accountability, base: QuerySet[Pledge], cycle: CycleRef, lists: bool) -> Accountability:
    """The reporting rate by type of lead entity and by focus area (two queries)."""
    due, reported = due_q(cycle, lists=lists), due_q(cycle, lists=lists) & reported_q(cycle, lists=lists)
    by_type = {
        row["lead_entity__entity_type_id"]: Rate(row["due"], row["reported"])
        for row in base.values("lead_entity__entity_type_id").annotate(
            due=Count("id", filter=due), reported=Count("id", filter=reported)
        )
    }
    through = Pledge.focus_areas.through
    due_t = due_q(cycle, "pledge_id", lists=lists)
    reported_t = due_t & reported_q(cycle, "pledge_id", lists=lists)
    rows = (
        through.objects.filter(pledge_id__in=base.values("id"))
        .values("focusarea_id")
        .annotate(due=Count("pledge_id", filter=due_t), reported=Count("pledge_id", filter=reported_t))
        .order_by()
    )
    by_area = {row["focusarea_id"]: Rate(row["due"], row["reported"]) for row in rows}
    return replace(result, by_entity_type=by_type, by_focus_area=by_area)
