"""The SVG charts: well-formed, titled and described, escaped, linked, direction-aware and light."""

from __future__ import annotations

import datetime as dt
import gzip
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from p2c.dashboard.svg import (
    Milestone,
    PairedRow,
    Row,
    bar_chart,
    cumulative_chart,
    format_usd_compact,
    nice_ticks,
    paired_bar_chart,
    safe_href,
)
from tests.dashboard import samples

SVG = "{http://www.w3.org/2000/svg}"
EVIL = '<script>alert("x")</script> & "Kijiji" <b>'


def parse(markup: str) -> ET.Element:
    """Parse as XML (fails on anything unescaped or unbalanced)."""
    return ET.fromstring(markup)  # noqa: S314 - our own output, parsed to check it


def texts(root: ET.Element) -> list[ET.Element]:
    return list(root.iter(f"{SVG}text"))


def assert_titled(root: ET.Element, chart_id: str, title: str) -> None:
    assert root.get("id") == chart_id
    title_el = root.find(f"{SVG}title")
    desc_el = root.find(f"{SVG}desc")
    assert title_el is not None and title_el.get("id") == f"{chart_id}-title"
    assert title_el.text == title
    assert desc_el is not None and desc_el.get("id") == f"{chart_id}-desc"
    assert desc_el.text
    if root.get("role") == "img":
        assert root.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
    else:  # a chart of links: a labelled, described group (children of role=img are hidden)
        assert root.get("role") == "group"
        assert root.get("aria-labelledby") == f"{chart_id}-title"
        assert root.get("aria-describedby") == f"{chart_id}-desc"


def focus_area_chart(**kwargs: object) -> str:
    return bar_chart(
        "chart-fa",
        "Pledges by focus area",
        "Published pledges in each focus area.",
        samples.FOCUS_AREAS,
        **kwargs,  # type: ignore[arg-type]
    )


def time_chart(**kwargs: object) -> str:
    return cumulative_chart(
        "chart-time",
        "Pledges over time",
        "Cumulative published pledges and estimated USD.",
        samples.cumulative_points(),
        samples.MILESTONES,
        **kwargs,  # type: ignore[arg-type]
    )


# --- bar chart --------------------------------------------------------------------------------
def test_bar_chart_is_well_formed_titled_and_described() -> None:
    root = parse(focus_area_chart())
    assert_titled(root, "chart-fa", "Pledges by focus area")
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text
    # The text alternative says what is counted and names the largest bars with their values.
    assert desc.text.startswith("Published pledges in each focus area.")
    assert "Access: 412" in desc.text


def test_every_bar_and_its_label_link_to_the_explorer() -> None:
    root = parse(focus_area_chart())
    links = list(root.iter(f"{SVG}a"))
    assert [a.get("href") for a in links] == [row.href for row in samples.FOCUS_AREAS]
    for link, row in zip(links, samples.FOCUS_AREAS, strict=True):
        assert link.find(f"{SVG}rect") is not None
        shown = [t.text for t in link.iter(f"{SVG}text")]
        assert shown == [row.label, row.formatted]  # the value is printed, not only drawn
        assert link.get("aria-label") == f"{row.label}: {row.formatted}"


