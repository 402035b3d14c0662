"""The explorer's totals and first pages are computed in the background after every change, so that the
first visitor of a search or a set of filters after a publication does not wait for them.

Personas: Amina of Kijiji Telecom pledges; Rui reviews and publishes.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from p2c.dashboard.explorer_warm import explorer_warm, warmed_results
from p2c.dashboard.freshness import data_version
from p2c.dashboard.models import DashboardDemand, ExplorerDemand, WarmedResults
from p2c.dashboard.warm import DEMANDS_KEPT, demands_forget
from p2c.pledges.filters import pledge_filter, results_first_page, results_state
from p2c.pledges.models import Pledge
from p2c.pledges.selectors import published_pledges
from p2c.pledges.transitions import pledge_publish, pledge_submit
from tests.accounts.helpers import kijiji
from tests.core.test_email_worker import run_worker
from tests.dashboard.test_warm import another_write_holds_the_lock
from tests.factories import PledgeFactory
from tests.pledges.test_transitions import complete_pledge, rui

PUBLISHED = Pledge.State.PUBLISHED
LAGOON = "q=lagoon"


def shown(client: Client, query: str = "") -> tuple[int, list[str]]:
    """The count the explorer shows for ``query`` and the titles of its first page, in order."""
    html = client.get(f"/pledges/?{query}").content.decode()
    match = re.search(r'data-figure="count"><span class="figure-number">([\d,]+)', html)
    assert match, html[:2000]
    titles = re.findall(r'<h3 class="card-title"[^>]*><a [^>]*>([^<]*)</a>', html)
    return int(match.group(1).replace(",", "")), titles


def state(query: str) -> str:
    return results_state(pledge_filter(QueryDict(query)))


def counted(queries: CaptureQueriesContext) -> bool:
    """Whether the request counted pledges itself (rather than reading what the task computed)."""
    return any(re.search(r"count\(", q["sql"], re.IGNORECASE) for q in queries.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_the_task_worker_computes_the_searches_asked_for_before_a_publication(
    smtp_sink: Any, client: Client, django_assert_max_num_queries: Any
) -> None:
    kijiji_telecom, amina = kijiji()
    PledgeFactory(state=PUBLISHED, title="Lagoon clinics", usd_estimate=Decimal("300"))
    assert shown(client, LAGOON)[0] == 1  # a visitor searches: the search is noted
    assert ExplorerDemand.objects.get().query == "q=lagoon&sort=relevance"
    pledge = complete_pledge(kijiji_telecom, title="Lagoon schools", usd_estimate=Decimal("40"))
    pledge = pledge_submit(pledge=pledge, acting_user=amina, expected_version=pledge.version)
    pledge_publish(pledge=pledge, acting_user=rui(), expected_version=pledge.version)
    assert not WarmedResults.objects.exists()  # queued once committed, not run yet

    assert run_worker(smtp_sink.port).returncode == 0  # the real worker, in a process of its own
    version = data_version()
    assert set(WarmedResults.objects.values_list("version", "state")) == {
        (version, state("")),  # every published pledge, newest first: the explorer's front page
        (version, state(LAGOON)),
    }
    # This process never computed them: its cache is empty, and the totals come from the database.
    for query, expected in ((LAGOON, (2, ["Lagoon schools", "Lagoon clinics"])), ("", None)):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            found = shown(client, query)
        assert not counted(queries), query
        assert expected is None or found == expected
        assert warmed_results(version, state(query)) == results_first_page(pledge_filter(QueryDict(query)))
    cache.clear()
    # The reference data (cleared with the cache: 10), the years (2), the data version, the warmed row,
    # the page's pledges (4), the demo banner and the reporting cycles: no count, no ids, nothing noted.
    with django_assert_max_num_queries(20):
        shown(client, LAGOON)


@pytest.mark.django_db
def test_warmed_results_count_only_published_pledges_and_are_not_used_another_day(client: Client) -> None:
    PledgeFactory(state=PUBLISHED, title="Lagoon fibre", usd_estimate=Decimal("1000.50"))
    shown(client, LAGOON)
    PledgeFactory(state=Pledge.State.DRAFT, title="Lagoon draft", usd_estimate=Decimal("7"))
    PledgeFactory(state=Pledge.State.SUBMITTED, title="Lagoon submitted")
    PledgeFactory(state=Pledge.State.WITHDRAWN, title="Lagoon withdrawn", published_at=timezone.now())
    PledgeFactory(state=PUBLISHED, title="Lagoon towers", usd_estimate=None)
    assert explorer_warm() == 2
    assert explorer_warm() == 0  # done already for this version
    totals, ids = warmed_results(data_version(), state(LAGOON)) or (None, [])
    assert totals is not None and (totals.count, totals.usd, totals.valued) == (2, Decimal("1000.50"), 1)
    assert set(ids) == set(published_pledges().filter(title__startswith="Lagoon").values_list("id", flat=True))
    cache.clear()
    assert shown(client, LAGOON) == (2, ["Lagoon towers", "Lagoon fibre"])

    # A row computed on another day is not used (some filters depend on the date): the request counts.
    WarmedResults.objects.update(day=dt.date(2020, 1, 1), count=99)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert shown(client, LAGOON)[0] == 2
    assert counted(queries)


@pytest.mark.django_db
def test_only_recent_well_formed_states_are_computed_the_most_recent_first(settings: Any, client: Client) -> None:
    settings.P2C_EXPLORER_WARM_STATES = 3
    PledgeFactory(state=PUBLISHED, title="Lagoon fibre", focus_areas=["access"])
    shown(client, "focus_area=adoption")
    long_ago = timezone.now() - dt.timedelta(days=settings.P2C_EXPLORER_WARM_DAYS, minutes=1)
    ExplorerDemand.objects.update(requested_at=long_ago)
    for query in ("focus_area=ACCESS&focus_area=access", "q=lagoon&sort=title", LAGOON, "q=the+and", "sort=newest"):
        cache.clear()  # each the first request of its totals since a change (the moment a state is noted)
        shown(client, query)
    ExplorerDemand.objects.create(state="no-longer-its-state", query="q=fibre", requested_at=timezone.now())
    # Cleaned values, one row per state; a search and its sort are two states; the front page is not noted.
    assert ExplorerDemand.objects.count() == 6

    PledgeFactory(state=PUBLISHED, title="Lagoon towers", focus_areas=["access"])
    # The front page, then of the three most recent states the one that still comes out the same.
    assert explorer_warm() == 2
    assert set(WarmedResults.objects.values_list("state", flat=True)) == {state(""), state(LAGOON)}
    # The old request and those that no longer come out the same (stop words only, a stale digest) are
    # forgotten; those past the limit are kept for later.
    assert sorted(ExplorerDemand.objects.values_list("query", flat=True)) == [
        "focus_area=access&sort=newest",
        "q=lagoon&sort=relevance",
        "q=lagoon&sort=title",
    ]


@pytest.mark.django_db
def test_the_api_and_later_pages_neither_note_nor_read_warmed_first_pages(client: Client) -> None:
    for n in range(25):
        PledgeFactory(state=PUBLISHED, title=f"Lagoon {n:02}")
    assert client.get("/pledges/?q=lagoon&page=2").status_code == 200
    assert client.get("/api/v1/pledges?q=lagoon&limit=5").status_code == 200
    assert not ExplorerDemand.objects.exists()
    cache.clear()
    shown(client, LAGOON)
    assert explorer_warm() == 2
    cache.clear()
    html = client.get("/pledges/?q=lagoon&page=2").content.decode()
    assert html.count('class="card pledge-card"') == 5  # the second page: computed, not the first one's ids


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's one write lock; PostgreSQL locks rows")
def test_a_visitor_never_waits_for_the_note_that_a_search_was_asked_for(client: Client, caplog: Any) -> None:
    PledgeFactory(state=PUBLISHED, title="Lagoon fibre")
    with another_write_holds_the_lock():
        started = time.monotonic()
        assert shown(client, LAGOON)[0] == 1
        assert time.monotonic() - started < 5  # not the connection's busy timeout of 20 s
    assert not ExplorerDemand.objects.exists()
    assert "Could not note that the explorer" in caplog.text


@pytest.mark.django_db
@pytest.mark.parametrize("model", [ExplorerDemand, DashboardDemand])
def test_requests_noted_are_capped_the_oldest_forgotten_first(model: Any) -> None:
    """Noting requests is a write any visitor causes: a crawler must not grow the table without end."""
    now = timezone.now()
    model.objects.bulk_create(
        model(
            state=f"s{n}",
            query=f"q=w{n}",
            requested_at=now - dt.timedelta(minutes=n),
            **({} if model is ExplorerDemand else {"language": "en"}),
        )
        for n in range(30)
    )
    demands_forget(model, days=7, states=2)
    kept = sorted(int(q[3:]) for q in model.objects.values_list("query", flat=True))
    assert kept == list(range(DEMANDS_KEPT * 2))  # the 20 most recent


@pytest.mark.django_db
def test_the_task_forgets_all_but_the_most_recent_requests(settings: Any, client: Client) -> None:
    settings.P2C_EXPLORER_WARM_STATES = 1
    PledgeFactory(state=PUBLISHED, title="Lagoon fibre")
    for n in range(DEMANDS_KEPT + 3):
        cache.clear()
        shown(client, f"q=lagoon{n}")
    assert ExplorerDemand.objects.count() == DEMANDS_KEPT + 3
    explorer_warm()
    assert ExplorerDemand.objects.count() == DEMANDS_KEPT
    assert not ExplorerDemand.objects.filter(query__in=["q=lagoon0&sort=relevance", "q=lagoon2&sort=relevance"])
