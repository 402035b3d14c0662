"""The dashboard's "Delivery and reporting" section: figures, charts, tables and CSV rows.

Presentation over :class:`p2c.reporting.figures.Accountability` (computed and cached by
``p2c.dashboard.aggregates.accountability_aggregates`` for the dashboard's filter state), in the
dashboard's own vocabulary (``Chart``, ``DataTable``, SVG bars): nothing here queries. Links go to
the explorer with the dashboard's filters plus the figure's own parameter (``delivery_status``,
``freshness``), through ``facet_url`` so that a link is only given when it is exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language_bidi, gettext, ngettext

from p2c.dashboard.page import NARROW, Chart, dashboard_url, facet_url, usd_text
from p2c.dashboard.svg import PairedRow, format_number, paired_bar_chart
from p2c.dashboard.tables import Cell, DataTable, data_table_html
from p2c.pledges.filters import FilterResult, filter_pairs
from p2c.reporting.figures import STATUSES, Accountability, Rate
from p2c.reporting.freshness import INACTIVE, OVERDUE
from p2c.reporting.pages import status_label

CSV_CHARTS = ("delivery-status", "reporting-rates", "delivery-figures")
CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    """An amount of US dollars to the cent, as the dashboard's CSVs carry them."""
    return Decimal(value).quantize(CENT)


class DeliveryChart(Chart):
    """A chart of the section; its table is styled like the others and told apart by its class."""

    @property
    def table_html(self) -> SafeString:
        return data_table_html(self.table, css_class="chart-table delivery-table")


def rate_text(rate: Rate) -> str:
    """``42% · 21 of 50``, or why there is no rate."""
    if rate.percent is None:
        return gettext("no pledge due")
    return gettext("%(percent)s%% · %(reported)s of %(due)s") % {
        "percent": rate.percent,
        "reported": format_number(rate.reported),
        "due": format_number(rate.due),
    }


@dataclass(frozen=True)
class RateRow:
    """A category of the reporting-rate breakdowns (``scope`` is ``entity_type`` or ``focus_area``)."""

    scope: str
    code: str
    label: str
    rate: Rate
    css_class: str = ""


def rate_rows(result: FilterResult, figures: Accountability) -> list[RateRow]:
    """Every entity type and focus area the explorer offers, with its reporting rate (zeros included)."""
    options = result.options
    rows = []
    for scope, ids, param in (
        ("entity_type", options.entity_types, "entity_type"),
        ("focus_area", options.focus_areas, "focus_area"),
    ):
        found = figures.by_entity_type if scope == "entity_type" else figures.by_focus_area
        for code, label in options.labels.get(param, {}).items():
            rate = found.get(ids.get(code, -1), Rate(0, 0))
            rows.append(RateRow(scope, code, label, rate, f"fa-{code}" if scope == "focus_area" else ""))
    return rows


def html_bars(chart_id: str, title: str, rows: list[tuple[str, int, str, str]]) -> SafeString:
    """Horizontal bars as an HTML list: (label, width in percent, value as text, CSS class) per row.

    Used where the bars must share a fixed scale (a rate out of 100 %) or labels are long; the label
    and the value are text, the bar is decoration (the stylesheet draws it; no script, no SVG).
    """
    items = format_html_join(
        "",
        '<li class="html-bar-row {}"><span class="html-bar-label">{}</span>'
        '<span class="html-bar" aria-hidden="true"><span style="inline-size: {}%"></span></span>'
        '<span class="html-bar-value">{}</span></li>',
        ((css, label, max(0, min(100, width)), text) for label, width, text, css in rows),
    )
    if not rows:
        items = format_html('<li class="html-bar-row"><span class="html-bar-label">{}</span></li>', gettext("No data"))
    return format_html('<ul class="html-bars" id="{}" aria-label="{}">{}</ul>', chart_id, title, items)


