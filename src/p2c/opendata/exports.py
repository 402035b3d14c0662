"""Streaming bulk downloads of published pledges: CSV, XLSX and JSON Lines.

Every download is ``pledge_filter(params)`` — the explorer's one filter definition — so it holds
exactly the pledges the explorer lists for the same parameters, in the same order.

Memory stays flat whatever the number of pledges:

* The matching ids are read in keyset-paginated chunks of ``CHUNK_SIZE``: each chunk is the
  explorer's query, sorted as the explorer sorts, with "after the last row of the previous chunk"
  added and ``LIMIT CHUNK_SIZE``. No query holds a cursor open across chunks, no OFFSET grows,
  and a pledge published or withdrawn meanwhile never makes another appear twice. (A full-text
  search is run once instead: its ids alone are read, then chunked.)
* Each chunk's pledges and relations are read as plain values (``p2c.opendata.records``), turned
  into lines and handed to the web server before the next chunk is read.
* CSV and JSON Lines are generators of bytes for a ``StreamingHttpResponse``. An XLSX file is a
  zip archive whose directory comes last, so it cannot be streamed as it is made: openpyxl's
  write-only workbook writes the rows to a temporary file on disk (inline strings, no shared
  string table in memory), and the finished file is then streamed from disk.

Formula injection: a spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return as a formula. In CSV and XLSX every *text* cell (list cells included) starting
with one of them gets a leading apostrophe (``'=1+1``), which spreadsheets show as text and the
bulk import removes again. Numbers, dates and booleans are written as such and never start with
one (amounts are never negative); JSON Lines is not for spreadsheets and carries text unchanged.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import IO, Any

from django.db import connection
from django.db.models import F, OrderBy, Q, QuerySet
from django.utils import translation

from p2c.opendata.columns import COLUMNS, LIST_SEPARATOR, Kind
from p2c.opendata.records import Chunk, PledgeReader, as_date, as_decimal, as_instant
from p2c.pledges.filters import FilterResult
from p2c.pledges.models import Pledge
from p2c.pledges.search import pledge_search_relevance

CHUNK_SIZE = 1000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_SET = frozenset(FORMULA_STARTS)
XLSX_MAX_CELL = 32_767  # Excel's limit on the characters in one cell
UTF8_BOM = "\ufeff"


# --- Reading the filtered pledges in chunks ------------------------------------------------------
@dataclass(frozen=True)
class SortKey:
    """One column of a sort order: ascending or descending; ``nulls_last`` for a nullable one."""

    field: str
    descending: bool
    nulls_last: bool = False


# The explorer's sort orders (``p2c.pledges.filters``), as keys a chunk can continue after.
# ``tests/opendata/test_downloads.py`` checks that the order equals the explorer's queryset's.
SORT_KEYS: dict[str, tuple[SortKey, ...]] = {
    "newest": (SortKey("published_at", True), SortKey("id", True)),
    "value": (SortKey("usd_estimate", True, nulls_last=True), SortKey("id", True)),
    "title": (SortKey("title", False), SortKey("id", False)),
    "relevance": (SortKey("match_rank", True), SortKey("published_at", True), SortKey("id", True)),
}


def _after(keys: tuple[SortKey, ...], last: tuple[Any, ...]) -> Q:
    """Rows sorting after ``last`` (the sort values of the previous chunk's last row)."""
    parts: list[Q] = []
    equal = Q()
    for key, value in zip(keys, last, strict=True):
        if value is not None:
            beyond = Q(**{f"{key.field}__{'lt' if key.descending else 'gt'}": value})
            if key.nulls_last:
                beyond |= Q(**{f"{key.field}__isnull": True})
            parts.append(equal & beyond)
            equal &= Q(**{key.field: value})
        else:  # nulls sort last: nothing lies beyond a null but the rest of the nulls
            equal &= Q(**{f"{key.field}__isnull": True})
    condition = reduce(or_, parts) if parts else Q(pk__in=[])
    first, value = keys[0], last[0]
    if value is not None and not first.nulls_last:
        # Redundant, but lets the database seek in the sort index instead of scanning from its start.
        condition &= Q(**{f"{first.field}__{'lte' if first.descending else 'gte'}": value})
    return condition


def _order_by(key: SortKey) -> OrderBy:
    if not key.descending:
        return F(key.field).asc()
    return F(key.field).desc(nulls_last=True) if key.nulls_last else F(key.field).desc()


def _sorted(result: FilterResult) -> tuple[QuerySet[Pledge], tuple[SortKey, ...]]:
    """The filtered pledges in the explorer's order, annotated with what that order needs."""
    keys = SORT_KEYS.get(result.sort, SORT_KEYS["newest"])
    queryset = result.queryset
    if result.sort == "relevance":
        queryset = queryset.annotate(match_rank=pledge_search_relevance(result.search))
    return queryset.order_by(*(_order_by(key) for key in keys)), keys


def pledge_id_chunks(result: FilterResult, *, size: int | None = None) -> Iterator[list[int]]:
    """The ids of ``result``'s pledges in its sort order, ``size`` at a time (one query per chunk).

    With a full-text search, the database would run the search again for every chunk (and sort
    all its hits by relevance each time): then the ids alone — a few bytes a pledge — are read in
    one query and handed out a chunk at a time.
    """
    size = size or CHUNK_SIZE
    queryset, keys = _sorted(result)
    if result.search and "q" in result.values:
        ids = list(queryset.values_list("id", flat=True))
        for start in range(0, len(ids), size):
            yield ids[start : start + size]
        return
    names = [key.field for key in keys]
    last: tuple[Any, ...] | None = None
    while True:
        page = queryset if last is None else queryset.filter(_after(keys, last))
        # Only the ids, executed as the ORM writes the query but without turning every row's sort
        # values into Python objects; the last row's are read again below, through the ORM.
        sql, params = page.values_list("id")[:size].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return
        yield ids
        if len(ids) < size:
            return
        last = Pledge.objects.filter(pk=ids[-1]).values_list(*names).get()


# On SQLite, while a download reads: no memory-mapped database file, a 4 MB page cache (see below).
SQLITE_DOWNLOAD_PRAGMAS = {"mmap_size": 0, "cache_size": -4096}


@contextmanager
def _scanning() -> Iterator[None]:
    """Read the whole database without keeping it in the process's memory (SQLite only).

    The project's SQLite settings memory-map up to 256 MB of the database file and keep a 64 MB
    page cache: right for pages read again and again, but a download reads every pledge once, and
    the mapped pages would count in the web process's resident memory as it goes (315 MB at
    100,000 pledges). For this connection and while the download runs, pages are read into a
    small cache instead (no slower, measured); the settings are put back afterwards.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        before = {name: cursor.execute(f"PRAGMA {name}").fetchone()[0] for name in SQLITE_DOWNLOAD_PRAGMAS}
        for name, value in SQLITE_DOWNLOAD_PRAGMAS.items():
            cursor.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        if connection.connection is not None:  # still open (a web request closes it when it ends)
            with connection.cursor() as cursor:
                for name, value in before.items():
                    cursor.execute(f"PRAGMA {name} = {int(value)}")


def record_chunks(result: FilterResult, *, url_of: Callable[[str], str], size: int | None = None) -> Iterator[Chunk]:
    """``result``'s pledges column by column (``records.Chunk``), a chunk at a time (five queries per chunk)."""
    reader = PledgeReader(url_of=url_of)
    with _scanning():
        for ids in pledge_id_chunks(result, size=size):
            chunk = reader.read(ids)
            if chunk:
                yield chunk


# --- Cells ---------------------------------------------------------------------------------------
def neutralise(text: str) -> str:
    """``'=1+1`` for ``=1+1``: a text cell a spreadsheet would run as a formula is shown as text instead."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


_NEEDS_QUOTES = re.compile(r'[",\r\n]').search


def csv_field(text: str) -> str:
    """One CSV field as RFC 4180 (and Python's ``csv`` module) writes it: quoted when it holds ``"``, ``,``,
    CR or LF, with its double quotes doubled."""
    return '"' + text.replace('"', '""') + '"' if _NEEDS_QUOTES(text) else text


def csv_texts(texts: list[str]) -> list[str]:
    """The CSV fields of a chunk's text cells: each neutralised (``neutralise``), then quoted (``csv_field``).

    Most columns of most chunks need neither: four substring tests on the column's cells joined
    together, and a look at each one's first character, say so, and the cells are then the fields
    as they are. Otherwise each cell is looked at, with C-level string operations (``in`` finds a
    character ten times faster than a regular expression does).
    """
    joined = "".join(texts)
    quoting = '"' in joined or "," in joined or "\n" in joined or "\r" in joined
    starts = _FORMULA_SET
    if not starts.isdisjoint([v[:1] for v in texts]):
        texts = [("'" + v if v[:1] in starts else v) for v in texts]
    if not quoting:
        return texts
    return [
        ('"' + v.replace('"', '""') + '"') if ('"' in v or "," in v or "\n" in v or "\r" in v) else v for v in texts
    ]


def _joined(values: list[tuple[Any, ...]]) -> list[str]:
    """Each list's items joined with ``LIST_SEPARATOR`` (numbers written as such)."""
    join = LIST_SEPARATOR.join
    try:
        return [join(v) for v in values]
    except TypeError:  # numbers (the SDGs)
        return [join(map(str, v)) for v in values]


def csv_cells(kind: Kind, values: list[Any]) -> list[str]:
    """The CSV fields of one column of a chunk, for a column of ``kind``.

    Column by column rather than cell by cell, and quoted here rather than by ``csv.writer``: a
    few list comprehensions per column and chunk, with C-level string operations, are what keep
    100,000 pledges within seconds. Dates, instants and numbers come as text that needs no
    quoting and cannot start like a formula.
    """
    if kind is Kind.TEXT:
        return csv_texts(values)
    if kind is Kind.LIST:
        return csv_texts(_joined(values))
    if kind is Kind.BOOLEAN:
        return ["yes" if v else "no" for v in values]
    return values


def json_value(kind: Kind, value: Any) -> Any:
    """The JSON value of one cell: exact decimals as strings, empty text as null, lists as arrays."""
    if value is None or value == "":
        return None
    return value


def _xlsx_text(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", neutralise(text))
    return text if len(text) <= XLSX_MAX_CELL else text[: XLSX_MAX_CELL - 3] + "[…]"


def xlsx_value(kind: Kind, value: Any) -> Any:
    """The value of one XLSX cell: text neutralised (and within Excel's limits), numbers and dates as such."""
    if kind is Kind.NUMBER:
        return as_decimal(value)
    if kind is Kind.DATE:
        return as_date(value)
    if kind is Kind.DATETIME:
        return as_instant(value)
    if kind is Kind.BOOLEAN:
        return "yes" if value else "no"
    if kind is Kind.LIST:
        return _xlsx_text(LIST_SEPARATOR.join(str(item) for item in value)) if value else None
    return _xlsx_text(str(value)) if value else None


# --- The three formats ---------------------------------------------------------------------------
def csv_stream(result: FilterResult, *, url_of: Callable[[str], str], size: int | None = None) -> Iterator[bytes]:
    """The CSV file, as UTF-8 bytes: a byte order mark and the header, then one piece per chunk.

    RFC 4180: comma-separated, fields with a comma, a double quote or a line break in double
    quotes (quotes doubled), CRLF at the end of every row.
    """
    yield (UTF8_BOM + ",".join(csv_field(column.name) for column in COLUMNS) + "\r\n").encode()
    with translation.override("en"):
        for chunk in record_chunks(result, url_of=url_of, size=size):
            fields = [csv_cells(column.kind, chunk[column.name]) for column in COLUMNS]
            yield ("\r\n".join(map(",".join, zip(*fields, strict=True))) + "\r\n").encode()


def jsonl_stream(result: FilterResult, *, url_of: Callable[[str], str], size: int | None = None) -> Iterator[bytes]:
    """JSON Lines, as UTF-8 bytes: one JSON object per pledge and line, keyed by the column names."""
    with translation.override("en"):
        names = [column.name for column in COLUMNS]
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        for chunk in record_chunks(result, url_of=url_of, size=size):
            values = [[json_value(column.kind, v) for v in chunk[column.name]] for column in COLUMNS]
            lines = [dumps(dict(zip(names, row, strict=True))) for row in zip(*values, strict=True)]
            yield ("\n".join(lines) + "\n").encode()


def xlsx_file(result: FilterResult, *, url_of: Callable[[str], str], size: int | None = None) -> IO[bytes]:
    """The XLSX workbook in a temporary file (deleted when closed), positioned at its start.

    One sheet, "Pledges", with the header row frozen; dates and instants are date cells (instants
    in UTC), amounts are number cells.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Pledges")
    sheet.freeze_panes = "A2"
    sheet.append([column.name for column in COLUMNS])
    formats = {Kind.DATE: "yyyy-mm-dd", Kind.DATETIME: "yyyy-mm-dd hh:mm:ss"}

    def cell(kind: Kind, value: Any) -> Any:
        value = xlsx_value(kind, value)
        number_format = formats.get(kind)
        if number_format is None or value is None:
            return value
        styled = WriteOnlyCell(sheet, value=value)
        styled.number_format = number_format
        return styled

    with translation.override("en"):
        for chunk in record_chunks(result, url_of=url_of, size=size):
            values = [[cell(column.kind, v) for v in chunk[column.name]] for column in COLUMNS]
            for row in zip(*values, strict=True):
                sheet.append(row)
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response that streams it
    workbook.save(target)
    target.seek(0)
    return target
