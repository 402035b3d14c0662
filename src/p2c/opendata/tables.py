"""Reading an uploaded CSV or XLSX file into a header and rows, refusing what is not one.

Only the format is checked here (readable, not empty, not too big, the required columns present);
what the cells say is checked row by row by ``p2c.opendata.imports``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# An XLSX file is a zip archive: refuse one that would unpack to more than this (a "zip bomb").
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
REQUIRED_COLUMNS = ("title", "external_reference")
ENTITY_COLUMNS = ("lead_entity", "lead_entity_slug")


class TableError(Exception):
    """The file cannot be imported at all; the message says why and what to do."""


@dataclass
class Table:
    """A file's header (normalised column names) and its non-blank rows with their row numbers."""

    columns: list[str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    format: str = "csv"


def _column_name(value: Any) -> str:
    return str(value if value is not None else "").strip().lstrip("\ufeff").strip().lower().replace(" ", "_")


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def table_read(content: bytes, filename: str) -> Table:
    """The header and rows of a CSV (UTF-8) or XLSX file; ``TableError`` when it cannot be imported."""
    if not content:
        raise TableError(_("The file is empty."))
    if len(content) > MAX_FILE_BYTES:
        raise TableError(
            _("The file is larger than %(size)d MB. Split it into smaller files.") % {"size": MAX_FILE_BYTES // 2**20}
        )
    name = filename.lower()
    if content.startswith(b"PK\x03\x04") or name.endswith(".xlsx"):
        return _table(_xlsx_rows(content), "xlsx")
    if name.endswith((".csv", ".txt")):
        return _table(_csv_rows(content), "csv")
    raise TableError(
        _("“%(name)s” is not a CSV or XLSX file. Save the spreadsheet as “CSV UTF-8” or as an Excel workbook (.xlsx).")
        % {"name": filename}
    )


def _table(lines: Any, fmt: str) -> Table:
    iterator = iter(lines)
    header: list[Any] | None = None
    number = 0
    for number, line in enumerate(iterator, start=1):  # noqa: B007 - the number is used after the loop
        if any(not _is_blank(v) for v in line):
            header = list(line)
            break
    if header is None:
        raise TableError(_("The file has no rows: the first row must name the columns, the next ones hold pledges."))
    columns = [_column_name(v) for v in header]
    seen: set[str] = set()
    for name in columns:
        if name and name in seen:
            raise TableError(_("The column “%(name)s” appears twice in the first row.") % {"name": name})
        seen.add(name)
    missing = [name for name in REQUIRED_COLUMNS if name not in seen]
    if not seen & set(ENTITY_COLUMNS):
        missing.append("lead_entity")
    if missing:
        raise TableError(
            _(
                "The first row must name the columns, and these are missing: %(missing)s. "
                "The columns are described on this page; a download from the explorer has them all."
            )
            % {"missing": ", ".join(missing)}
        )
    table = Table(columns=columns, format=fmt)
    for row_number, line in enumerate(iterator, start=number + 1):
        values = list(line)
        if all(_is_blank(v) for v in values):
            continue
        if len(table.rows) >= MAX_ROWS:
            raise TableError(
                _("The file has more than %(max)s pledges. Split it into files of at most %(max)s rows.")
                % {"max": f"{MAX_ROWS:,}"}
            )
        table.rows.append((row_number, {name: values[i] for i, name in enumerate(columns) if name and i < len(values)}))
    if not table.rows:
        raise TableError(_("The file names the columns but has no pledges below them."))
    return table


def _csv_rows(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError(
            _(
                "The file is not in UTF-8 (the first unreadable byte is at position %(position)d). "
                "In Excel, choose “Save as” → “CSV UTF-8”; in LibreOffice, choose the character set “Unicode (UTF-8)”."
            )
            % {"position": exc.start + 1}
        ) from exc
    if "\x00" in text:
        raise TableError(_("This is not a text file. Upload a CSV (UTF-8) or an Excel workbook (.xlsx)."))
    first_line = text.split("\n", 1)[0]
    # Excel saves CSV with semicolons where the decimal separator is a comma.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise TableError(_("The CSV file cannot be read: %(error)s.") % {"error": exc}) from exc


def _xlsx_rows(content: bytes) -> list[tuple[Any, ...]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise TableError(_("The file is not a valid Excel workbook (.xlsx). Open it and save it again.")) from exc
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise TableError(_("The workbook is too large once unpacked. Split it into smaller files."))
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise TableError(_("The file is not a valid Excel workbook (.xlsx). Open it and save it again.")) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise TableError(_("The workbook has no sheet."))
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(tuple(_xlsx_value(v) for v in row))
            if len(rows) > MAX_ROWS + 1000:  # blank rows aside, far too many: stop reading
                break
        return rows
    finally:
        workbook.close()


def _xlsx_value(value: Any) -> Any:
    """Dates stay dates; whole numbers typed in Excel (``12.0``) become ``12``."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime | dt.date | int | float | str) or value is None:
        return value
    return str(value)
