"""The translation catalogues: one per language, complete, consistent with the sources, and they compile."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings

from p2c.core.catalogues import LOCALE_DIR, catalogues_compile

TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
PLACEHOLDER = re.compile(r"%\([a-z_.]+\)[sd]|%[sd]|\{[a-z_]+\}")


def _locale_dir(code: str) -> str:
    """Django's directory name for a language code: ``zh-hans`` → ``zh_Hans``."""
    from django.utils.translation import to_locale

    return to_locale(code)


def _catalogue(code: str) -> Catalog:
    with (LOCALE_DIR / _locale_dir(code) / "LC_MESSAGES" / "django.po").open("rb") as file:
        return read_po(file, locale=_locale_dir(code))


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(code: str) -> None:
    catalogue = _catalogue(code)
    messages = [m for m in catalogue if m.id]
    untranslated = [m.id for m in messages if not all(m.string if isinstance(m.string, tuple) else (m.string,))]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert len(messages) > 1000
    assert not untranslated, untranslated[:10]
    assert not fuzzy, fuzzy[:10]


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_every_placeholder(code: str) -> None:
    problems = []
    for message in _catalogue(code):
        if not message.id:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        singular, plural = set(PLACEHOLDER.findall(sources[0])), set(PLACEHOLDER.findall(sources[-1]))
        # A plural form may leave out the number ("this pledge", Arabic "one" and "two"), never a named value.
        required = (singular & plural) - {"%(count)s", "%(counter)s", "%(count)d", "%d"}
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            found = set(PLACEHOLDER.findall(string))
            missing, extra = required - found, found - singular - plural
            if missing or extra:
                problems.append((message.id, string, missing, extra))
    assert not problems, problems[:5]


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_catalogue_compiles(code: str) -> None:
    buffer = io.BytesIO()
    write_mo(buffer, _catalogue(code))
    assert len(buffer.getvalue()) > 10_000


def test_the_built_catalogues_are_current(tmp_path: Path) -> None:
    """``catalogues_compile`` rebuilds a stale ``.mo`` and leaves a current one alone."""
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, copy, ignore=shutil.ignore_patterns("*.mo"))
    assert len(catalogues_compile(copy)) == len(TRANSLATED)
    assert catalogues_compile(copy) == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="makemessages needs GNU gettext's xgettext")
def test_the_catalogues_hold_every_message_of_the_sources(tmp_path: Path) -> None:
    """Extracting the messages again finds nothing the catalogues lack (run makemessages, docs/i18n.md)."""
    tree = tmp_path / "p2c"
    shutil.copytree(LOCALE_DIR.parent, tree, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static"))
    # Settings whose only locale directory is the copy's, so the real catalogues are never touched.
    (tmp_path / "copy_settings.py").write_text(
        f"from p2c.settings import *  # noqa: F403\nLOCALE_PATHS = [{str(tree / 'locale')!r}]\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "copy_settings", "PYTHONPATH": str(tmp_path)}
    subprocess.run(
        [sys.executable, "-m", "p2c.cli", "makemessages", "-l", "fr", "--no-obsolete", "-v", "0"],
        cwd=tree,
        env=env,
        check=True,
    )
    extracted = {m.id for m in _read(tree / "locale" / "fr" / "LC_MESSAGES" / "django.po") if m.id}
    kept = {m.id for m in _catalogue("fr") if m.id}
    assert extracted - kept == set(), sorted(extracted - kept, key=str)[:10]


def _read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)
