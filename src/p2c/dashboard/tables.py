"""The numbers behind each chart, as an accessible HTML table and as rows for a CSV download.

A chart's builder (``bar_data_table``, ``cumulative_data_table``, ``milestones_data_table``,
``map_data_table``) returns a :class:`DataTable`; :func:`data_table_html` renders it as a
``<table>`` with a caption, column headers and row headers (each label linking to the explorer
when the chart does), and :func:`csv_response_rows` turns it into a list of lists for
``csv.writer``: raw numbers (no digit grouping), ISO dates, and text cells neutralised against
formula injection (:func:`csv_safe`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import NamedTuple

from django.utils.safestring import SafeString
from django.utils.translation import gettext

from p2c.dashboard.map import Value
from p2c.dashboard.svg import (
    Milestone,
    Point,
    Row,
    esc,
    finish,
    format_date,
    format_number,
    format_usd_compact,
    safe_href,
)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Cell(NamedTuple):
    """One cell: the text a person reads, the raw value for the CSV, an optional link."""

    text: str
    raw: object = None  # None: the CSV gets ``text``
    href: str | None = None


class DataTable(NamedTuple):
    """A chart's numbers: caption, column headers, rows (the first cell of a row is its header)."""

    caption: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    numeric: Sequence[bool] = ()  # per column: align to the end, like numbers


def csv_safe(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula.

    Text beginning with ``= + - @``, a tab or a carriage return gets a leading ``'`` (OWASP's
    advice). Numbers are written as they are — a number cannot carry a formula, and a negative
    amount must stay a number; dates are written as ISO 8601.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_response_rows(table: DataTable, *, header: bool = True) -> list[list[str]]:
    """The table as rows of strings for ``csv.writer`` (header row first), formula-safe."""
    rows = [[csv_safe(h) for h in table.headers]] if header else []
    for row in table.rows:
        rows.append([csv_safe(cell.text if cell.raw is None else cell.raw) for cell in row])
    return rows


def data_table_html(table: DataTable, *, css_class: str = "chart-table") -> SafeString:
    """The table as accessible HTML: caption, ``<th scope="col">`` headers, a row header per row."""
    numeric = list(table.numeric) + [False] * (len(table.headers) - len(table.numeric))
    out = [f'<table class="{esc(css_class)}"><caption>{esc(table.caption)}</caption><thead><tr>']
    num = ' class="num"'
    for header, is_number in zip(table.headers, numeric, strict=False):
        out.append(f'<th scope="col"{num if is_number else ""}>{esc(header)}</th>')
    out.append("</tr></thead><tbody>")
    for row in table.rows:
        out.append("<tr>")
        for index, cell in enumerate(row):
            tag = "th" if index == 0 else "td"
            attributes = ' scope="row"' if index == 0 else ""
            if index < len(numeric) and numeric[index]:
                attributes += num
            href = safe_href(cell.href)
            text = f'<a href="{esc(href)}">{esc(cell.text)}</a>' if href else esc(cell.text)
            out.append(f"<{tag}{attributes}>{text}</{tag}>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return finish(out)


def bar_data_table(rows: Sequence[Row], *, caption: str, label_header: str, value_header: str) -> DataTable:
    """A bar chart's rows: label (linked) and value."""
    cells = []
    for r in rows:
        row = r if isinstance(r, Row) else Row(*r)
        text = row.formatted if row.formatted is not None else format_number(row.value)
        cells.append([Cell(row.label, href=row.href), Cell(text, row.value, row.href)])
    return DataTable(caption, [label_header, value_header], cells, [False, True])


def cumulative_data_table(
    points: Sequence[tuple[dt.date, object, object]],
    *,
    caption: str,
    count_header: str | None = None,
    usd_header: str | None = None,
) -> DataTable:
    """The time chart's points: date, cumulative pledges, cumulative estimated USD."""
    rows = []
    for p in sorted((Point(*p) for p in points), key=lambda p: p.date):  # type: ignore[arg-type]
        rows.append(
            [
                Cell(format_date(p.date), p.date),
                Cell(format_number(p.pledges), p.pledges),
                Cell(format_usd_compact(p.usd), p.usd),
            ]
        )
    headers = [
        gettext("Date"),
        count_header or gettext("Published pledges (cumulative)"),
        usd_header or gettext("Estimated USD (cumulative)"),
    ]
    return DataTable(caption, headers, rows, [False, True, True])


def milestones_data_table(milestones: Sequence[tuple[dt.date, str]], *, caption: str) -> DataTable:
    """The milestones marked on the time chart, numbered as on the chart."""
    marks = sorted((Milestone(*m) for m in milestones), key=lambda m: m.date)
    rows = [
        [Cell(str(number), number), Cell(format_date(m.date), m.date), Cell(m.label)]
        for number, m in enumerate(marks, start=1)
    ]
    return DataTable(caption, [gettext("No."), gettext("Date"), gettext("Milestone")], rows, [True, False, False])


def map_data_table(
    values: Mapping[str, Value],
    *,
    caption: str,
    value_header: str,
    names: Mapping[str, str] | None = None,
    country_header: str | None = None,
) -> DataTable:
    """The map's values, largest first: country (linked) and value. Countries without data are left out."""
    names = names or {}
    rows = []
    ordered = sorted(values.items(), key=lambda cv: (-float(cv[1].value), cv[1].name or names.get(cv[0], cv[0])))
    for code, v in ordered:
        if float(v.value) <= 0:
            continue
        name = v.name or names.get(code, code)
        rows.append([Cell(name, href=v.href), Cell(v.formatted, v.value, v.href)])
    return DataTable(caption, [country_header or gettext("Country"), value_header], rows, [False, True])