def test_bar_lengths_are_proportional() -> None:
    root = parse(focus_area_chart())
    widths = [float(r.get("width", "0")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] > widths[1] > widths[2] > widths[3] > 0
    assert widths[1] / widths[0] == pytest.approx(298 / 412, abs=0.01)


def test_labels_and_values_are_escaped() -> None:
    markup = bar_chart("chart-x", EVIL, EVIL, [Row(EVIL, 3, "/pledges/?q=a&b=<c>", EVIL)])
    assert "<script>" not in markup
    assert "&lt;script&gt;" in markup
    root = parse(markup)
    # The text survives as text (shown to people), never as an element.
    assert not list(root.iter("script")) and not list(root.iter(f"{SVG}script"))
    assert [t.text for t in texts(root)] == [EVIL, EVIL]
    assert next(root.iter(f"{SVG}a")).get("href") == "/pledges/?q=a&b=<c>"


def test_a_dangerous_link_is_dropped_not_rendered() -> None:
    root = parse(bar_chart("chart-x", "T", "D", [Row("Access", 3, "javascript:alert(1)")]))
    assert not list(root.iter(f"{SVG}a"))
    assert root.get("role") == "img"  # nothing interactive left
    assert safe_href("https://p2c.example/pledges/") == "https://p2c.example/pledges/"
    assert safe_href("/pledges/?country=FJ") == "/pledges/?country=FJ"
    assert safe_href(" JavaScript:alert(1)") is None
    assert safe_href("data:text/html,x") is None


def test_chart_ids_are_checked() -> None:
    with pytest.raises(ValueError, match="chart id"):
        bar_chart('x" onload="alert(1)', "T", "D", [])


def test_rtl_bars_grow_from_the_right_and_labels_anchor_there() -> None:
    ltr = parse(focus_area_chart())
    rtl = parse(focus_area_chart(rtl=True))
    width = float(ltr.get("width", "0"))
    assert ltr.get("direction") == "ltr" and rtl.get("direction") == "rtl"
    ltr_label, rtl_label = texts(ltr)[0], texts(rtl)[0]
    # Text anchors at its start, which is the left edge in LTR and the right edge in RTL.
    assert float(ltr_label.get("x", "0")) < 10
    assert float(rtl_label.get("x", "0")) > width - 10
    ltr_bar, rtl_bar = next(ltr.iter(f"{SVG}rect")), next(rtl.iter(f"{SVG}rect"))
    assert float(ltr_bar.get("x", "-1")) == 0
    assert float(rtl_bar.get("x", "0")) + float(rtl_bar.get("width", "0")) == pytest.approx(width)
    # The value sits after the bar's end: right of it in LTR, left of it in RTL.
    ltr_value, rtl_value = texts(ltr)[1], texts(rtl)[1]
    assert float(ltr_value.get("x", "0")) > float(ltr_bar.get("width", "0"))
    assert float(rtl_value.get("x", "0")) < float(rtl_bar.get("x", "0"))


def test_an_empty_bar_chart_says_so() -> None:
    root = parse(bar_chart("chart-empty", "Pledges by SDG", "Published pledges per SDG.", []))
    assert_titled(root, "chart-empty", "Pledges by SDG")
    assert [t.text for t in texts(root)] == ["No data"]


def test_a_long_label_is_shortened_with_its_full_text_kept() -> None:
    label = "Ministry of Information and Communications Technology and Innovation of the Republic"
    root = parse(bar_chart("chart-long", "T", "D", [Row(label, 5, "/x/")]))
    shown = texts(root)[0].text or ""
    assert shown.endswith("…") and len(shown) < len(label)
    link = next(root.iter(f"{SVG}a"))
    assert link.get("aria-label") == f"{label}: 5"
    title = link.find(f"{SVG}title")
    assert title is not None and title.text == label


# --- time chart -------------------------------------------------------------------------------
def test_time_chart_is_titled_and_summarised() -> None:
    root = parse(time_chart())
    assert root.get("role") == "img"  # no links inside: an image with a text alternative
    assert_titled(root, "chart-time", "Pledges over time")
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text
    assert "1,173 pledges" in desc.text and "USD 80.4 bn" in desc.text
    assert "9 June 2022: Partner2Connect launched at WTDC-22 in Kigali" in desc.text


def test_time_chart_has_year_ticks_milestones_and_compact_totals() -> None:
    root = parse(time_chart())
    shown = [t.text for t in texts(root)]
    assert {"2023", "2024", "2025", "2026"} <= set(shown)
    assert "USD 50 bn" in shown and "1,000" in shown  # value ticks
    assert "1,173" in shown and "USD 80.4 bn" in shown  # the latest totals, printed
    milestones = [g for g in root.iter(f"{SVG}g") if g.get("class") == "milestone"]
    titled = [g for g in milestones if g.find(f"{SVG}title") is not None]
    assert len(titled) == len(samples.MILESTONES)
    first_title = titled[0].find(f"{SVG}title")
    assert first_title is not None and first_title.text == "9 June 2022: Partner2Connect launched at WTDC-22 in Kigali"
    assert "26 September 2022 · Pledges pass USD 25 billion at PP-22" in shown  # the key under the axis


def test_time_chart_mirrors_in_rtl() -> None:
    ltr, rtl = parse(time_chart()), parse(time_chart(rtl=True))

    def tick_x(root: ET.Element, text: str) -> float:
        return float(next(t for t in texts(root) if t.text == text).get("x", "0"))

    # Time runs left to right in LTR and right to left in RTL.
    assert tick_x(ltr, "2023") < tick_x(ltr, "2026")
    assert tick_x(rtl, "2023") > tick_x(rtl, "2026")
    assert rtl.get("direction") == "rtl"


def test_time_chart_escapes_milestone_labels() -> None:
    markup = cumulative_chart("chart-t", "T", "D", [(dt.date(2024, 1, 1), 1, 10)], [(dt.date(2024, 2, 1), EVIL)])
    assert "<script>" not in markup
    parse(markup)


def test_time_chart_without_points() -> None:
    root = parse(cumulative_chart("chart-none", "T", "D", []))
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text == "D There is no data to show."


def test_short_periods_get_quarter_ticks() -> None:
    points = [(dt.date(2025, 2, 1), 1, 100), (dt.date(2025, 11, 20), 5, 5000)]
    shown = [t.text for t in texts(parse(cumulative_chart("chart-q", "T", "D", points)))]
    assert {"Apr 2025", "Jul 2025", "Oct 2025"} <= set(shown)


# --- weight and formatting --------------------------------------------------------------------
def test_each_chart_weighs_at_most_5_kb_compressed() -> None:
    for markup in (focus_area_chart(), time_chart()):
        assert len(gzip.compress(markup.encode())) <= 5_000


def test_compact_usd() -> None:
    assert format_usd_compact(Decimal("80000000000")) == "USD 80 bn"
    assert format_usd_compact(82_499_999_999) == "USD 82.4 bn"  # cut, never rounded up
    assert format_usd_compact(2_500_000) == "USD 2.5 m"
    assert format_usd_compact(1_200_000_000_000) == "USD 1.2 tn"
    assert format_usd_compact(950) == "USD 950"


def test_nice_ticks() -> None:
    assert nice_ticks(1173, 3) == [0, 500, 1000, 1500]
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(7, 4) == [0, 2, 4, 6, 8]


# --- paired bar chart -------------------------------------------------------------------------
PAIRS = [
    PairedRow("Access", 553, Decimal("31900000000"), "/pledges/?focus_area=access", css_class="fa-access"),
    PairedRow("Adoption", 414, Decimal("15200000000"), "/pledges/?focus_area=adoption"),
    PairedRow("No focus area given", 12, Decimal("800000"), None, css_class="bucket"),
]


def paired(**kwargs: object) -> str:
    return paired_bar_chart(
        "chart-pairs",
        "Focus areas",
        "Pledges in each focus area and their value split equally.",
        PAIRS,
        count_legend="Pledges naming it",
        amount_legend="Estimated USD, split equally",
        **kwargs,  # type: ignore[arg-type]
    )


def test_paired_chart_prints_both_values_and_links_each_linked_row() -> None:
    root = parse(paired())
    assert_titled(root, "chart-pairs", "Focus areas")
    shown = [t.text for t in texts(root)]
    assert shown[:2] == ["Pledges naming it", "Estimated USD, split equally"]  # the key
    assert shown[2:5] == ["Access", "553", "USD 31.9 bn"]
    links = list(root.iter(f"{SVG}a"))
    assert [a.get("href") for a in links] == ["/pledges/?focus_area=access", "/pledges/?focus_area=adoption"]
    assert links[0].get("aria-label") == "Access: 553, USD 31.9 bn"
    assert "No focus area given" in shown  # drawn, not linked
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text and "Access: 553, USD 31.9 bn" in desc.text


def test_paired_chart_scales_each_measure_on_its_own() -> None:
    root = parse(paired())
    bars = [r for r in root.iter(f"{SVG}rect") if float(r.get("height", "0")) > 10]
    counts = [float(b.get("width", "0")) for b in bars if b.get("class") == "bar"]
    amounts = [float(b.get("width", "0")) for b in bars if b.get("class") == "bar bar-amount"]
    assert counts[0] == amounts[0]  # the largest of each spans the same length
    assert counts[1] / counts[0] == pytest.approx(414 / 553, abs=0.01)
    assert amounts[1] / amounts[0] == pytest.approx(15.2 / 31.9, abs=0.01)


def test_paired_chart_escapes_mirrors_and_says_when_empty() -> None:
    evil = paired_bar_chart("chart-e", EVIL, EVIL, [PairedRow(EVIL, 1, 2, "javascript:x")], count_legend=EVIL,
                            amount_legend="b")  # fmt: skip
    assert "<script>" not in evil
    assert not list(parse(evil).iter(f"{SVG}a"))
    rtl = parse(paired(rtl=True))
    label = next(t for t in texts(rtl) if t.text == "Access")
    assert float(label.get("x", "0")) > 400
    empty = parse(paired_bar_chart("chart-0", "T", "D", [], count_legend="a", amount_legend="b"))
    assert "No data" in [t.text for t in texts(empty)]
    assert len(gzip.compress(paired().encode())) <= 2_000


def test_time_chart_shows_a_milestone_as_precisely_as_its_date_is_known() -> None:
    marks = [Milestone(dt.date(2021, 9, 1), "P2C launched at UNGA", "September 2021")]
    root = parse(cumulative_chart("chart-m", "T", "D", [(dt.date(2022, 1, 1), 1, 10)], marks))
    assert "September 2021 · P2C launched at UNGA" in [t.text for t in texts(root)]
