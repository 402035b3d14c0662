"""The dashboard page and its CSV downloads: what they show, their links, queries, weight and errors."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from p2c.content.models import Milestone
from p2c.geo.models import Country, Region
from p2c.pledges.models import Pledge, PledgePartner
from tests.factories import EntityFactory, PledgeFactory

pytestmark = pytest.mark.django_db

PUBLISHED = Pledge.State.PUBLISHED
STATIC = Path(__file__).resolve().parents[2] / "src" / "p2c"
CHARTS = ["focus-areas", "pledge-types", "entity-types", "regions", "home-regions", "sdgs", "target-groups"]


def countries(*iso2: str) -> list[Country]:
    return list(Country.objects.filter(iso2__in=iso2))


def some_pledges() -> None:
    PledgeFactory(
        state=PUBLISHED,
        usd_estimate=Decimal("100.00"),
        countries=countries("KE", "UG", "TZ"),
        focus_areas=["access", "adoption"],
    )
    PledgeFactory(state=PUBLISHED, usd_estimate=Decimal("50.50"), countries=countries("FJ"), focus_areas=["access"])
    PledgeFactory(state=PUBLISHED, usd_estimate=None, scope=Pledge.Scope.GLOBAL, focus_areas=["accelerate"])
    PledgeFactory(state=Pledge.State.SUBMITTED, usd_estimate=Decimal("999.00"), countries=countries("BR"))


def svgs(html: str) -> dict[str, ET.Element]:
    """Every ``<svg>`` of the page, parsed (they must be well-formed XML), by id."""
    found = {}
    for match in re.finditer(r"<svg .*?</svg>", html, re.S):
        root = ET.fromstring(match.group(0))  # noqa: S314 - our own output
        found[root.get("id", "")] = root
    return found


def read_csv(client: Client, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_page_shows_every_figure_chart_table_and_download(client: Client) -> None:
    some_pledges()
    Milestone.objects.create(achieved_on=dt.date(2022, 3, 1), precision="month", title="Pledging platform launched")
    response = client.get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script" not in html  # readable without JavaScript: there is none
    assert re.search(r'data-figure="pledges"><span class="figure-number">3<', html)
    assert re.search(r'data-figure="countries"><span class="figure-number">4<', html)
    drawn = svgs(html)
    assert {"map", "chart-over-time", "chart-over-time-wide", *(f"chart-{c}" for c in CHARTS)} <= set(drawn)
    for chart_id, root in drawn.items():
        title = root.find("{http://www.w3.org/2000/svg}title")
        desc = root.find("{http://www.w3.org/2000/svg}desc")
        assert title is not None and title.text and desc is not None and desc.text, chart_id
    assert html.count('<table class="chart-table">') == 1 + 1 + 1 + len(CHARTS)  # map, time, milestones, charts
    for chart in [*CHARTS, "countries", "over-time", "milestones", "headline"]:
        assert f'href="/dashboard/{chart}.csv"' in html, chart
    assert "March 2022 · Pledging platform launched" in html  # a milestone on the time chart, as precise as known
    assert "split equally" in html  # the attribution rule, stated under the charts
    assert "/pledges/?focus_area=access" in html and "/pledges/?country=KE" in html


def test_filters_apply_to_the_whole_page_and_its_links(client: Client) -> None:
    some_pledges()
    html = client.get("/dashboard/?focus_area=accelerate&country=XX").content.decode()
    assert re.search(r'data-figure="pledges"><span class="figure-number">1<', html)
    assert "There is no country “XX”" in html  # reported, the other filters still apply
    assert 'href="/dashboard/?country=XX"' not in html
    assert 'href="/dashboard/"' in html  # the chip removing the only valid filter
    assert 'href="/pledges/?focus_area=accelerate&amp;type=financial"' not in html  # no financial pledge here
    assert 'href="/dashboard/focus-areas.csv?focus_area=accelerate"' in html
    assert '<input type="checkbox" name="focus_area" value="accelerate" checked>' in html


def test_csv_downloads_carry_the_numbers_to_the_cent(client: Client) -> None:
    some_pledges()
    rows = read_csv(client, "/dashboard/countries.csv")
    assert [r["code"] for r in rows] == ["FJ", "KE", "TZ", "UG", ""]
    assert {r["code"]: r["estimated_usd"] for r in rows} == {
        "FJ": "50.50", "KE": "33.34", "TZ": "33.33", "UG": "33.33", "": "0.00"
    }  # fmt: skip
    assert sum(Decimal(r["estimated_usd"]) for r in rows) == Decimal("150.50")
    assert rows[1]["explorer_url"] == "/pledges/?country=KE"
    areas = read_csv(client, "/dashboard/focus-areas.csv")
    assert {r["code"]: (r["pledges"], r["estimated_usd"]) for r in areas} == {
        "access": ("2", "100.50"), "adoption": ("1", "50.00"), "value-creation": ("0", "0.00"),
        "accelerate": ("1", "0.00"),
    }  # fmt: skip
    assert read_csv(client, "/dashboard/focus-areas.csv?country=FJ")[0] == {
        "code": "access", "name": "Access", "pledges": "1", "estimated_usd": "50.50",
        "explorer_url": "/pledges/?focus_area=access&country=FJ",
    }  # fmt: skip
    headline = {r["figure"]: r["value"] for r in read_csv(client, "/dashboard/headline.csv")}
    assert (headline["pledges"], headline["usd"], headline["ldc_pledges"]) == ("3", "150.50", "1")
    days = read_csv(client, "/dashboard/over-time.csv")
    assert days[-1]["published_cumulative"] == "3" and days[-1]["estimated_usd_cumulative"] == "150.50"
    for chart in CHARTS:
        total = sum(Decimal(r["estimated_usd"]) for r in read_csv(client, f"/dashboard/{chart}.csv"))
        assert total == Decimal("150.50"), chart
    assert client.get("/dashboard/nothing.csv").status_code == 404


def test_a_csv_cell_cannot_run_as_a_formula(client: Client) -> None:
    Milestone.objects.create(achieved_on=dt.date(2024, 1, 1), title='=HYPERLINK("http://evil")')
    rows = read_csv(client, "/dashboard/milestones.csv")
    assert rows[0]["Milestone"].startswith("'=")


def test_the_number_of_queries_does_not_grow_with_the_pledges(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    regions = list(Region.objects.filter(kind="m49_subregion")[:2])

    def add(n: int) -> None:
        for _ in range(n):
            pledge = PledgeFactory(state=PUBLISHED, focus_areas=["access", "adoption"], countries=countries("KE", "NP"))
            PledgePartner.objects.create(pledge=pledge, entity=EntityFactory())
            PledgeFactory(state=PUBLISHED, scope=Pledge.Scope.REGIONS, regions=regions, focus_areas=["access"])

    def queries(query: str, *, cold: bool) -> int:
        if cold:
            cache.clear()
        # Filtered and cold: the statement, the delivery figures, the filter form's lists, and noting
        # that it was asked for (p2c.dashboard.warm.demand_record) besides looking for a warmed page.
        with django_assert_max_num_queries(24) as captured:
            assert client.get(f"/dashboard/?{query}").status_code == 200
        return len(captured)

    add(2)
    urls = ("", "focus_area=access&grouping=ldc", "entity=" + EntityFactory().slug, "q=schools")
    counted = {(q, cold): queries(q, cold=cold) for q in urls for cold in (True, False)}
    add(15)
    for (query, cold), count in counted.items():
        assert queries(query, cold=cold) == count, (query, cold)
    # Cached: the data version, the years of the filter form and the milestones.
    assert counted[("", False)] <= 5


def test_the_page_with_everything_it_loads_weighs_under_100_kb_compressed(client: Client) -> None:
    every_country = list(Country.objects.all())
    for i in range(0, len(every_country), 25):
        PledgeFactory(state=PUBLISHED, countries=every_country[i : i + 25], focus_areas=["access"])
    for i in range(30):
        Milestone.objects.create(achieved_on=dt.date(2022, 1, 1) + dt.timedelta(days=40 * i), title=f"Milestone {i}")
    html = client.get("/dashboard/").content
    assets = re.findall(r'(?:href|src)="/static/([^"]+)"', html.decode())
    assert sorted(assets) == ["css/p2c.css", "dashboard/charts.css", "favicon.svg"]
    paths = {"css/p2c.css": STATIC / "static/css/p2c.css", "favicon.svg": STATIC / "static/favicon.svg"}
    paths["dashboard/charts.css"] = STATIC / "dashboard/static/dashboard/charts.css"
    parts = [html, *(paths[asset].read_bytes() for asset in assets)]
    weight = sum(len(gzip.compress(part, compresslevel=6)) for part in parts)
    assert weight < 100_000, f"the dashboard weighs {weight} bytes compressed"


def test_the_map_can_be_shaded_by_usd(client: Client) -> None:
    some_pledges()
    html = client.get("/dashboard/?map=usd&country=KE").content.decode()
    assert "Estimated USD per beneficiary country" in html
    assert '<input type="hidden" name="map" value="usd">' in html
    assert 'href="/dashboard/?country=KE#map-section"' in html  # back to pledges, filters kept


def test_the_time_chart_marks_every_milestone_or_the_roundest_when_there_are_very_many() -> None:
    from p2c.dashboard.page import MAX_MILESTONES, marked_milestones

    day = dt.date(2022, 3, 16)
    curated = [Milestone(kind="curated", achieved_on=day, title=f"Moment {i}") for i in range(9)]
    few = [
        *curated,
        *(Milestone(kind="automatic", metric="pledges", threshold=100 * n, achieved_on=day) for n in (1, 2)),
    ]
    assert marked_milestones(few) == few
    automatic = [("pledges", Decimal(100 * n)) for n in range(1, 754)] + [
        ("usd", Decimal(10**10 * n)) for n in range(1, 542)
    ]
    many = curated + [Milestone(kind="automatic", metric=m, threshold=t, achieved_on=day) for m, t in automatic]
    marked = marked_milestones(many)
    assert len(marked) <= MAX_MILESTONES
    assert all(m in marked for m in curated)
    pledges = sorted(int(m.threshold) for m in marked if m.metric == "pledges")
    assert pledges and all(t % 5_000 == 0 for t in pledges)  # round thresholds only: 5,000, 10,000, …
    assert [m.threshold for m in marked if m.metric == "usd"]
