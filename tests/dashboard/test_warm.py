"""The unfiltered dashboard is computed in the background after every change, so that no visitor waits.

Personas: Amina of Kijiji Telecom pledges and withdraws; Rui reviews and publishes.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import QueryDict
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from p2c.dashboard import warm
from p2c.dashboard.aggregates import compute
from p2c.dashboard.freshness import data_version
from p2c.dashboard.models import DashboardDemand, WarmedDashboard
from p2c.dashboard.page import body_for
from p2c.geo.models import Country
from p2c.pledges.filters import pledge_filter
from p2c.pledges.models import Pledge
from p2c.pledges.transitions import pledge_publish, pledge_submit, pledge_withdraw
from tests.accounts.helpers import kijiji, send_emails_at_once
from tests.core.test_email_worker import run_worker
from tests.factories import PledgeFactory
from tests.pledges.test_transitions import complete_pledge, rui

PUBLISHED = Pledge.State.PUBLISHED
EAST_AFRICA = "country=UG&country=KE"
LANGUAGES = {code for code, _name in django_settings.LANGUAGES}


def shown(client: Client, figure: str, query: str = "") -> int:
    html = client.get(f"/dashboard/?{query}").content.decode()
    match = re.search(rf'data-figure="{figure}">(?:<span class="figure-number">)?([\d,]+)', html)
    assert match, figure
    return int(match.group(1).replace(",", ""))


def warm_tasks(status: str = "READY") -> int:
    return DBTaskResult.objects.filter(task_path="p2c.dashboard.tasks.dashboard_warm", status=status).count()


@pytest.mark.django_db(transaction=True)
def test_the_task_worker_warms_the_page_after_a_publication_for_every_web_process(
    smtp_sink: Any, client: Client, django_assert_max_num_queries: Any
) -> None:
    kijiji_telecom, amina = kijiji()
    reviewer = rui()
    PledgeFactory(state=PUBLISHED, countries=[Country.objects.get(iso2="FR")])
    assert shown(client, "pledges", EAST_AFRICA) == 0  # a visitor asks for a filtered page: it is noted
    pledge = complete_pledge(kijiji_telecom, countries=[Country.objects.get(iso2="UG")])
    pledge = pledge_submit(pledge=pledge, acting_user=amina, expected_version=pledge.version)
    pledge = pledge_publish(pledge=pledge, acting_user=reviewer, expected_version=pledge.version)
    assert warm_tasks() >= 1 and not WarmedDashboard.objects.exists()  # queued once committed, not run yet

    assert run_worker(smtp_sink.port).returncode == 0  # the real worker, in a process of its own
    assert warm_tasks() == 0 and warm_tasks("SUCCESSFUL") >= 1
    version = data_version()
    assert set(WarmedDashboard.objects.filter(version=version).values_list("language", flat=True)) == {
        "",
        *LANGUAGES,
    }
    # This process never computed them: its cache is empty, and the page comes from the database.
    cache.clear()
    with django_assert_max_num_queries(3):  # the data version, the page the worker rendered, the demo banner
        assert shown(client, "pledges") == 2
    stored = WarmedDashboard.objects.get(version=version, language="en", state="")
    cache.clear()
    assert zlib.decompress(bytes(stored.content)).decode() == body_for(QueryDict(""), version)[1]
    # The filtered page asked for before the publication was rendered again for this version, in
    # English only (the language it was asked in), and shows the new pledge.
    filtered = WarmedDashboard.objects.exclude(state="").get(version=version)
    assert filtered.language == "en"
    cache.clear()
    with django_assert_max_num_queries(6):  # + noting the request (a savepoint, an upsert, its release)
        assert shown(client, "pledges", EAST_AFRICA) == 1
    cache.clear()
    computed = body_for(QueryDict(EAST_AFRICA), version)[1]
    assert zlib.decompress(bytes(filtered.content)).decode() == computed

    # Before the worker runs again, the next request computes the figures itself: correctness first.
    pledge_withdraw(pledge=pledge, acting_user=amina, expected_version=pledge.version, reason="Cancelled.")
    assert warm_tasks() >= 1
    assert shown(client, "pledges") == 1 and shown(client, "countries") == 1
    assert run_worker(smtp_sink.port).returncode == 0
    assert set(WarmedDashboard.objects.values_list("version", flat=True)) == {data_version()}  # older ones go


@pytest.mark.django_db
def test_one_task_per_transaction_however_many_changes_it_makes(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for iso2 in ("KE", "UG", "FJ"):
            PledgeFactory(state=PUBLISHED, countries=[Country.objects.get(iso2=iso2)], focus_areas=["access"])
    assert callbacks.count(warm._enqueue) == 1


@pytest.mark.django_db
def test_a_submission_enqueues_nothing(django_capture_on_commit_callbacks: Any) -> None:
    kijiji_telecom, amina = kijiji()
    draft = complete_pledge(kijiji_telecom)
    with django_capture_on_commit_callbacks() as callbacks:
        pledge_submit(pledge=draft, acting_user=amina, expected_version=draft.version)
    assert warm._enqueue not in callbacks  # a submission changes no figure


@pytest.mark.django_db
def test_a_withdrawal_warms_the_page_again(settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    send_emails_at_once(settings)  # the immediate backend: tasks run as soon as they are enqueued
    kijiji_telecom, amina = kijiji()
    PledgeFactory(state=PUBLISHED, countries=[Country.objects.get(iso2="KE")])
    published = PledgeFactory(state=PUBLISHED, lead_entity=kijiji_telecom)
    transaction.get_connection().run_on_commit.clear()  # as if both had been committed before
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        pledge_withdraw(pledge=published, acting_user=amina, expected_version=published.version)
    assert warm._enqueue in callbacks  # leaving publication changes the figures
    page, figures = warm.warmed(data_version(), "en")
    assert page is not None
    assert figures is not None and figures.pledges == 1
    assert replace(figures, version="", computed_at=None) == compute(pledge_filter(QueryDict("")))


@pytest.mark.django_db
def test_a_page_warmed_on_another_day_is_not_shown_but_its_figures_are(settings: Any, client: Client) -> None:
    PledgeFactory(state=PUBLISHED, countries=[Country.objects.get(iso2="KE")])
    assert warm.dashboard_warm()
    assert not warm.dashboard_warm()  # done already for this version
    WarmedDashboard.objects.exclude(language="").update(day=dt.date(2020, 1, 1), content=zlib.compress(b"stale"))
    cache.clear()
    html = client.get("/dashboard/").content.decode()
    assert "stale" not in html and 'data-figure="pledges"' in html
    page, figures = warm.warmed(data_version(), "en")
    assert page is None and figures is not None and figures.pledges == 1


@pytest.mark.django_db
def test_the_figures_survive_their_trip_through_json() -> None:
    for iso2 in ("KE", "FJ", "BR", "NP"):
        PledgeFactory(state=PUBLISHED, countries=[Country.objects.get(iso2=iso2)], focus_areas=["access"])
    PledgeFactory(state=PUBLISHED, usd_estimate=None)
    found = compute(pledge_filter(QueryDict("")))
    assert warm._loads(warm._dumps(found)) == found


@pytest.mark.django_db
def test_each_language_links_to_its_own_explorer() -> None:
    """The task renders every language in one process: each page's links carry its own prefix."""
    PledgeFactory(state=PUBLISHED, countries=[Country.objects.get(iso2="KE")])
    assert warm.dashboard_warm()
    for language, prefix in (("en", ""), ("fr", "/fr"), ("ar", "/ar")):
        page, _figures = warm.warmed(data_version(), language)
        assert page is not None
        links = set(re.findall(r'href="(/(?:[a-z-]+/)?pledges/)[?"]', zlib.decompress(page[1]).decode()))
        assert links == {f"{prefix}/pledges/"}, language


