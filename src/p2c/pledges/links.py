"""Links from every count and sum on a public page to the explorer, filtered to exactly those pledges.

The explorer's GET parameters are fixed (``country``, ``entity``, ``focus_area``, ``type``, ``sdg``,
``m49_region``, ``itu_region``, ``grouping``); pages build their links here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.http import urlencode

from p2c.core.languages import path_prefix
from p2c.geo.models import Region
from p2c.pledges.selectors import BreakdownRow, Totals

EXPLORER_PATH = "/pledges/"  # in English; explorer_url() adds the active language's prefix

# The explorer parameter that filters by a region of each kind.
REGION_PARAMETER = {
    Region.Kind.M49_REGION: "m49_region",
    Region.Kind.M49_SUBREGION: "m49_region",
    Region.Kind.M49_INTERMEDIATE: "m49_region",
    Region.Kind.ITU_REGION: "itu_region",
}


def explorer_url(**params: Any) -> str:
    """``/pledges/?country=KE&focus_area=access`` from the non-empty ``params``, in the order given."""
    pairs = [(key, str(value)) for key, value in params.items() if value not in (None, "")]
    path = f"{path_prefix()}{EXPLORER_PATH}"
    return f"{path}?{urlencode(pairs)}" if pairs else path


@dataclass(frozen=True)
class TableRow:
    """One row of a breakdown table as the page shows it: a label, its figures and their explorer link."""

    code: str
    name: str
    pledges: int
    usd: Decimal
    href: str


def breakdown_rows(rows: list[BreakdownRow], parameter: str, **base: Any) -> list[TableRow]:
    """``rows`` with links to the explorer filtered by ``base`` and ``parameter=<row code>``."""
    return [
        TableRow(row.code, row.name, row.pledges, row.usd, explorer_url(**base, **{parameter: row.code}))
        for row in rows
    ]


@dataclass(frozen=True)
class TotalRow:
    """The total under a breakdown table (each pledge once) and its explorer link."""

    pledges: int
    usd: Decimal
    href: str


def total_row(totals: Totals, **params: Any) -> TotalRow:
    """``totals`` with the link to the explorer filtered by ``params``."""
    return TotalRow(totals.pledges, totals.usd, explorer_url(**params))
