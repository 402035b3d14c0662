"""The unfiltered dashboard, computed in the background whenever the data version changes.

Every change to what the dashboard counts bumps the data version (``p2c.dashboard.freshness``),
and with it, once its transaction has committed, enqueues :func:`p2c.dashboard.tasks.dashboard_warm`
(once per transaction). The task calls :func:`dashboard_warm`: it computes the unfiltered figures
and renders the page in every language, puts them in the cache and keeps them in the database
(``WarmedDashboard``), where every web process finds them whatever the cache backend. A request
for the unfiltered page or its figures that misses the cache reads them from there (one query);
before the task has run, the request computes them itself, as before: correctness first.

Several changes in a row enqueue several tasks; each reads the version when it runs, so the
first computes the latest figures and the others find them done. Figures computed while the
version changed again are not kept (a newer task is on its way).
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import QueryDict
from django.urls import get_script_prefix
from django.utils import timezone, translation

from p2c.dashboard import aggregates as agg
from p2c.dashboard.models import WarmedDashboard

FIGURES = ""  # the ``language`` of the row holding the figures


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
    """Compute and keep the unfiltered figures and pages of the current data version; whether it did."""
    from p2c.dashboard.freshness import data_version
    from p2c.dashboard.page import body_for, page_cache_key
    from p2c.pledges.filters import pledge_filter

    version, prefix = data_version(), get_script_prefix()
    if WarmedDashboard.objects.filter(version=version, prefix=prefix).exists():
        return False
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
    now, today = timezone.now(), timezone.localdate()
    rows = [WarmedDashboard(language=FIGURES, content=zlib.compress(_dumps(aggregates).encode(), 1))]
    rows += [WarmedDashboard(language=lang, description=d, content=packed) for lang, (d, packed) in pages.items()]
    for row in rows:
        row.version, row.prefix, row.day, row.computed_at = version, prefix, today, now
    with transaction.atomic():
        WarmedDashboard.objects.exclude(version=version).delete()
        WarmedDashboard.objects.bulk_create(rows, ignore_conflicts=True)
    return True


def warmed(version: str, language: str) -> tuple[tuple[str, bytes] | None, agg.Aggregates | None]:
    """What the task kept for ``version`` (one query): the unfiltered page in ``language`` as (description,
    compressed body), if it was rendered today, and the unfiltered figures; ``None`` for what it has not."""
    page: tuple[str, bytes] | None = None
    figures: agg.Aggregates | None = None
    rows = WarmedDashboard.objects.filter(
        version=version, language__in=[FIGURES, language], prefix=get_script_prefix()
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
        WarmedDashboard.objects.filter(version=version, language=FIGURES, prefix=get_script_prefix())
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