def ask(client: Client, query: str, language: str = "en") -> None:
    prefix = "" if language == "en" else f"/{language}"
    assert client.get(f"{prefix}/dashboard/?{query}").status_code == 200


@pytest.mark.django_db
def test_only_well_formed_recent_requests_are_rendered_again(settings: Any, client: Client) -> None:
    settings.P2C_DASHBOARD_WARM_STATES = 10
    PledgeFactory(state=PUBLISHED, countries=[Country.objects.get(iso2="KE")], focus_areas=["access"])
    ask(client, "focus_area=adoption")
    long_ago = timezone.now() - dt.timedelta(days=settings.P2C_DASHBOARD_WARM_DAYS, minutes=1)
    DashboardDemand.objects.filter(query="focus_area=adoption").update(requested_at=long_ago)
    for query in ("focus_area=access", "country=KE", "focus_area=nonsense"):
        ask(client, query)
    ask(client, "country=KE", "fr")  # the same filters in French: a page of its own
    ask(client, "country=KE")  # asked again: still one request noted
    assert DashboardDemand.objects.count() == 5

    PledgeFactory(state=PUBLISHED, countries=[Country.objects.get(iso2="NP")], focus_areas=["access"])
    assert warm.dashboard_warm()
    warmed = WarmedDashboard.objects.filter(version=data_version()).exclude(state="")
    assert sorted((w.language, _query(w.state, w.language)) for w in warmed) == [
        ("en", "country=KE"),
        ("en", "focus_area=access"),
        ("fr", "country=KE"),
    ]
    # The old request and the filters that do not parse are forgotten.
    assert sorted(DashboardDemand.objects.values_list("query", flat=True)) == [
        "country=KE",
        "country=KE",
        "focus_area=access",
    ]
    assert not warm.dashboard_warm()  # done already for this version


