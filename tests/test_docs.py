"""Docs that are tested: every environment variable the code reads is in the README's table."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READS = re.compile(r"""(?:env_(?:str|bool|int|list)|os\.environ\.get|environ\.get)\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def variables_read_by_the_code() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "src" / "p2c").rglob("*.py"):
        names.update(READS.findall(path.read_text()))
    return names


def test_every_environment_variable_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", readme))
    missing = variables_read_by_the_code() - documented
    assert variables_read_by_the_code(), "the pattern found no variables at all"
    assert not missing, f"Add these to the configuration table in README.md: {sorted(missing)}"
