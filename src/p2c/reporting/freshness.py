"""Is a pledge still reporting, and is it late? The two public marks, and the filters behind them.

Definitions (docs/methodology.md, "Delivery and reporting"):

- **Inactive**: a published pledge that was published before the start of the period of the
  second-to-last *closed* cycle, is not finished (its accepted delivery status is neither
  completed nor discontinued), and has no accepted report in either of the last two closed cycles
  or any later one (``last_report_year`` is empty or older than the second-to-last closed
  cycle's year). Shown as “inactive — no report since 2024” or “inactive — never reported”.
  With fewer than two closed cycles, no pledge is inactive.
- **Overdue**: a published pledge whose end date has passed (``end_date < today``) and whose
  delivery status is neither completed nor discontinued (a discontinued pledge is already
  marked as such; calling it overdue as well would say nothing more).

Both are conditions on the pledge row alone (the closed cycles are read once), so the explorer
filters and the dashboard counts are plain ``WHERE`` clauses, and they agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from p2c.pledges.models import Pledge

FINISHED = (Pledge.DeliveryStatus.COMPLETED, Pledge.DeliveryStatus.DISCONTINUED)
INACTIVE, OVERDUE = "inactive", "overdue"
FRESHNESS_LABELS = {
    INACTIVE: gettext_lazy("Inactive: no accepted report in the last two closed cycles"),
    OVERDUE: gettext_lazy("Overdue: past its end date and not completed"),
}


@dataclass(frozen=True)
class CycleRef:
    """What the marks and figures need to know about a cycle."""

    id: int
    year: int
    name: str
    state: str
    period_start: dt.date
    period_end: dt.date
    opens_on: dt.date
    closes_on: dt.date

    @property
    def period_end_instant(self) -> dt.datetime:
        """The first moment (UTC) after the period: pledges published before it owe a report."""
        after = self.period_end + dt.timedelta(days=1)
        return dt.datetime(after.year, after.month, after.day, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Cycles:
    """The cycles that the marks and the accountability figures depend on (read in one query)."""

    latest: CycleRef | None  # the most recent cycle, open or closed
    closed: tuple[CycleRef, ...]  # the last two closed cycles, newest first

    @property
    def inactive_threshold(self) -> CycleRef | None:
        """The second-to-last closed cycle, or ``None`` when fewer than two cycles are closed."""
        return self.closed[1] if len(self.closed) > 1 else None

    def inactive_since(self) -> dt.datetime | None:
        """Pledges published before this moment (UTC) can be inactive."""
        threshold = self.inactive_threshold
        if threshold is None:
            return None
        start = threshold.period_start
        return dt.datetime(start.year, start.month, start.day, tzinfo=dt.UTC)


def _ref(cycle: Any) -> CycleRef:
    return CycleRef(
        cycle.pk,
        cycle.year,
        cycle.name,
        cycle.state,
        cycle.period_start,
        cycle.period_end,
        cycle.opens_on,
        cycle.closes_on,
    )


def cycles_now() -> Cycles:
    """The latest cycle and the last two closed ones (one query: cycles are few, one a year)."""
    from p2c.reporting.models import ReportingCycle

    rows = [_ref(c) for c in ReportingCycle.objects.order_by("-year")]
    closed = tuple(c for c in rows if c.state == ReportingCycle.State.CLOSED)[:2]
    return Cycles(latest=rows[0] if rows else None, closed=closed)


# The cards' marks and the entity and country pages read the cycles from the cache: they change a few
# times a year (a cycle opened or closed), and a page must not pay a query for them. Saving or
# deleting a cycle forgets them in this process at once; other processes (each with its own
# in-memory cache) follow within a minute. The explorer's filter and the dashboard read them fresh.
CYCLES_CACHE_KEY = "p2c:reporting:cycles:v1"
CYCLES_CACHE_SECONDS = 60


def cycles_cached() -> Cycles:
    """``cycles_now()``, kept in the cache for ``CYCLES_CACHE_SECONDS``."""
    found = cache.get(CYCLES_CACHE_KEY)
    if found is None:
        found = cycles_now()
        cache.set(CYCLES_CACHE_KEY, found, CYCLES_CACHE_SECONDS)
    return cast(Cycles, found)


def cycles_forget(**kwargs: Any) -> None:
    """Drop the cached cycles now and once the transaction commits (connected to saves and deletes of cycles)."""
    cache.delete(CYCLES_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CYCLES_CACHE_KEY))


def cycles_for_request(request: Any) -> Cycles:
    """The cycles for a page: read once per request (a page shows many cards), from the cache."""
    if request is None:
        return cycles_cached()
    found = getattr(request, "_p2c_reporting_cycles", None)
    if found is None:
        found = cycles_cached()
        request._p2c_reporting_cycles = found
    return found


def inactive_q(cycles: Cycles) -> Q:
    """Published pledges that count as inactive (none while fewer than two cycles are closed)."""
    threshold, since = cycles.inactive_threshold, cycles.inactive_since()
    if threshold is None or since is None:
        return Q(pk__in=[])
    silent = Q(last_report_year__isnull=True) | Q(last_report_year__lt=threshold.year)
    return silent & Q(published_at__lt=since) & ~Q(delivery_status__in=FINISHED)


def overdue_q(today: dt.date | None = None) -> Q:
    """Published pledges past their end date whose delivery is neither completed nor discontinued."""
    return Q(end_date__lt=today or timezone.localdate()) & ~Q(delivery_status__in=FINISHED)


def freshness_q(values: list[str], cycles: Cycles | None = None, today: dt.date | None = None) -> Q:
    """The explorer's ``freshness`` filter: any of ``inactive``, ``overdue`` (repeated values OR together)."""
    q = Q(pk__in=[])
    if INACTIVE in values:
        q |= inactive_q(cycles or cycles_now())
    if OVERDUE in values:
        q |= overdue_q(today)
    return q


@dataclass(frozen=True)
class Mark:
    """A freshness mark on a pledge card or page: its kind (a CSS hook) and its words."""

    kind: str
    text: str


def pledge_marks(pledge: Pledge, cycles: Cycles, today: dt.date | None = None) -> list[Mark]:
    """The marks of one published pledge, decided from its row as the filters decide (no query)."""
    marks: list[Mark] = []
    finished = pledge.delivery_status in FINISHED
    threshold, since = cycles.inactive_threshold, cycles.inactive_since()
    if (
        threshold is not None
        and since is not None
        and not finished
        and pledge.published_at is not None
        and pledge.published_at < since
        and (pledge.last_report_year is None or pledge.last_report_year < threshold.year)
    ):
        if pledge.last_report_year is None:
            text = _("Inactive — never reported")
        else:
            text = _("Inactive — no report since %(year)s") % {"year": pledge.last_report_year}
        marks.append(Mark(INACTIVE, text))
    if not finished and pledge.end_date is not None and pledge.end_date < (today or timezone.localdate()):
        marks.append(Mark(OVERDUE, _("Overdue — past its end date")))
    return marks
