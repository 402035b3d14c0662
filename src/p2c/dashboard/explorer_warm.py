"""The explorer's totals and first pages, computed in the background whenever the data version changes.

A change to the published pledges gives a new data version, and with it no cached totals apply: the
first visitor of each search or combination of filters would wait for its count and sum (tens of
milliseconds for a common word at 100,000 pledges). So the task that warms the dashboard after
every change (``p2c.dashboard.tasks.dashboard_warm``) also calls :func:`explorer_warm`: it computes,
for the new version, the totals and the ids of the first page of every published pledge (the
explorer's front page), and of the states visitors asked for most recently (``ExplorerDemand``,
noted by :func:`demand_record` when a first page misses the cache; at most
``P2C_EXPLORER_WARM_STATES``, asked for within ``P2C_EXPLORER_WARM_DAYS``). It keeps them in the
database (``WarmedResults``), where every web process finds them in one query
(:func:`warmed_results`). Before the task has run, or for states nobody asked for lately, the
request computes them itself, as before. The figures are the same either way: the task runs the
same functions (``p2c.pledges.filters.results_first_page``).
"""

from __future__ import annotations

import logging
from decimal import Decimal

from django.conf import settings
from django.db import OperationalError, transaction
from django.http import QueryDict
from django.utils import timezone

from p2c.dashboard.freshness import data_version
from p2c.dashboard.models import ExplorerDemand, WarmedResults
from p2c.dashboard.warm import brief_write_wait, demands_forget
from p2c.pledges.filters import Totals, pledge_filter, results_first_page, results_state

logger = logging.getLogger(__name__)


def explorer_warm() -> int:
    """Compute and keep, for the current data version, the totals and first page of every published
    pledge and of the states asked for most recently; how many it computed.

    Requests older than ``P2C_EXPLORER_WARM_DAYS`` are forgotten, and all but the most recent few
    hundred (``p2c.dashboard.warm.demands_forget``), and so are states that no longer
    come out the same from their query (a focus area deleted since, a search of stop words). Rows of
    other versions are deleted. It stops as soon as the data version changes: a newer task is on
    its way.
    """
    version = data_version()
    today = timezone.localdate()
    demands_forget(ExplorerDemand, days=settings.P2C_EXPLORER_WARM_DAYS, states=settings.P2C_EXPLORER_WARM_STATES)
    WarmedResults.objects.exclude(version=version).delete()
    recent = ExplorerDemand.objects.order_by("-requested_at", "-id")[: settings.P2C_EXPLORER_WARM_STATES]
    wanted: list[tuple[ExplorerDemand | None, str]] = [(None, ""), *((d, d.query) for d in recent)]
    kept = set(WarmedResults.objects.filter(version=version, day=today).values_list("state", flat=True))
    computed = 0
    for demand, query in wanted:
        result = pledge_filter(QueryDict(query))
        state = results_state(result)
        if demand is not None and (result.errors or state != demand.state):
            demand.delete()
            continue
        if state in kept:
            continue
        totals, ids = results_first_page(result)
        if data_version() != version:
            break
        row = WarmedResults(
            version=version,
            state=state,
            day=today,
            count=totals.count,
            usd=totals.usd,
            valued=totals.valued,
            ids=ids,
            computed_at=timezone.now(),
        )
        WarmedResults.objects.bulk_create([row], ignore_conflicts=True)
        kept.add(state)
        computed += 1
    return computed


def warmed_results(version: str, state: str) -> tuple[Totals, list[int]] | None:
    """The totals and first page's ids the task computed for ``version`` and ``state`` today; ``None``
    if it has not (one query)."""
    found = (
        WarmedResults.objects.filter(version=version, state=state, day=timezone.localdate())
        .values_list("count", "usd", "valued", "ids")
        .first()
    )
    if found is None:
        return None
    count, usd, valued, ids = found
    return Totals(count=count, usd=Decimal(usd), valued=valued), [int(pk) for pk in ids]


def demand_record(state: str, query: str) -> None:
    """Note that a visitor asked for the first page of ``query`` (``state``: its ``results_state``), in one statement.

    The front page (no filter, no search, newest first) is warmed anyway and not noted. As for the
    dashboard, it never makes the visitor wait: on SQLite it waits at most a moment for the write
    lock, and a failure is logged, not raised.
    """
    if query in ("", "sort=newest"):
        return
    demand = ExplorerDemand(state=state, query=query, requested_at=timezone.now())
    try:
        with brief_write_wait(), transaction.atomic():
            ExplorerDemand.objects.bulk_create(
                [demand], update_conflicts=True, unique_fields=["state"], update_fields=["requested_at"]
            )
    except OperationalError:
        logger.warning("Could not note that the explorer for %r was asked for", query, exc_info=True)
