"""The dashboard, computed in the background whenever the data version changes.

Every change to what the dashboard counts bumps the data version (``p2c.dashboard.freshness``),
and with it, once its transaction has committed, enqueues :func:`p2c.dashboard.tasks.dashboard_warm`
(once per transaction). The task calls :func:`dashboard_warm`: it computes the unfiltered figures
and renders the page in every language, puts them in the cache and keeps them in the database
(``WarmedDashboard``), where every web process finds them whatever the cache backend. It then
renders again, for the new version, the filtered pages visitors asked for most recently
(``DashboardDemand``, recorded by :func:`demand_record` when a filtered request misses the cache;
at most ``P2C_DASHBOARD_WARM_STATES`` of them, asked for within ``P2C_DASHBOARD_WARM_DAYS``), each
in the language it was asked for. A request that misses the cache reads the page from there (one
query); before the task has run, or for filters nobody asked for lately, the request computes the
page itself, as before: correctness first.

Several changes in a row enqueue several tasks; each reads the version when it runs, so the
first computes the latest figures and the others find them done. Pages rendered while the
version changed again are not kept (a newer task is on its way).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, transaction
from django.http import QueryDict
from django.urls import get_script_prefix, set_script_prefix
from django.utils import timezone, translation

from p2c.dashboard import aggregates as agg
from p2c.dashboard.models import DashboardDemand, ExplorerDemand, WarmedDashboard

FIGURES = ""  # the ``language`` of the row holding the figures
UNFILTERED = ""  # the ``state`` of the rows of the unfiltered page and figures
logger = logging.getLogger(__name__)


def schedule_after_commit() -> None:
    """Enqueue the task once the current transaction commits (once per transaction; at once outside one)."""
    connection = transaction.get_connection()
    if any(func is _enqueue for _ids, func, _robust in connection.run_on_commit):
        return
    transaction.on_commit(_enqueue, robust=True)


def _enqueue() -> None:
    from p2c.dashboard.tasks import dashboard_warm as task

    task.enqueue()


def dashboard_warm() -> bool:
    """Compute and keep the unfiltered figures and pages of the current data version, then the
    filtered pages asked for lately (:func:`demanded_warm`); whether it rendered anything."""
    from p2c.dashboard.freshness import data_version

    version = data_version()
    done = WarmedDashboard.objects.filter(version=version, prefix=get_script_prefix(), state=UNFILTERED).exists()
    if not done and not _unfiltered_warm(version):
        return False
    return demanded_warm(version) > 0 or not done


def _unfiltered_warm(version: str) -> bool:
    """The unfiltered figures and page in every language, kept for ``version``; whether they were."""
    from p2c.dashboard.freshness import data_version
    from p2c.dashboard.page import body_for, page_cache_key
    from p2c.pledges.filters import pledge_filter

    nothing = QueryDict("")
    aggregates = agg.dashboard_aggregates(pledge_filter(nothing), version=version)
    pages: dict[str, tuple[str, bytes]] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            description, html = body_for(nothing, version, aggregates)
            pages[language] = (description, zlib.compress(html.encode(), 1))
            cache.set(page_cache_key(nothing, version, language), pages[language], agg.CACHE_SECONDS)
    if data_version() != version:
        return False
    rows = [_row(version, FIGURES, "", zlib.compress(_dumps(aggregates).encode(), 1))]
    rows += [_row(version, lang, d, packed) for lang, (d, packed) in pages.items()]
    with transaction.atomic():
        WarmedDashboard.objects.exclude(version=version).delete()
        WarmedDashboard.objects.bulk_create(rows, ignore_conflicts=True)
    return True


def demanded_warm(version: str) -> int:
    """Render and keep, for ``version``, the filtered pages asked for most recently; how many it rendered.

    Requests older than ``P2C_DASHBOARD_WARM_DAYS`` are forgotten, and all but the most recent
    ``DEMANDS_KEPT`` times as many as it renders (:func:`demands_forget`); of the others, the
    ``P2C_DASHBOARD_WARM_STATES`` most recent are rendered (those already kept for ``version``
    are left), each page in a transaction of its own, so that visitors find each as soon as it is
    ready. Filters that no longer parse cleanly (a focus area deleted since) are forgotten too.
    It stops as soon as the data version changes: a newer task is on its way.
    """
    from p2c.dashboard.freshness import data_version
    from p2c.dashboard.page import body_for, page_state
    from p2c.pledges.filters import pledge_filter

    demands_forget(DashboardDemand, days=settings.P2C_DASHBOARD_WARM_DAYS, states=settings.P2C_DASHBOARD_WARM_STATES)
    wanted = list(DashboardDemand.objects.order_by("-requested_at", "-id")[: settings.P2C_DASHBOARD_WARM_STATES])
    kept = set(WarmedDashboard.objects.filter(version=version).values_list("state", "language", "prefix"))
    rendered = 0
    for demand in wanted:
        if (demand.state, demand.language, demand.prefix) in kept:
            continue
        params = QueryDict(demand.query)
        with _script_prefix(demand.prefix), translation.override(demand.language):
            result = pledge_filter(params)
            if result.errors or not result.is_filtered or page_state(params) != demand.state:
                demand.delete()
                continue
            description, html = body_for(params, version, result=result)
        if data_version() != version:
            break
        packed = zlib.compress(html.encode(), 1)
        row = _row(version, demand.language, description, packed, state=demand.state, prefix=demand.prefix)
        WarmedDashboard.objects.bulk_create([row], ignore_conflicts=True)
        rendered += 1
    return rendered


DEMANDS_KEPT = 10  # requests kept, as a multiple of the states the task computes


def demands_forget(model: type[DashboardDemand] | type[ExplorerDemand], *, days: int, states: int) -> None:
    """Delete the requests of ``model`` older than ``days``, and all but the ``DEMANDS_KEPT * states`` most
    recent: noting requests is a write any visitor causes, so a crawler walking every combination of
    filters must not grow the table without end (each request is one row; asked again, it moves up)."""
    model.objects.filter(requested_at__lt=timezone.now() - dt.timedelta(days=days)).delete()
    recent = model.objects.order_by("-requested_at", "-id").values_list("requested_at", flat=True)
    oldest_kept = recent[DEMANDS_KEPT * states - 1 : DEMANDS_KEPT * states].first()
    if oldest_kept is not None:
        model.objects.filter(requested_at__lt=oldest_kept).delete()


def _row(
    version: str, language: str, description: str, content: bytes, *, state: str = UNFILTERED, prefix: str = ""
) -> WarmedDashboard:
    """A row to keep, computed now for today, under ``prefix`` (this process's URL prefix if empty)."""
    return WarmedDashboard(
        version=version,
        language=language,
        prefix=prefix or get_script_prefix(),
        state=state,
        day=timezone.localdate(),
        description=description,
        content=content,
        computed_at=timezone.now(),
    )


@contextmanager
def _script_prefix(prefix: str) -> Iterator[None]:
    """Render links under ``prefix`` (the URL prefix the page was asked for under)."""
    before = get_script_prefix()
    set_script_prefix(prefix or "/")
    try:
        yield
    finally:
        set_script_prefix(before)


def demand_record(state: str, language: str, query: str) -> None:
    """Note that a visitor asked for the filtered page ``query`` (digest ``state``) in ``language`` (one statement).

    It only helps later visitors, so it never makes this one wait: on SQLite, where a long write
    elsewhere (a bulk import) holds the database's one write lock, it waits at most
    ``DEMAND_WAIT_MS`` instead of the connection's busy timeout; if it could not be noted, the
    failure is logged and the page served.
    """
    demand = DashboardDemand(
        state=state, language=language, prefix=get_script_prefix(), query=query, requested_at=timezone.now()
    )
    try:
        with brief_write_wait(), transaction.atomic():
            DashboardDemand.objects.bulk_create(
                [demand],
                update_conflicts=True,
                unique_fields=["state", "language"],
                update_fields=["requested_at"],
            )
    except OperationalError:
        logger.warning("Could not note that the dashboard for %r was asked for", query, exc_info=True)


DEMAND_WAIT_MS = 200


@contextmanager
def brief_write_wait() -> Iterator[None]:
    """On SQLite, wait at most ``DEMAND_WAIT_MS`` for the write lock (then the connection's own timeout again)."""
    connection = transaction.get_connection()
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection  # a setting of the connection, not a query: read and set it directly
    before = int(raw.execute("PRAGMA busy_timeout").fetchone()[0])
    raw.execute(f"PRAGMA busy_timeout = {DEMAND_WAIT_MS}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA busy_timeout = {before}")


def warmed_page(version: str, language: str, state: str) -> tuple[str, bytes] | None:
    """The filtered page the task rendered for ``version``, ``language`` and filters ``state`` today, as
    (description, compressed body); ``None`` if it has not (one query)."""
    found = (
        WarmedDashboard.objects.filter(
            version=version, language=language, prefix=get_script_prefix(), state=state, day=timezone.localdate()
        )
        .values_list("description", "content")
        .first()
    )
    return (found[0], bytes(found[1])) if found is not None else None


def warmed(version: str, language: str) -> tuple[tuple[str, bytes] | None, agg.Aggregates | None]:
    """What the task kept for ``version`` (one query): the unfiltered page in ``language`` as (description,
    compressed body), if it was rendered today, and the unfiltered figures; ``None`` for what it has not."""
    page: tuple[str, bytes] | None = None
    figures: agg.Aggregates | None = None
    rows = WarmedDashboard.objects.filter(
        version=version, language__in=[FIGURES, language], prefix=get_script_prefix(), state=UNFILTERED
    ).values_list("language", "day", "description", "content")
    for found, day, description, content in rows:
        if found == FIGURES:
            figures = _loads(zlib.decompress(bytes(content)).decode())
        elif day == timezone.localdate():
            page = (description, bytes(content))
    return page, figures


def warmed_aggregates(version: str) -> agg.Aggregates | None:
    """The unfiltered figures warmed for ``version``, if there are any (one query)."""
    content = (
        WarmedDashboard.objects.filter(version=version, language=FIGURES, prefix=get_script_prefix(), state=UNFILTERED)
        .values_list("content", flat=True)
        .first()
    )
    return _loads(zlib.decompress(bytes(content)).decode()) if content is not None else None


# --- The figures as JSON (not pickled: the database is not trusted to run code) ---------------------
def _part(part: agg.Part) -> list[int]:
    return [part.pledges, part.cents, part.valued]


def _dumps(found: agg.Aggregates) -> str:
    return json.dumps(
        {
            "totals": [found.pledges, found.cents, found.valued, found.entities, found.governments],
            "groupings": {code: _part(part) for code, part in found.groupings.items()},
            "breakdowns": {
                dimension: [[[code, *_part(part)] for code, part in b.parts.items()], _part(b.unattributed)]
                for dimension, b in found.breakdowns.items()
            },
            "days": [[day.isoformat(), pledges, cents] for day, pledges, cents in found.days],
            "version": found.version,
            "computed_at": found.computed_at.isoformat() if found.computed_at else None,
        }
    )


def _loads(text: str) -> agg.Aggregates:
    data: dict[str, Any] = json.loads(text)
    pledges, cents, valued, entities, governments = data["totals"]
    return agg.Aggregates(
        pledges=pledges,
        cents=cents,
        valued=valued,
        entities=entities,
        governments=governments,
        groupings={code: agg.Part(*part) for code, part in data["groupings"].items()},
        breakdowns={
            dimension: agg.Breakdown(
                dimension, {code: agg.Part(*numbers) for code, *numbers in parts}, agg.Part(*unattributed)
            )
            for dimension, (parts, unattributed) in data["breakdowns"].items()
        },
        days=[(dt.date.fromisoformat(day), n, c) for day, n, c in data["days"]],
        version=data["version"],
        computed_at=dt.datetime.fromisoformat(data["computed_at"]) if data["computed_at"] else None,
    )
