"""Accountability figures: reporting rate, money disbursed, delivery statuses — on the dashboard, entity
and country pages — count accepted reports of published pledges only, each pledge once."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.test import Client

from p2c.entities.models import EntityType
from p2c.geo.models import Country
from p2c.pledges.filters import pledge_filter
from p2c.pledges.models import FocusArea, Pledge
from p2c.reporting.figures import Rate, accountability
from p2c.reporting.models import ProgressReport, ReportingCycle
from p2c.reporting.services import report_draft_save
from p2c.reporting.transitions import report_accept, report_submit
from tests.factories import EntityFactory
from tests.reporting.helpers import Scene, accepted_report, cycle, published, scene, values

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def text(html: str) -> str:
    """The words of some HTML, tags dropped and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def world() -> Scene:
    """Kijiji's pledge (USD 1 m) plus: a government's pledge reported for 2026 (USD 3 m, 1.5 m disbursed, delayed),
    a pledge reported for 2025 only, one completed in 2025 (owes nothing since), one published in 2027 (owes
    nothing for 2026), and drafts, submitted and clarification reports that must never count."""
    s = scene()
    government = EntityFactory(name="Ministry of ICT", entity_type=EntityType.objects.get(code="government"))
    kenya = Country.objects.get(iso2="KE")
    c2025 = cycle(2025, state=ReportingCycle.State.CLOSED)
    reported = published(government, title="Reported", usd_estimate=Decimal(3_000_000), focus_areas=["adoption"],
                         countries=[kenya])  # fmt: skip
    accepted_report(reported, c2025, status="on_track", disbursed=Decimal(500_000))
    accepted_report(reported, s.cycle, status="delayed", disbursed=Decimal(1_500_000))
    only_2025 = published(s.kijiji, title="Only 2025", countries=[kenya])
    accepted_report(only_2025, c2025, status="on_track", disbursed=Decimal(200_000))
    finished = published(s.kijiji, title="Finished")
    accepted_report(finished, c2025, status="completed", disbursed=Decimal(1_000_000))
    published(s.kijiji, title="Too recent", published_at=dt.datetime(2027, 1, 2, tzinfo=UTC))
    # Reports that are not accepted: nothing of them may count anywhere.
    for state in ("draft", "submitted", "clarification_requested"):
        pledge = published(s.kijiji, title=f"With a {state} report")
        ProgressReport.objects.create(
            pledge=pledge, cycle=s.cycle, state=state, delivery_status="completed", usd_disbursed=Decimal(9_999_999)
        )
    # A withdrawn pledge with an accepted report: not published, so never counted.
    gone = published(s.kijiji, title="Withdrawn", state=Pledge.State.WITHDRAWN)
    accepted_report(gone, s.cycle, status="completed", disbursed=Decimal(7_777_777))
    return s


def test_the_reporting_rate_counts_the_pledges_owing_a_report_in_the_latest_cycle(world: Scene) -> None:
    figures = accountability(pledge_filter({}).queryset, breakdowns=True)
    assert figures.cycle is not None and figures.cycle.year == 2026
    # Owing: Kijiji's pledge, Reported, Only 2025, the three with unaccepted reports. Not: Finished, Too recent.
    assert figures.rate == Rate(due=6, reported=1)
    assert figures.rate.percent == 17
    government = EntityType.objects.get(code="government").pk
    private = EntityType.objects.get(code="private-sector").pk
    assert figures.by_entity_type == {government: Rate(1, 1), private: Rate(5, 0)}
    access, adoption = (FocusArea.objects.get(code=c).pk for c in ("access", "adoption"))
    assert figures.by_focus_area == {access: Rate(5, 0), adoption: Rate(1, 1)}


def test_money_disbursed_is_each_pledges_latest_accepted_report_once(world: Scene) -> None:
    figures = accountability(pledge_filter({}).queryset)
    assert figures.pledges == 8
    assert figures.reporting_pledges == 3  # Reported, Only 2025, Finished
    assert figures.usd_disbursed == Decimal(1_500_000 + 200_000 + 1_000_000)
    assert figures.usd_pledged_reporting == Decimal(3_000_000 + 1_000_000 + 1_000_000)
    assert figures.usd_pledged == Decimal(3_000_000 + 7 * 1_000_000)
    assert figures.disbursed_share == 54