@pytest.mark.django_db
def test_at_most_the_configured_number_of_pages_are_rendered_the_most_recent_first(
    settings: Any, client: Client
) -> None:
    settings.P2C_DASHBOARD_WARM_STATES = 2
    PledgeFactory(state=PUBLISHED, countries=[Country.objects.get(iso2="KE")], focus_areas=["access"])
    for query in ("focus_area=access", "country=KE", "grouping=ldc"):
        ask(client, query)
    PledgeFactory(state=PUBLISHED, countries=[Country.objects.get(iso2="NP")], focus_areas=["access"])
    assert warm.dashboard_warm()
    warmed = WarmedDashboard.objects.filter(version=data_version()).exclude(state="")
    assert sorted(_query(w.state, w.language) for w in warmed) == ["country=KE", "grouping=ldc"]


@pytest.mark.django_db
def test_a_warmed_filtered_page_counts_only_published_pledges_and_is_not_served_another_day(client: Client) -> None:
    PledgeFactory(state=PUBLISHED, countries=[Country.objects.get(iso2="KE")])
    ask(client, "country=KE")
    PledgeFactory(state=Pledge.State.DRAFT, countries=[Country.objects.get(iso2="KE")])
    PledgeFactory(state=Pledge.State.SUBMITTED, countries=[Country.objects.get(iso2="KE")])
    PledgeFactory(state=PUBLISHED, countries=[Country.objects.get(iso2="KE")])
    assert warm.dashboard_warm()
    cache.clear()
    assert shown(client, "pledges", "country=KE") == 2
    WarmedDashboard.objects.exclude(state="").update(day=dt.date(2020, 1, 1), content=zlib.compress(b"stale"))
    cache.clear()
    html = client.get("/dashboard/?country=KE").content.decode()
    assert "stale" not in html and 'data-figure="pledges"' in html


@contextmanager
def another_write_holds_the_lock() -> Iterator[None]:
    """A long write on another SQLite connection (a bulk import, say) holds the database's one write lock."""
    other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.rollback()
        other.close()


def _query(state: str, language: str) -> str:
    return DashboardDemand.objects.get(state=state, language=language).query


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's one write lock; PostgreSQL locks rows")
def test_a_visitor_never_waits_for_the_note_that_a_page_was_asked_for(client: Client, caplog: Any) -> None:
    PledgeFactory(state=PUBLISHED, countries=[Country.objects.get(iso2="KE")])
    with another_write_holds_the_lock():
        started = time.monotonic()
        assert shown(client, "pledges", "country=KE") == 1
        assert time.monotonic() - started < 5  # not the connection's busy timeout of 20 s
    assert not DashboardDemand.objects.exists()
    assert "Could not note that the dashboard" in caplog.text
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == django_settings.DATABASES["default"]["OPTIONS"]["timeout"] * 1000
    cache.clear()
    ask(client, "country=KE")  # the lock gone, it is noted again
    assert DashboardDemand.objects.get().query == "country=KE"
