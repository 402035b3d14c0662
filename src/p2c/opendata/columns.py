"""THE list of export columns: one definition used by the CSV, XLSX and JSON Lines downloads.

Each column has a name (the CSV/XLSX header and the JSON key), a description (docs/opendata.md
describes every column; ``tests/opendata/test_docs.py`` fails when one is missing) and a kind that
says how each format writes it. ``p2c.opendata.records`` reads each chunk of pledges as one list of
values per column name (``tests/opendata/test_downloads.py`` checks that it gives exactly these).

Values are always in English and language-independent: taxonomy terms by their English names,
choices by their codes, countries by ISO 3166 alpha-2 codes (names in a column of their own),
money as the amount and ISO 4217 currency as pledged plus the USD estimate with its rate,
dates in ISO 8601 (``2026-03-16``; instants in UTC, ``2026-03-16T09:30:00Z``).

A list column holds several values; CSV and XLSX join them with ``LIST_SEPARATOR`` (" | "),
JSON Lines gives an array.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

LIST_SEPARATOR = " | "
# The English names of partner roles, as the exports write them (the import reads codes too).
ROLE_NAMES = {"co_pledger": "Co-pledger", "implementer": "Implementing partner", "funder": "Funder"}


class Kind(StrEnum):
    """How a column's value is written in each format."""

    TEXT = "text"  # CSV/XLSX: text (neutralised against formulas); JSON: string, or null when empty
    NUMBER = "number"  # CSV: plain decimal; XLSX: a number cell; JSON: a string holding the exact decimal
    DATE = "date"  # CSV/JSON: YYYY-MM-DD; XLSX: a date cell
    DATETIME = "datetime"  # CSV/JSON: YYYY-MM-DDTHH:MM:SSZ (UTC); XLSX: a date-and-time cell (UTC)
    BOOLEAN = "boolean"  # CSV/XLSX: yes or no; JSON: true or false
    LIST = "list"  # CSV/XLSX: the items joined with " | " (neutralised); JSON: an array


@dataclass(frozen=True)
class Column:
    """One export column: its name, what it holds and how it is written."""

    name: str
    description: Promise
    kind: Kind


COLUMNS: list[Column] = [
    Column("reference", _("The pledge's public reference, e.g. P2C-2026-0042."), Kind.TEXT),
    Column("url", _("The address of the pledge's public page."), Kind.TEXT),
    Column(
        "external_reference",
        _("The pledge's identifier in the registry it was imported from (empty for pledges made on the platform)."),
        Kind.TEXT,
    ),
    Column("title", _("The pledge's title."), Kind.TEXT),
    Column("summary", _("A short summary."), Kind.TEXT),
    Column("description", _("The full description, in Markdown."), Kind.TEXT),
    Column("lead_entity", _("The name of the entity that made the pledge."), Kind.TEXT),
    Column(
        "lead_entity_slug",
        _("The lead entity's identifier in addresses (/entities/<slug>/ and the explorer's entity filter)."),
        Kind.TEXT,
    ),
    Column("lead_entity_acronym", _("The lead entity's acronym, if any."), Kind.TEXT),
    Column(
        "lead_entity_type",
        _("The kind of organisation the lead entity is (government, private sector, …)."),
        Kind.TEXT,
    ),
    Column(
        "lead_entity_country",
        _("The lead entity's home country, as an ISO 3166 alpha-2 code."),
        Kind.TEXT,
    ),
    Column(
        "partners",
        _("Other entities taking part, each as “Name (Role)”; the role is Co-pledger, Implementing partner or Funder."),
        Kind.LIST,
    ),
    Column(
        "focus_areas",
        _("The Partner2Connect focus areas, by name."),
        Kind.LIST,
    ),
    Column("pillars", _("The pillars within the focus areas, by name."), Kind.LIST),
    Column(
        "pledge_types",
        _("Financial, programmatic, policy and/or advocacy."),
        Kind.LIST,
    ),
    Column("sdgs", _("The Sustainable Development Goals, by number (1–17)."), Kind.LIST),
    Column(
        "target_groups",
        _("The groups of people the pledge is meant to benefit, by name."),
        Kind.LIST,
    ),
    Column(
        "scope",
        _("global, regions or countries: whether the pledge names regions, countries, or neither."),
        Kind.TEXT,
    ),
    Column("regions", _("The regions the pledge names, by name."), Kind.LIST),
    Column(
        "region_codes",
        _("The same regions by code: m49:<UN M49 code> (m49:002 is Africa) or itu:<ITU region> (itu:africa)."),
        Kind.LIST,
    ),
    Column(
        "countries",
        _("The beneficiary countries the pledge names, as ISO 3166 alpha-2 codes (sorted by name)."),
        Kind.LIST,
    ),
    Column(
        "country_names",
        _("The same countries by name, in the same order."),
        Kind.LIST,
    ),
    Column("amount", _("The amount pledged, in the pledge's currency."), Kind.NUMBER),
    Column("currency", _("The ISO 4217 code of the amount's currency."), Kind.TEXT),
    Column(
        "usd_estimate",
        _("The estimated value in US dollars (see usd_source); empty when the pledge states no amount."),
        Kind.NUMBER,
    ),
    Column(
        "usd_rate",
        _("US dollars per unit of the currency used for the estimate."),
        Kind.NUMBER,
    ),
    Column(
        "usd_rate_date",
        _("The date of the ECB reference rate used (empty for USD and pledger estimates)."),
        Kind.DATE,
    ),
    Column(
        "usd_source",
        _(
            "usd (pledged in US dollars), ecb (converted at the ECB reference rate) "
            "or pledger (the pledger's own estimate)."
        ),
        Kind.TEXT,
    ),
    Column("pledged_on", _("The date of the pledge."), Kind.DATE),
    Column("start_date", _("When the work starts."), Kind.DATE),
    Column("end_date", _("When the work is to be completed."), Kind.DATE),
    Column(
        "additionality",
        _("new (a new commitment), expanded (expansion of an existing programme) or existing (an existing programme)."),
        Kind.TEXT,
    ),
    Column(
        "seeking_partners",
        _("Whether the pledge is looking for partners."),
        Kind.BOOLEAN,
    ),
    Column(
        "event",
        _("The event or campaign at which it was announced."),
        Kind.TEXT,
    ),
    Column("event_slug", _("The same event's identifier."), Kind.TEXT),
    Column(
        "targets",
        _(
            "Measurable targets, each as “indicator: from baseline to target unit by year” "
            "(“from … to” only with a baseline)."
        ),
        Kind.LIST,
    ),
    Column(
        "delivery_status",
        _("not_started, on_track, delayed, completed or discontinued (empty until reported)."),
        Kind.TEXT,
    ),
    Column(
        "published_at",
        _("When the secretariat published the pledge (UTC)."),
        Kind.DATETIME,
    ),
    Column("updated_at", _("When the pledge last changed (UTC)."), Kind.DATETIME),
]
COLUMN_NAMES = [column.name for column in COLUMNS]