def test_the_delivery_statuses_count_each_pledge_once_by_its_latest_accepted_report(world: Scene) -> None:
    figures = accountability(pledge_filter({}).queryset)
    counts = {code: part.pledges for code, part in figures.statuses.items()}
    assert counts == {"not_started": 0, "on_track": 1, "delayed": 1, "completed": 1, "discontinued": 0, "": 5}
    assert sum(counts.values()) == figures.pledges


def test_the_dashboard_filters_apply(world: Scene) -> None:
    figures = accountability(pledge_filter({"country": ["KE"]}).queryset)
    assert (figures.pledges, figures.rate, figures.usd_disbursed) == (2, Rate(2, 1), Decimal(1_700_000))


def test_the_dashboard_shows_the_section_with_its_links_and_downloads(client: Client, world: Scene) -> None:
    html = client.get("/dashboard/").content.decode()
    section = html.split('id="delivery-section"', 1)[1].split("</section>", 1)[0]
    assert re.search(r'data-figure="reporting-rate"><span class="figure-number">17%<', section)
    assert "reporting rate for 2026: 1 of the 6 pledges owing a report have an accepted one" in section
    assert "USD 2.7 million reported disbursed to date: 3 pledges have an accepted report" in text(section)
    assert "54% of the USD 5 million they pledged" in section
    assert 'href="/pledges/?delivery_status=delayed"' in section
    for chart in ("chart-delivery-status", "chart-disbursed", "chart-rates-entity-types", "chart-rates-focus-areas"):
        assert f'id="{chart}"' in section
    for slug in ("delivery-status", "reporting-rates", "delivery-figures"):
        assert f'href="/dashboard/{slug}.csv"' in section
    assert "9,999,999" not in html and "9.9" not in section and "7,777,777" not in html


def test_the_downloads_carry_the_same_numbers(client: Client, world: Scene) -> None:
    def rows(slug: str) -> list[dict[str, str]]:
        response = client.get(f"/dashboard/{slug}.csv")
        assert response.status_code == 200
        return list(csv.DictReader(io.StringIO(response.content.decode())))

    statuses = {row["code"]: row for row in rows("delivery-status")}
    assert statuses["delayed"]["pledges"] == "1" and statuses["delayed"]["estimated_usd"] == "3000000.00"
    assert statuses[""]["name"] == "No accepted report yet"
    rates = {(row["scope"], row["code"]): row for row in rows("reporting-rates")}
    assert rates[("all", "")]["reporting_rate_percent"] == "17"
    assert rates[("entity_type", "government")]["pledges_reported"] == "1"
    figures = {row["figure"]: row["value"] for row in rows("delivery-figures")}
    assert figures["usd_reported_disbursed"] == "2700000.00"
    assert figures["cycle_year"] == "2026"


def test_accepting_a_report_shows_on_the_cached_dashboard_at_once(
    client: Client, django_capture_on_commit_callbacks: object
) -> None:
    s = scene()
    first = client.get("/dashboard/").content.decode()
    assert re.search(r'data-figure="reporting-rate"><span class="figure-number">0%<', first)
    report = report_draft_save(pledge=s.pledge, cycle=s.cycle, acting_user=s.amina, **values(s))
    report = report_submit(report=report, acting_user=s.amina, expected_version=report.version)
    assert client.get("/dashboard/").content.decode() == first  # submitted: nothing public changed
    report_accept(report=report, acting_user=s.rui, expected_version=report.version)
    html = client.get("/dashboard/").content.decode()
    assert re.search(r'data-figure="reporting-rate"><span class="figure-number">100%<', html)
    assert "USD 400,000 reported disbursed to date: 1 pledge has an accepted report" in text(html)


def test_entity_and_country_pages_show_the_figures_of_their_pledges(client: Client, world: Scene) -> None:
    html = client.get(f"/entities/{world.kijiji.slug}/").content.decode()
    section = html.split('id="delivery-heading"', 1)[1].split("</section>", 1)[0]
    assert "0 of the 5 pledges due have an accepted report" in section
    assert f'href="/pledges/?entity={world.kijiji.slug}&amp;freshness=overdue"' in section
    assert f'href="/pledges/?entity={world.kijiji.slug}&amp;delivery_status=completed"' in section
    kenya = client.get("/countries/KE/").content.decode()
    section = kenya.split('id="delivery-heading"', 1)[1].split("</section>", 1)[0]
    assert "1 of the 2 pledges due have an accepted report" in section
    assert "USD 1.7 million reported disbursed by the 2 pledges with an accepted report" in text(section)
    assert "7,777,777" not in kenya and "9,999,999" not in kenya
