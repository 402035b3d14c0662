"""Inactive and overdue, at the edges of their definitions (docs/methodology.md, "Delivery and reporting").

The marks on cards and pages, the explorer's ``freshness`` filter and the dashboard's counts are
one definition: each case checks all three agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from p2c.pledges.filters import pledge_filter
from p2c.pledges.models import Pledge
from p2c.reporting.figures import accountability
from p2c.reporting.freshness import cycles_now, pledge_marks
from p2c.reporting.models import ReportingCycle
from tests.accounts.helpers import kijiji
from tests.reporting.helpers import accepted_report, cycle, published

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def marks(pledge: Pledge, today: dt.date | None = None) -> list[str]:
    pledge.refresh_from_db()
    return [m.text for m in pledge_marks(pledge, cycles_now(), today)]


def filtered(value: str) -> set[str]:
    return set(pledge_filter({"freshness": [value]}).queryset.values_list("title", flat=True))


def closed_cycles(*years: int) -> list[ReportingCycle]:
    return [cycle(year, state=ReportingCycle.State.CLOSED) for year in years]


def test_nothing_is_inactive_before_two_cycles_are_closed() -> None:
    entity, _amina = kijiji()
    old = published(entity, title="Old", published_at=dt.datetime(2022, 1, 1, tzinfo=UTC))
    assert marks(old) == []
    closed_cycles(2024)
    cycle(2025)  # open: does not count
    assert marks(old) == [] and filtered("inactive") == set()
    assert not accountability(Pledge.objects.filter(state="published")).inactive_counted


def test_inactive_at_the_edges_of_the_second_to_last_closed_cycle() -> None:
    entity, _amina = kijiji()
    c2024, c2025 = closed_cycles(2024, 2025)  # 2024 is the second-to-last closed: its period starts 1 January 2024
    before = published(
        entity, title="Published the day before", published_at=dt.datetime(2023, 12, 31, 23, 59, tzinfo=UTC)
    )
    at_start = published(
        entity, title="Published as the period starts", published_at=dt.datetime(2024, 1, 1, tzinfo=UTC)
    )
    reported_2024 = published(entity, title="Reported for 2024", published_at=dt.datetime(2022, 5, 1, tzinfo=UTC))
    accepted_report(reported_2024, c2024)
    reported_2023 = published(entity, title="Reported for 2023", published_at=dt.datetime(2022, 5, 1, tzinfo=UTC))
    accepted_report(reported_2023, cycle(2023, state="closed"))
    completed = published(entity, title="Completed in 2023", published_at=dt.datetime(2022, 5, 1, tzinfo=UTC))
    accepted_report(completed, ReportingCycle.objects.get(year=2023), status=Pledge.DeliveryStatus.COMPLETED)
    current = published(entity, title="Reported in the open cycle", published_at=dt.datetime(2022, 5, 1, tzinfo=UTC))
    accepted_report(current, cycle(2026))

    assert marks(before) == ["Inactive — never reported"]
    assert marks(at_start) == []
    assert marks(reported_2024) == []
    assert marks(reported_2023) == ["Inactive — no report since 2023"]
    assert marks(completed) == []
    assert marks(current) == []
    expected = {"Published the day before", "Reported for 2023"}
    assert filtered("inactive") == expected
    assert accountability(Pledge.objects.filter(state="published")).inactive == len(expected)
    assert c2025.year == 2025


def test_closing_a_cycle_moves_the_threshold() -> None:
    entity, _amina = kijiji()
    closed_cycles(2023, 2024)
    reported = published(entity, title="Reported for 2023 only", published_at=dt.datetime(2021, 6, 1, tzinfo=UTC))
    accepted_report(reported, ReportingCycle.objects.get(year=2023))
    assert marks(reported) == []  # 2023 is one of the last two closed cycles
    closed_cycles(2025)
    assert marks(reported) == ["Inactive — no report since 2023"]


def test_overdue_at_the_edge_of_the_end_date() -> None:
    entity, _amina = kijiji()
    today = timezone.localdate()
    ends_today = published(entity, title="Ends today", end_date=today, start_date=today - dt.timedelta(days=400))
    ended = published(
        entity, title="Ended yesterday", end_date=today - dt.timedelta(days=1), start_date=dt.date(2024, 1, 1)
    )
    done = published(entity, title="Completed", end_date=dt.date(2024, 12, 31), start_date=dt.date(2024, 1, 1))
    stopped = published(entity, title="Discontinued", end_date=dt.date(2024, 12, 31), start_date=dt.date(2024, 1, 1))
    delayed = published(entity, title="Delayed", end_date=dt.date(2024, 12, 31), start_date=dt.date(2024, 1, 1))
    no_date = published(entity, title="No end date", end_date=None, start_date=None)
    Pledge.objects.filter(pk=done.pk).update(delivery_status="completed")
    Pledge.objects.filter(pk=stopped.pk).update(delivery_status="discontinued")
    Pledge.objects.filter(pk=delayed.pk).update(delivery_status="delayed")
    assert marks(ends_today) == [] and marks(no_date) == []
    assert marks(ended) == ["Overdue — past its end date"]
    assert marks(done) == [] and marks(stopped) == []
    assert marks(delayed) == ["Overdue — past its end date"]
    assert filtered("overdue") == {"Ended yesterday", "Delayed"}
    assert accountability(Pledge.objects.filter(state="published")).overdue == 2
    # Tomorrow, the pledge ending today is overdue too.
    assert marks(ends_today, today + dt.timedelta(days=1)) == ["Overdue — past its end date"]


def test_unpublished_pledges_are_never_counted() -> None:
    entity, _amina = kijiji()
    closed_cycles(2024, 2025)
    published(
        entity,
        title="Draft",
        state=Pledge.State.DRAFT,
        published_at=None,
        end_date=dt.date(2020, 1, 1),
        start_date=None,
    )
    published(entity, title="Withdrawn", state=Pledge.State.WITHDRAWN, end_date=dt.date(2020, 1, 1), start_date=None)
    assert filtered("inactive") == filtered("overdue") == set()


def test_the_marks_show_on_cards_and_the_pledge_page(client: Client) -> None:
    entity, _amina = kijiji()
    closed_cycles(2024, 2025)
    old = published(entity, title="Old and silent", published_at=dt.datetime(2022, 1, 1, tzinfo=UTC),
                    start_date=dt.date(2022, 1, 1), end_date=dt.date(2023, 1, 1))  # fmt: skip
    for url in (f"/pledges/{old.reference}/", "/pledges/", f"/entities/{entity.slug}/"):
        html = client.get(url).content.decode()
        assert "Inactive — never reported" in html, url
        assert "Overdue — past its end date" in html, url


@pytest.mark.parametrize("query", ["freshness=inactive", "freshness=overdue", "freshness=inactive&freshness=overdue",
                                   "freshness=overdue&focus_area=access", "freshness=inactive&country=KE"])  # fmt: skip
def test_the_explorer_and_the_dashboard_count_the_same_pledges(client: Client, query: str, settings: Any) -> None:
    from django.http import QueryDict

    from p2c.dashboard.aggregates import accountability_aggregates
    from p2c.geo.models import Country

    entity, _amina = kijiji()
    closed_cycles(2024, 2025)
    kenya = Country.objects.get(iso2="KE")
    for i in range(6):
        pledge = published(
            entity,
            title=f"Pledge {i}",
            published_at=dt.datetime(2022 + i % 4, 3, 1, tzinfo=UTC),
            end_date=dt.date(2024 + i % 4, 6, 30),
            start_date=dt.date(2021, 1, 1),
            focus_areas=["access"] if i % 2 else ["adoption"],
            countries=[kenya] if i % 3 else [],
        )
        if i == 1:
            accepted_report(pledge, ReportingCycle.objects.get(year=2025))
    result = pledge_filter(QueryDict(query))
    assert not result.errors
    explorer = result.queryset.count()
    everything = accountability_aggregates(
        pledge_filter(QueryDict("&".join(p for p in query.split("&") if not p.startswith("freshness"))))
    )
    values = QueryDict(query).getlist("freshness")
    if values == ["inactive"]:
        assert everything.inactive == explorer
    elif values == ["overdue"]:
        assert everything.overdue == explorer
    html = client.get(f"/pledges/?{query}").content.decode()
    assert f'<span class="figure-number">{explorer}</span>' in html


def test_an_unknown_freshness_value_is_reported_and_ignored() -> None:
    result = pledge_filter({"freshness": ["stale", "overdue"]})
    assert result.errors == {"freshness": ["There is no reporting mark “stale”: use inactive or overdue."]}
    assert result.values["freshness"] == ["overdue"]
