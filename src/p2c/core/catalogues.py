"""Translation catalogues: the ``.po`` files under ``src/p2c/locale`` are the source, ``.mo`` files are built.

The ``.mo`` files are not kept in git. ``make run``, ``make test`` and ``p2c compile-catalogues``
build those older than their ``.po`` with Babel (pure Python: no GNU gettext needed). See docs/i18n.md.
"""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def catalogue_paths(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Every ``.po`` file, one per language and domain."""
    return sorted(locale_dir.glob("*/LC_MESSAGES/*.po"))


def catalogues_compile(locale_dir: Path = LOCALE_DIR, *, force: bool = False) -> list[Path]:
    """Write the ``.mo`` beside each ``.po`` that is newer than it (or every one with ``force``).

    Fuzzy entries are left out, as GNU msgfmt does. Returns the ``.mo`` files written.
    """
    written = []
    for po_path in catalogue_paths(locale_dir):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalogue = read_po(po_file, locale=po_path.parent.parent.name)
        # A name of this process's own: two test runs may build the same catalogue at once.
        tmp_path = mo_path.with_suffix(f".mo.{os.getpid()}.tmp")
        with tmp_path.open("wb") as mo_file:
            write_mo(mo_file, catalogue, use_fuzzy=False)
        tmp_path.replace(mo_path)
        written.append(mo_path)
    return written
