"""Server time of the public pages, measured in-process with Django's test client.

Each measure runs a few warm-up requests, then at least 50 timed ones, rotating through several
URLs of the same kind so that no single cached plan or row flatters the figure. "Server time" is the
time Django takes to turn the request into a response: routing, middleware, queries, rendering.
"""

from __future__ import annotations

import gc
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

WARM_UP = 3

SEARCH_TERMS = ["school", "rural", "women", "broadband", "skills", "satellite", "fibre", "youth", "health", "finance"]
FILTER_COMBINATIONS = [
    "focus_area=access&grouping=ldc&type=financial",
    "focus_area=adoption&target_group=women-girls&grouping=sids",
    "type=programmatic&entity_type=government&sdg=4",
    "focus_area=value-creation&grouping=lldc&sdg=9",
    "focus_area=accelerate&entity_type=private-sector&type=financial",
]
COUNTRIES = ["KE", "NP", "BD", "FJ", "BR", "IN", "SN", "BO", "ET", "VU"]


@dataclass(frozen=True)
class Timing:
    """Percentiles of server time for one kind of request, in milliseconds."""

    name: str
    requests: int
    p50: float
    p95: float
    target_p95: float | None

    @property
    def verdict(self) -> str:
        if self.target_p95 is None:
            return ""
        return "meets target" if self.p95 <= self.target_p95 else "MISSES target"


def measure(
    name: str,
    urls: Callable[[int], str],
    *,
    requests: int,
    target_p95: float | None,
    warm_up: int = WARM_UP,
    before_each: Callable[[], None] | None = None,
) -> Timing:
    """Time ``requests`` GETs of ``urls(i)``; every response must be 200.

    ``before_each`` runs before every request, untimed (to empty the cache, say). The garbage the
    previous measure left is collected first, so that no measure pays for another's; the collections
    its own requests cause are timed, as a server would pay for them.
    """
    from django.test import Client

    gc.collect()
    client = Client()
    for i in range(warm_up):
        if before_each:
            before_each()
        client.get(urls(i))
    samples = []
    for i in range(requests):
        url = urls(i)
        if before_each:
            before_each()
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    samples.sort()
    p95 = samples[max(0, int(round(0.95 * len(samples))) - 1)]
    return Timing(name, len(samples), statistics.median(samples), p95, target_p95)


def page_timings(*, requests: int, seed: int = 1, dashboard: bool = True) -> list[Timing]:
    """The figures issues 4 and 5 ask for: explorer, search, three filters, country page, pledge page, dashboard."""
    from p2c.pledges.selectors import published_pledges

    rng = random.Random(seed)  # noqa: S311 - picks sample pages, not secrets
    total = published_pledges().count()
    offsets = sorted(rng.sample(range(total), min(total, 200)))
    references = [published_pledges().order_by("id").values_list("reference", flat=True)[o] for o in offsets]
    rng.shuffle(references)
    return [
        measure("explorer, first page", lambda i: "/pledges/", requests=requests, target_p95=100),
        measure(
            "explorer, text search",
            lambda i: f"/pledges/?q={SEARCH_TERMS[i % len(SEARCH_TERMS)]}",
            requests=requests,
            target_p95=100,
        ),
        measure(
            "explorer, three filters",
            lambda i: f"/pledges/?{FILTER_COMBINATIONS[i % len(FILTER_COMBINATIONS)]}",
            requests=requests,
            target_p95=100,
        ),
        *[
            measure(
                f"{name} (first request after a publication, {when})",
                url,
                requests=requests,
                target_p95=target,
                warm_up=1,
                before_each=before_each,
            )
            for when, target, before_each in (
                ("warmed by the task", 100, _explorer_warmed_publication),
                ("before the task has run", None, _publication),
            )
            for name, url in (
                ("explorer, first page", lambda i: "/pledges/"),
                ("explorer, text search", lambda i: f"/pledges/?q={SEARCH_TERMS[i % len(SEARCH_TERMS)]}"),
                (
                    "explorer, three filters",
                    lambda i: f"/pledges/?{FILTER_COMBINATIONS[i % len(FILTER_COMBINATIONS)]}",
                ),
            )
        ],
        measure(
            "country page",
            lambda i: f"/countries/{COUNTRIES[i % len(COUNTRIES)]}/",
            requests=requests,
            target_p95=150,
        ),
        measure(
            "pledge page",
            lambda i: f"/pledges/{references[i % len(references)]}/",
            requests=requests,
            target_p95=30,
        ),
        *(dashboard_timings(requests=requests) if dashboard else []),
    ]


def _publication() -> None:
    """What a publication does to the caches: a new data version, so no cached totals or figures apply."""
    from django.db import transaction

    from p2c.dashboard.freshness import data_version_bump

    with transaction.atomic():
        data_version_bump()


def _explorer_warmed_publication() -> None:
    """A publication, then what the task worker does first after it (``p2c.dashboard.explorer_warm``): the
    explorer's totals and first pages of every published pledge and of the states asked for lately
    (those the rows before asked for)."""
    from p2c.dashboard.explorer_warm import explorer_warm

    _publication()
    explorer_warm()


def _warmed_publication() -> None:
    """A publication, then what the task worker does after it (``p2c.dashboard.warm``): the unfiltered
    page, and the filtered pages asked for lately (those the rows before asked for)."""
    from p2c.dashboard.warm import dashboard_warm

    _publication()
    dashboard_warm()


def _never_asked_for() -> None:
    """As if no one had asked for any filtered page before: no cached page, none warmed by the task."""
    from django.core.cache import cache

    from p2c.dashboard.models import WarmedDashboard

    cache.clear()
    WarmedDashboard.objects.exclude(state="").delete()


def dashboard_timings(*, requests: int) -> list[Timing]:
    """The dashboard (issue 5): cached, as served between two changes of the data; after a publication,
    once the background task has warmed the unfiltered page and the filtered pages asked for lately,
    and before it has; and for filters no one has asked for (nothing cached, nothing warmed)."""
    combos = len(FILTER_COMBINATIONS)
    filtered = lambda i: f"/dashboard/?{FILTER_COMBINATIONS[i % combos]}"  # noqa: E731
    return [
        measure("dashboard, no filter (cached)", lambda i: "/dashboard/", requests=requests, target_p95=50),
        measure("dashboard, three filters (cached)", filtered, requests=requests, target_p95=150, warm_up=combos),
        measure(
            "dashboard, no filter (first request after a publication, warmed by the task)",
            lambda i: "/dashboard/",
            requests=requests,
            target_p95=50,
            warm_up=1,
            before_each=_warmed_publication,
        ),
        measure(
            "dashboard, three filters (first request after a publication, warmed by the task)",
            filtered,
            requests=requests,
            target_p95=150,
            warm_up=1,
            before_each=_warmed_publication,
        ),
        measure(
            "dashboard, three filters (first request after a publication, before the task has run)",
            filtered,
            requests=requests,
            target_p95=None,
            warm_up=1,
            before_each=_publication,
        ),
        measure(
            "dashboard, three filters (never asked for: nothing cached or warmed)",
            filtered,
            requests=requests,
            target_p95=None,
            warm_up=1,
            before_each=_never_asked_for,
        ),
        measure(
            "dashboard, no filter (first request after a publication, before the task has run)",
            lambda i: "/dashboard/",
            requests=10,
            target_p95=None,
            warm_up=1,
            before_each=_publication,
        ),
    ]
