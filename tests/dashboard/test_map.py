"""The world map: geometry coverage (small island states included), links, legend, escaping, weight."""

from __future__ import annotations

import gzip
import json
import re
import xml.etree.ElementTree as ET

import pytest

from p2c.dashboard.map import WORLD_JSON, Value, class_breaks, class_of, legend_ranges, world, world_map
from p2c.geo.models import Country
from tests.dashboard import samples

SVG = "{http://www.w3.org/2000/svg}"
SIDS = {"242": "Fiji", "480": "Mauritius", "462": "Maldives", "052": "Barbados"}


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own output, parsed to check it


def sample_map(**kwargs: object) -> str:
    return world_map(
        "map-pledges",
        "Published pledges per beneficiary country",
        "Published pledges that name each country as a beneficiary.",
        samples.map_values(),
        names=samples.names(),
        **kwargs,  # type: ignore[arg-type]
    )


# --- the data file ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_geometry_covers_the_countries_of_our_table_including_small_island_states() -> None:
    ours = set(Country.objects.values_list("numeric", flat=True))
    drawn = set(world()["countries"])
    assert len(ours) >= 249
    assert drawn <= ours, "every shape is keyed by an ISO numeric code of the Country table"
    assert len(drawn & ours) >= 170
    for code, name in SIDS.items():
        entry = world()["countries"][code]
        assert "d" in entry or {"cx", "cy"} <= set(entry), name
    sids = set(Country.objects.filter(is_sids=True).values_list("numeric", flat=True))
    assert len(sids - drawn) == 0, "every SIDS is drawn, as a shape or as a marker"


def test_data_file_is_small_and_credits_its_source() -> None:
    raw = WORLD_JSON.read_bytes()
    assert len(raw) <= 60_000
    assert len(gzip.compress(raw, 9)) <= 25_000
    data = json.loads(raw)
    assert "Natural Earth" in data["source"] and "world-atlas" in data["source"]
    assert "public domain" in data["licence"] and "ISC" in data["licence"]
    assert re.fullmatch(r"0 0 1000 \d+", data["viewBox"])
    assert "010" not in data["countries"]  # Antarctica is left out
    for code, entry in data["countries"].items():
        assert re.fullmatch(r"\d{3}", code)
        assert re.fullmatch(r"[Mmlz0-9 .\-]+", entry.get("d", "M0 0")), code  # plain path data


def test_small_countries_are_markers_and_large_ones_shapes() -> None:
    countries = world()["countries"]
    assert "d" not in countries["462"]  # the Maldives: a marker
    assert "d" not in countries["052"]  # Barbados
    assert "d" in countries["242"]  # Fiji: a shape
    assert "d" in countries["076"] and "d" in countries["643"]  # Brazil, Russia


# --- the rendering ------------------------------------------------------------------------------
def test_map_is_well_formed_titled_and_described() -> None:
    markup = sample_map()
    root = parse(markup)
    svg = root.find(f"{SVG}svg")
    assert svg is not None
    assert svg.get("id") == "map-pledges"
    assert svg.get("role") == "group"  # it holds links
    assert svg.get("aria-labelledby") == "map-pledges-title"
    assert svg.get("aria-describedby") == "map-pledges-desc"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and title.text == "Published pledges per beneficiary country"
    assert desc is not None and desc.text and "200 countries have data. Highest:" in desc.text
    assert "Shading, lightest to darkest:" in desc.text


def test_every_country_with_a_value_links_to_its_pledges() -> None:
    values = samples.map_values()
    root = parse(sample_map())
    links = {a.get("href"): a for a in root.iter(f"{SVG}a")}
    drawable = [v for code, v in values.items() if code in world()["countries"]]
    assert len(drawable) >= 195
    for value in drawable:
        link = links[value.href]
        title = link.find(f"{SVG}title")
        assert title is not None and title.text == f"{value.name}: {value.formatted}"
        assert link.get("aria-label") == f"{value.name}: {value.formatted}"
        shape = link.find(f"{SVG}path")
        if shape is None:
            shape = link.find(f"{SVG}circle")
        assert shape is not None and re.fullmatch(r"c[1-5]( marker)?", shape.get("class", ""))
    assert len(links) == len(drawable)


