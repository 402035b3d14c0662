"""Accountability figures as entity and country pages show them: a few numbers, each linked to its pledges.

The dashboard has its own, fuller presentation (``p2c.reporting.charts``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from p2c.pledges.links import explorer_url
from p2c.pledges.models import Pledge
from p2c.reporting.figures import STATUSES, Accountability, accountability
from p2c.reporting.freshness import INACTIVE, OVERDUE, cycles_for_request


@dataclass(frozen=True)
class StatusRow:
    """One delivery status: its pledges, their share of all, their estimated USD, and their explorer link."""

    code: str
    label: str
    pledges: int
    share: int  # percent of the pledges, rounded
    usd: Decimal
    href: str | None


@dataclass(frozen=True)
class AccountabilitySummary:
    """What a page shows: the figures, the statuses in order, and the links."""

    figures: Accountability
    statuses: list[StatusRow]
    inactive_href: str
    overdue_href: str


def status_label(code: str) -> str:
    """A delivery status's name; ``""`` is “no accepted report yet”."""
    if not code:
        return _("No accepted report yet")
    return str(Pledge.DeliveryStatus(code).label)


def status_rows(figures: Accountability, **link_params: Any) -> list[StatusRow]:
    """Every delivery status with its count and share (the explorer cannot select “none yet”: no link)."""
    total = figures.pledges or 1
    rows = []
    for code in STATUSES:
        part = figures.statuses[code]
        href = explorer_url(**link_params, delivery_status=code) if code and part.pledges else None
        rows.append(
            StatusRow(
                code, status_label(code), part.pledges, (part.pledges * 100 + total // 2) // total, part.usd, href
            )
        )
    return rows


def accountability_summary(pledges: QuerySet[Pledge], *, request: Any, **link_params: Any) -> AccountabilitySummary:
    """The figures of ``pledges`` (published, each once) with links to the explorer under ``link_params``."""
    figures = accountability(pledges, cycles=cycles_for_request(request))
    return AccountabilitySummary(
        figures=figures,
        statuses=status_rows(figures, **link_params),
        inactive_href=explorer_url(**link_params, freshness=INACTIVE),
        overdue_href=explorer_url(**link_params, freshness=OVERDUE),
    )