def _rate_chart(slug: str, title: str, description: str, rows: list[RateRow]) -> Chart:
    shown = [row for row in rows if row.rate.due]
    drawn = html_bars(
        f"chart-{slug}",
        title,
        [(row.label, row.rate.percent or 0, rate_text(row.rate), row.css_class) for row in shown],
    )
    table = DataTable(
        title,
        [gettext("Category"), gettext("Pledges due"), gettext("With an accepted report"), gettext("Reporting rate")],
        [
            [
                Cell(row.label),
                Cell(format_number(row.rate.due), row.rate.due),
                Cell(format_number(row.rate.reported), row.rate.reported),
                Cell("–" if row.rate.percent is None else f"{row.rate.percent}%", row.rate.percent),
            ]
            for row in rows
        ],
        [False, True, True, True],
    )
    return DeliveryChart(slug, title, drawn, table, str(description))


def status_chart(result: FilterResult, figures: Accountability, *, svg: bool = True) -> Chart:
    """Pledges and their USD by the delivery status of their latest accepted report, each pledge once."""
    title = gettext("Delivery status")
    rows = []
    for code in STATUSES:
        part = figures.statuses[code]
        href = facet_url(result, "delivery_status", code) if code and part.pledges else None
        rows.append((code, status_label(code), part.pledges, part.usd, href))
    drawn: Any = ""
    if svg:
        drawn = paired_bar_chart(
            "chart-delivery-status",
            title,
            gettext(
                "Published pledges by the delivery status of their latest accepted progress report, and their "
                "estimated value; each pledge once."
            ),
            [
                PairedRow(
                    label,
                    pledges,
                    usd,
                    href,
                    format_number(pledges),
                    usd_text(int(usd * 100)),
                    "" if code else "bucket",
                )
                for code, label, pledges, usd, href in rows
            ],
            count_legend=gettext("Pledges"),
            amount_legend=gettext("Estimated USD"),
            rtl=get_language_bidi(),
            width=NARROW,
        )
    table = DataTable(
        title,
        [gettext("Delivery status"), gettext("Pledges"), gettext("Estimated USD")],
        [
            [Cell(label, code, href), Cell(format_number(pledges), pledges, href), Cell(usd_text(int(usd * 100)), usd)]
            for code, label, pledges, usd, href in rows
        ],
        [False, True, True],
    )
    csv = DataTable(
        "",
        ["code", "name", "pledges", "estimated_usd", "explorer_url"],
        [
            [Cell(code), Cell(label), Cell("", pledges), Cell("", cents(usd)), Cell(href or "")]
            for code, label, pledges, usd, href in rows
        ],
    )
    return DeliveryChart("delivery-status", title, drawn, table, extra={"csv": csv})


def money_chart(figures: Accountability) -> Chart:
    """USD pledged by all the pledges, by those with an accepted report, and what those report disbursed."""
    title = gettext("Pledged and reported disbursed")
    rows = [
        (gettext("Pledged by all the pledges shown"), figures.usd_pledged),
        (gettext("Pledged by the pledges with an accepted report"), figures.usd_pledged_reporting),
        (gettext("Disbursed to date, as those pledges report"), figures.usd_disbursed),
    ]
    top = max((value for _label, value in rows), default=Decimal(0)) or Decimal(1)
    drawn = html_bars(
        "chart-disbursed",
        title,
        [(label, int(value * 100 / top), usd_text(int(value * 100)), "") for label, value in rows],
    )
    table = DataTable(
        title,
        [gettext("Figure"), gettext("US dollars")],
        [[Cell(label), Cell(usd_text(int(value * 100)), value)] for label, value in rows],
        [False, True],
    )
    note = gettext("Estimated USD pledged, and USD disbursed to date as the pledges' latest accepted reports say.")
    return DeliveryChart("disbursed", title, drawn, table, note)