def test_small_island_states_with_values_are_linked_markers() -> None:
    values = {code: Value(5, "5 pledges", f"/pledges/?country={code}", name) for code, name in SIDS.items()}
    root = parse(world_map("map-sids", "T", "D", values))
    for code in SIDS:
        link = next(a for a in root.iter(f"{SVG}a") if a.get("href") == f"/pledges/?country={code}")
        assert link.find(f"{SVG}path") is not None or link.find(f"{SVG}circle") is not None


def test_countries_without_data_are_neutral_and_not_linked() -> None:
    root = parse(world_map("map-one", "T", "D", {"404": Value(3, "3 pledges", "/pledges/?country=KE", "Kenya")}))
    svg = root.find(f"{SVG}svg")
    assert svg is not None
    assert [a.get("href") for a in svg.iter(f"{SVG}a")] == ["/pledges/?country=KE"]
    neutral = [el for el in svg.iter() if el.get("class", "").startswith("c0")]
    assert len(neutral) >= 240


def test_legend_lists_the_ranges_as_text() -> None:
    root = parse(sample_map(no_data_label="No published pledges"))
    legend = root.find("ul")
    assert legend is not None and legend.get("class") == "chart-legend"
    items = ["".join(li.itertext()) for li in legend.iter("li")]
    assert items[-1] == "No published pledges"
    assert len(items) >= 4
    assert all(re.fullmatch(r"[\d,]+(–[\d,]+)?", text) for text in items[:-1]), items
    swatches = [span.get("class") for span in legend.iter("span")]
    assert swatches[-1] == "swatch c0"


def test_names_and_values_are_escaped() -> None:
    evil = '<script>alert("x")</script>'
    markup = world_map(
        "map-evil", evil, evil, {"404": Value(3, evil, "/pledges/?a=1&b=<2>", evil)}, names={"076": evil}
    )
    assert "<script>" not in markup
    root = parse(markup)
    assert not list(root.iter("script")) and not list(root.iter(f"{SVG}script"))


def test_map_without_values() -> None:
    root = parse(world_map("map-empty", "T", "D", {}))
    svg = root.find(f"{SVG}svg")
    assert svg is not None and svg.get("role") == "img"
    desc = svg.find(f"{SVG}desc")
    assert desc is not None and desc.text == "D No country has data to show."


def test_map_direction_follows_the_language() -> None:
    assert parse(sample_map(rtl=True)).get("dir") == "rtl"
    assert parse(sample_map()).get("dir") == "ltr"


def test_rendered_map_weighs_at_most_40_kb_compressed() -> None:
    markup = sample_map()
    assert len(gzip.compress(markup.encode(), 6)) <= 40_000


# --- classes ------------------------------------------------------------------------------------
def test_class_breaks_are_rounded_quantiles() -> None:
    values = [1, 1, 2, 2, 3, 4, 5, 8, 12, 30, 90, 400]
    breaks = class_breaks(values, 5)
    assert breaks[-1] == 400
    assert breaks == sorted(set(breaks))
    assert all(b in (1, 2, 5, 10, 20, 50, 100, 200, 500, 400) for b in breaks)
    assert [class_of(v, breaks) for v in (0, 1, 400)] == [0, 1, len(breaks)]
    assert legend_ranges(values, [2, 5, 20, 400]) == ["1–2", "3–5", "6–20", "21–400"]


def test_legend_ranges_take_a_money_format() -> None:
    from p2c.dashboard.svg import format_usd_compact

    values = [1_000_000, 3_000_000, 40_000_000]
    assert legend_ranges(values, [5_000_000, 40_000_000], format_usd_compact) == [
        "USD 1 m – USD 5 m",
        "USD 5 m – USD 40 m",
    ]


def test_all_equal_values_make_one_class() -> None:
    assert class_breaks([3, 3, 3]) == [3]
    assert legend_ranges([3, 3, 3], [3]) == ["3"]
