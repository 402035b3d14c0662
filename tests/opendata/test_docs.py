"""Docs that are tested: every export column, import column and open-data URL is described in docs/opendata.md."""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import URLPattern

from p2c.opendata import urls
from p2c.opendata.columns import COLUMN_NAMES
from p2c.opendata.imports import IMPORT_COLUMNS
from p2c.opendata.views.downloads import CONTENT_TYPES

DOC = Path(__file__).resolve().parents[2] / "docs" / "opendata.md"


def section(title: str) -> str:
    """The text under the heading ``title``, up to the next heading of its level or higher."""
    text = DOC.read_text()
    match = re.search(rf"^(#+) {re.escape(title)}$", text, re.M)
    assert match, f"docs/opendata.md has no section “{title}”"
    level = len(match.group(1))
    return re.split(rf"^#{{1,{level}}} ", text[match.end() :], maxsplit=1, flags=re.M)[0]


def table_names(text: str) -> list[str]:
    """The names in the first column of the markdown tables of ``text`` (`` `name` ``)."""
    return re.findall(r"^\| `([a-z0-9_]+)` \|", text, re.M)


def test_every_export_column_is_documented_in_order() -> None:
    documented = table_names(section("Columns"))
    missing = [name for name in COLUMN_NAMES if name not in documented]
    assert not missing, f"Describe these export columns in docs/opendata.md, section Columns: {missing}"
    assert documented == COLUMN_NAMES, "the Columns table lists the columns in the order of the files"


def test_every_column_the_import_reads_is_documented() -> None:
    documented = table_names(section("Columns the import reads"))
    missing = [name for name in IMPORT_COLUMNS if name not in documented]
    assert not missing, f"Describe these import columns in docs/opendata.md: {missing}"
    unknown = [name for name in documented if name not in IMPORT_COLUMNS]
    assert not unknown, f"docs/opendata.md describes import columns the import does not read: {unknown}"


def test_every_open_data_url_is_documented() -> None:
    text = DOC.read_text()
    patterns = [p for p in urls.urlpatterns if isinstance(p, URLPattern)]
    assert patterns
    for pattern in patterns:
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", str(pattern.pattern))
        assert f"`/{route}`" in text or f"`{route}`" in text, f"Describe /{route} in docs/opendata.md"
    for fmt in CONTENT_TYPES:
        assert f"`/pledges/download.{fmt}`" in text, f"Describe /pledges/download.{fmt} in docs/opendata.md"


def test_the_licence_is_stated() -> None:
    assert "CC BY 4.0" in section("Licence")