def figures_table(figures: Accountability) -> DataTable:
    """The section's figures, one per row (the ``delivery-figures`` CSV)."""
    rate = figures.rate or Rate(0, 0)
    rows: list[tuple[str, str, Any]] = [
        ("cycle_year", gettext("Latest reporting cycle"), figures.cycle.year if figures.cycle else ""),
        ("pledges_due", gettext("Pledges owing a report in it"), rate.due),
        ("pledges_reported", gettext("Of them, with an accepted report"), rate.reported),
        ("reporting_rate_percent", gettext("Reporting rate (percent)"), "" if rate.percent is None else rate.percent),
        ("pledges", gettext("Published pledges"), figures.pledges),
        ("usd_pledged", gettext("USD pledged (estimated)"), cents(figures.usd_pledged)),
        ("pledges_with_accepted_report", gettext("Pledges with an accepted report"), figures.reporting_pledges),
        ("usd_pledged_by_them", gettext("USD pledged by them"), cents(figures.usd_pledged_reporting)),
        ("usd_reported_disbursed", gettext("USD reported disbursed by them"), cents(figures.usd_disbursed)),
        ("inactive", gettext("Inactive pledges"), figures.inactive if figures.inactive_counted else ""),
        ("overdue", gettext("Overdue pledges"), figures.overdue),
    ]
    return DataTable(
        gettext("Delivery and reporting"),
        ["figure", "label", "value"],
        [[Cell(k), Cell(label), Cell("", v)] for k, label, v in rows],
    )


def rates_table(rows: list[RateRow], figures: Accountability) -> DataTable:
    """The reporting rates (overall, by entity type, by focus area) for the ``reporting-rates`` CSV."""
    overall = figures.rate or Rate(0, 0)
    cells = [
        [
            Cell("all"),
            Cell(""),
            Cell(gettext("All pledges")),
            Cell("", overall.due),
            Cell("", overall.reported),
            Cell("", "" if overall.percent is None else overall.percent),
        ]
    ]
    for row in rows:
        percent = "" if row.rate.percent is None else row.rate.percent
        cells.append(
            [
                Cell(row.scope),
                Cell(row.code),
                Cell(row.label),
                Cell("", row.rate.due),
                Cell("", row.rate.reported),
                Cell("", percent),
            ]
        )
    return DataTable("", ["scope", "code", "name", "pledges_due", "pledges_reported", "reporting_rate_percent"], cells)


def delivery_context(result: FilterResult, figures: Accountability) -> dict[str, Any]:
    """What the dashboard's "Delivery and reporting" section shows, for the filters in force."""
    pairs = filter_pairs(result)
    rows = rate_rows(result, figures)
    by_type = _rate_chart(
        "rates-entity-types",
        gettext("Reporting rate by type of lead entity"),
        gettext(
            "The share of the pledges owing a report in the latest cycle that have an accepted one, by type of lead "
            "entity."
        ),
        [r for r in rows if r.scope == "entity_type"],
    )
    by_area = _rate_chart(
        "rates-focus-areas",
        gettext("Reporting rate by focus area"),
        gettext(
            "The share of the pledges owing a report in the latest cycle that have an accepted one, by focus area (a "
            "pledge with two focus areas counts in both)."
        ),
        [r for r in rows if r.scope == "focus_area"],
    )
    statuses = status_chart(result, figures)
    money = money_chart(figures)
    for chart, slug in (
        (by_type, "reporting-rates"),
        (by_area, "reporting-rates"),
        (statuses, "delivery-status"),
        (money, "delivery-figures"),
    ):
        chart.csv_url = dashboard_url(pairs, name="dashboard:csv", args=[slug])
    return {
        "figures": figures,
        "rate": figures.rate,
        "cycle": figures.cycle,
        "charts": [statuses, money, by_type, by_area],
        "inactive_href": facet_url(result, "freshness", INACTIVE) if figures.inactive else None,
        "overdue_href": facet_url(result, "freshness", OVERDUE) if figures.overdue else None,
        "disbursed_share": figures.disbursed_share,
        "figures_csv_url": dashboard_url(pairs, name="dashboard:csv", args=["delivery-figures"]),
        "reporting_text": ngettext(
            "%(count)s pledge has an accepted report",
            "%(count)s pledges have an accepted report",
            figures.reporting_pledges,
        )
        % {"count": format_number(figures.reporting_pledges)},
    }


def delivery_csv(slug: str, result: FilterResult, figures: Accountability) -> DataTable:
    """The table behind one of the section's CSV downloads."""
    if slug == "delivery-status":
        return status_chart(result, figures, svg=False).extra["csv"]
    if slug == "reporting-rates":
        return rates_table(rate_rows(result, figures), figures)
    return figures_table(figures)
