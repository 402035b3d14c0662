"""The numbers beside each chart: accessible tables and CSV rows safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET
from decimal import Decimal

from p2c.dashboard.map import Value
from p2c.dashboard.svg import Row
from p2c.dashboard.tables import (
    Cell,
    DataTable,
    bar_data_table,
    csv_response_rows,
    csv_safe,
    cumulative_data_table,
    data_table_html,
    map_data_table,
    milestones_data_table,
)
from tests.dashboard import samples


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own output, parsed to check it


def test_formula_injection_is_neutralised() -> None:
    for dangerous in ('=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"):
        assert csv_safe(dangerous) == "'" + dangerous
    assert csv_safe("Kijiji Telecom") == "Kijiji Telecom"
    assert csv_safe("a=b") == "a=b"  # only the first character matters
    # Numbers and dates are data, written as they are (a negative amount stays a number).
    assert csv_safe(-5) == "-5"
    assert csv_safe(Decimal("80491514088.50")) == "80491514088.50"
    assert csv_safe(dt.date(2022, 6, 9)) == "2022-06-09"
    assert csv_safe(None) == ""


def test_csv_rows_of_a_bar_chart_carry_raw_numbers_and_safe_labels() -> None:
    rows = [*samples.USD_BY_TYPE, Row("=cmd|' /C calc'!A0", Decimal(5), "/x/", "USD 5")]
    table = bar_data_table(rows, caption="USD by type", label_header="Pledge type", value_header="Estimated USD")
    out = csv_response_rows(table)
    assert out[0] == ["Pledge type", "Estimated USD"]
    assert out[1] == ["Financial", "61200000000"]
    assert out[-1] == ["'=cmd|' /C calc'!A0", "5"]
    # Round trip through the csv module: what a download would contain.
    buffer = io.StringIO()
    csv.writer(buffer).writerows(out)
    assert "'=cmd" in buffer.getvalue()


def test_headers_are_neutralised_too() -> None:
    table = DataTable("c", ["=1+1", "ok"], [[Cell("@x"), Cell("2", 2)]])
    assert csv_response_rows(table) == [["'=1+1", "ok"], ["'@x", "2"]]
    assert csv_response_rows(table, header=False) == [["'@x", "2"]]


def test_cumulative_and_milestone_tables() -> None:
    points = samples.cumulative_points()
    table = cumulative_data_table(points, caption="Over time")
    out = csv_response_rows(table)
    assert out[0] == ["Date", "Published pledges (cumulative)", "Estimated USD (cumulative)"]
    assert out[1][0] == "2022-06-09" and out[1][1] == "1"
    assert len(out) == len(points) + 1
    assert table.rows[0][0].text == "9 June 2022"
    marks = csv_response_rows(milestones_data_table(samples.MILESTONES, caption="Milestones"))
    assert marks[1] == ["1", "2022-06-09", "Partner2Connect launched at WTDC-22 in Kigali"]


def test_map_table_lists_countries_with_data_largest_first() -> None:
    values = {
        "404": Value(12, "12 pledges", "/pledges/?country=KE", "Kenya"),
        "242": Value(3, "3 pledges", "/pledges/?country=FJ", "Fiji"),
        "076": Value(0, "0 pledges", None, "Brazil"),
        "480": Value(30, "30 pledges", "/pledges/?country=MU", ""),
    }
    table = map_data_table(values, caption="Per country", value_header="Pledges", names={"480": "Mauritius"})
    assert csv_response_rows(table) == [["Country", "Pledges"], ["Mauritius", "30"], ["Kenya", "12"], ["Fiji", "3"]]


def test_html_table_is_accessible_linked_and_escaped() -> None:
    rows = [Row("<script>alert(1)</script>", 3, "/pledges/?focus_area=access&x=1", "3"), *samples.FOCUS_AREAS]
    markup = data_table_html(bar_data_table(rows, caption="By focus area", label_header="Focus area", value_header="N"))
    assert "<script>" not in markup
    root = parse(markup)
    caption = root.find("caption")
    assert caption is not None and caption.text == "By focus area"
    assert [th.get("scope") for th in root.iter("th")][:2] == ["col", "col"]
    body = root.find("tbody")
    assert body is not None
    first = body.find("tr")
    assert first is not None
    header = first.find("th")
    assert header is not None and header.get("scope") == "row"
    link = header.find("a")
    assert link is not None and link.get("href") == "/pledges/?focus_area=access&x=1"
    assert link.text == "<script>alert(1)</script>"  # shown as text
    value = first.find("td")
    assert value is not None and value.get("class") == "num"
