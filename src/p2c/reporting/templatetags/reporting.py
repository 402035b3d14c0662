"""Template helpers of progress reporting: ``{% load reporting %}``.

- ``{% pledge_marks pledge as marks %}``: the freshness marks of a published pledge (inactive,
  overdue), decided from its row; the cycles they depend on are read once per request.
- ``{% delivery_timeline pledge as timeline %}``: the accepted reports of a published pledge for its
  public page (two queries), newest first, with money and targets as progress.
- ``{{ value|bar_width }}``: a percentage clamped to 0–100, for the width of a progress bar;
  ``{{ disbursed|money_percent:pledged }}``; ``{{ link|http_link }}`` (only http and https links).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import template

from p2c.pledges.models import Pledge
from p2c.reporting.freshness import Mark, cycles_for_request
from p2c.reporting.freshness import pledge_marks as marks_of
from p2c.reporting.models import ProgressReport
from p2c.reporting.selectors import accepted_reports

register = template.Library()


@register.simple_tag(takes_context=True)
def pledge_marks(context: template.Context, pledge: Pledge) -> list[Mark]:
    """The pledge's freshness marks (no query but, once per request, the cycles)."""
    return marks_of(pledge, cycles_for_request(context.get("request")))


def money_share(disbursed: Decimal | None, pledged: Decimal | None) -> int | None:
    """Disbursed as a whole percentage of pledged (may exceed 100); ``None`` when it cannot be said."""
    if disbursed is None or not pledged:
        return None
    return int((disbursed * 100 / pledged).to_integral_value())


@dataclass(frozen=True)
class TimelineEntry:
    """One accepted report on the pledge's page, with its money compared with the pledge's."""

    report: ProgressReport
    money_share: int | None  # disbursed as a share of the pledge's estimated value, in percent


@dataclass(frozen=True)
class Timeline:
    """The pledge's accepted reports, newest cycle first."""

    entries: list[TimelineEntry]

    @property
    def latest(self) -> ProgressReport | None:
        return self.entries[0].report if self.entries else None


@register.simple_tag
def delivery_timeline(pledge: Pledge) -> Timeline:
    """The accepted reports of ``pledge`` (published pledges only; two queries)."""
    return Timeline(
        [
            TimelineEntry(report, money_share(report.usd_disbursed, pledge.usd_estimate))
            for report in accepted_reports(pledge)
        ]
    )


@register.filter
def money_percent(disbursed: Any, pledged: Any) -> int:
    """Disbursed as a whole percentage of pledged (0 when it cannot be said; may exceed 100)."""
    return money_share(disbursed, pledged) or 0


@register.filter
def http_link(value: Any) -> str:
    """The link if it is an ``http``/``https`` address, else ``""`` (links are checked when saved: a second lock)."""
    text = str(value or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else ""


@register.filter
def bar_width(value: Any) -> int:
    """A percentage for a bar's width: a whole number from 0 to 100."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return max(0, min(100, number))
