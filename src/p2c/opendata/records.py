"""Published pledges as plain values, read a chunk of ids at a time, for the bulk downloads.

Why not model instances with ``prefetch_related``: a pledge has about fourteen related rows
(focus areas, pillars, types, SDGs, target groups, regions, countries, partners, targets), and
building a model instance for each costs more than writing the whole CSV line. At 100,000 pledges
that alone would exceed the ten seconds the download is allowed. So a chunk is read as plain
values: the pledges' own columns in one query, then each relation in one query that joins the
related table and returns its names already sorted (``ORDER BY`` the related table's own order),
all ``WHERE pledge_id IN (<the chunk's ids>)``. Ten queries per chunk of 1,000 pledges, whatever
the data; events and entity types (a few rows) are read once per download.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.db import connection
from django.db.models import TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from p2c.content.models import Event
from p2c.entities.models import Entity, EntityType
from p2c.geo.models import Region
from p2c.pledges.models import FocusArea, Pillar, Pledge, PledgePartner, PledgeTarget
from p2c.pledges.selectors import published_pledges


@dataclass(frozen=True, slots=True)
class RegionValue:
    """A region a pledge names: its kind (``m49_region``, …, ``itu_region``), code and name."""

    kind: str
    code: str
    name: str

    @property
    def prefixed_code(self) -> str:
        """``m49:002`` for a UN M49 region, sub-region or intermediate region; ``itu:africa`` for an ITU region."""
        return f"{'itu' if self.kind == Region.Kind.ITU_REGION else 'm49'}:{self.code}"


@dataclass(frozen=True, slots=True)
class EntityValue:
    """An entity as the exports show it."""

    name: str
    slug: str
    acronym: str
    type_name: str
    home_country: str  # ISO alpha-2, or ""


@dataclass(frozen=True, slots=True)
class PartnerValue:
    """A partner of a pledge and its role (``PledgePartner.Role``)."""

    entity: EntityValue
    role: str


@dataclass(frozen=True, slots=True)
class TargetValue:
    """A structured target."""

    indicator: str
    unit: str
    baseline: Decimal | None
    target_value: Decimal
    target_year: int


@dataclass(slots=True)
class PledgeRecord:
    """One published pledge with its relations, as plain values (what every export column reads).

    Taxonomy terms are their English names, in the taxonomy's order; regions are sorted by kind
    and name, countries (ISO alpha-2 code, name) by name, partners by role. Dates, instants and
    amounts are text as every format writes them (the database gives them as text, so nothing
    parses a date only to format it again); ``as_date``, ``as_instant`` and ``as_decimal`` turn
    them back into values for the XLSX cells.
    """

    id: int
    reference: str
    external_reference: str
    url: str
    title: str
    summary: str
    description: str
    lead: EntityValue
    scope: str
    pledged_on: str  # dates as YYYY-MM-DD, "" when empty
    start_date: str
    end_date: str
    amount: str  # exact decimals as plain text ("2500000.5"), "" when empty
    currency: str
    usd_estimate: str
    usd_rate: str
    usd_rate_date: str
    usd_source: str
    additionality: str
    seeking_partners: bool
    event: tuple[str, str] | None  # (name, slug)
    delivery_status: str
    published_at: str  # instants in UTC as YYYY-MM-DDTHH:MM:SSZ, "" when empty
    updated_at: str
    focus_areas: list[str] = field(default_factory=list)
    pillars: list[str] = field(default_factory=list)
    pledge_types: list[str] = field(default_factory=list)
    sdgs: list[int] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    regions: list[RegionValue] = field(default_factory=list)
    countries: list[tuple[str, str]] = field(default_factory=list)
    partners: list[PartnerValue] = field(default_factory=list)
    targets: list[TargetValue] = field(default_factory=list)


@dataclass
class ReferenceData:
    """The few rows every download needs whole: events and entity types (read once per download)."""

    events: dict[int, tuple[str, str]]
    entity_types: dict[int, str]

    @classmethod
    def load(cls) -> ReferenceData:
        """Read the events and entity types (two small queries)."""
        return cls(
            events={pk: (name, slug) for pk, name, slug in Event.objects.values_list("pk", "name", "slug")},
            entity_types=dict(EntityType.objects.values_list("pk", "name")),
        )


# The pledge columns read for every record, in the order PledgeRecord takes them; dates, instants
# and decimals as text (see ``_text_of``).
_PLEDGE_FIELDS = (
    "id",
    "reference",
    "external_reference",
    "title",
    "summary",
    "description",
    "lead_entity_id",
    "scope",
    "pledged_on",
    "start_date",
    "end_date",
    "amount",
    "currency",
    "usd_estimate",
    "usd_rate",
    "usd_rate_date",
    "usd_source",
    "additionality",
    "seeking_partners",
    "event_id",
    "delivery_status",
    "published_at",
    "updated_at",
)
_AS_TEXT = ("pledged_on", "start_date", "end_date", "amount", "usd_estimate", "usd_rate", "usd_rate_date",
            "published_at", "updated_at")  # fmt: skip


def _text_of(name: str) -> Cast | str:
    """A column read as the database's text for it: ``CAST(… AS text)`` for dates, instants and decimals."""
    return Cast(name, output_field=TextField()) if name in _AS_TEXT else name


def plain_decimal(text: str | None) -> str:
    """A decimal as the database wrote it (``"2500000.50"``, ``"2500000.5"``, ``"1e+15"``) → ``"2500000.5"``."""
    if not text:
        return ""
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def utc_instant(text: str | None) -> str:
    """An instant as the database wrote it in UTC (``2026-03-20 09:30:15.123456[+00]``) → ``2026-03-20T09:30:15Z``.

    Both databases give instants in UTC: Django stores them so on SQLite and sets the PostgreSQL
    session's time zone to UTC (``TIME_ZONE = "UTC"``).
    """
    if not text:
        return ""
    return f"{text[:10]}T{text[11:19]}Z"


def as_date(text: str) -> dt.date | None:
    """``"2026-03-16"`` → a date (for XLSX cells)."""
    return dt.date.fromisoformat(text) if text else None


def as_instant(text: str) -> dt.datetime | None:
    """``"2026-03-16T09:30:15Z"`` → a naive UTC datetime (for XLSX cells: Excel has no time zones)."""
    return dt.datetime.fromisoformat(text[:19]) if text else None  # noqa: DTZ007 - UTC by construction


def as_decimal(text: str) -> Decimal | None:
    """``"2500000.5"`` → ``Decimal("2500000.5")`` (for XLSX number cells)."""
    return Decimal(text) if text else None


def _listed(ids: Sequence[int]) -> RawSQL:
    """``IN (VALUES (%s), (%s), …)`` for a filter ``id__in=``: the ids go to the database as parameters.

    With a plain list the ORM prepares every id on its own, which costs more than the query.
    """
    return RawSQL(f"VALUES {', '.join(['(%s)'] * len(ids))}", [int(i) for i in ids])  # noqa: S611 - placeholders


def _related(name: str, ids: list[int], columns: Sequence[str], order: Sequence[str], *, join: str = "") -> Any:
    """``{pledge id: [(columns of each related row), …]}`` for the many-to-many ``Pledge.<name>``, sorted by ``order``.

    Written out rather than through the ORM: one query joining the relation table to the related
    table, sorted there, with the ids as parameters. Table and column names come from the models;
    ``join`` (another table to sort by) and ``order`` may name the alias ``p`` of that table.
    """
    m2m = Pledge._meta.get_field(name)
    through = m2m.remote_field.through._meta.db_table  # type: ignore[union-attr]
    own, other = m2m.m2m_column_name(), m2m.m2m_reverse_name()  # type: ignore[union-attr]
    related = m2m.related_model._meta  # type: ignore[union-attr]
    q = connection.ops.quote_name
    selected = ", ".join(f"r.{q(c)}" for c in columns)
    sql = (
        f"SELECT t.{q(own)}, {selected} FROM {q(through)} t "  # noqa: S608 - names from the models, ids as parameters
        f"JOIN {q(related.db_table)} r ON r.{q(str(related.pk.column))} = t.{q(other)} {join} "
        f"WHERE t.{q(own)} IN ({', '.join(['%s'] * len(ids))}) "
        f"ORDER BY t.{q(own)}, {', '.join(order)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        rows = cursor.fetchall()
    # Sorted by pledge: one group per pledge, read in C rather than row by row.
    if len(columns) == 1:
        return {pledge_id: [row[1] for row in group] for pledge_id, group in groupby(rows, itemgetter(0))}
    return {pledge_id: [row[1:] for row in group] for pledge_id, group in groupby(rows, itemgetter(0))}


def _relations(ids: list[int]) -> dict[str, Any]:
    """Every many-to-many relation of the pledges ``ids``, as names or tuples, each sorted (seven queries)."""
    q = connection.ops.quote_name
    by_order = (f"r.{q('order')}", f"r.{q('name')}")
    focus_areas_table, focus_area_column = FocusArea._meta.db_table, Pillar._meta.get_field("focus_area").get_attname()
    return {
        "focus_areas": _related("focus_areas", ids, ["name"], by_order),
        "pillars": _related(
            "pillars",
            ids,
            ["name"],
            (f"p.{q('order')}", *by_order),
            join=f"JOIN {q(focus_areas_table)} p ON p.{q('id')} = r.{q(focus_area_column)}",
        ),
        "pledge_types": _related("pledge_types", ids, ["name"], by_order),
        "sdgs": _related("sdgs", ids, ["number"], (f"r.{q('number')}",)),
        "target_groups": _related("target_groups", ids, ["name"], by_order),
        "regions": _related("regions", ids, ["kind", "code", "name"], (f"r.{q('kind')}", f"r.{q('name')}")),
        "countries": _related("countries", ids, ["iso2", "name"], (f"r.{q('name')}",)),
    }


def pledge_records(ids: list[int], reference: ReferenceData, *, url_of: Callable[[str], str]) -> list[PledgeRecord]:
    """The published pledges among ``ids``, in the order of ``ids``, with every relation (ten queries).

    ``url_of(reference)`` gives the absolute address of a pledge's public page. Pledges that are
    not (or no longer) published are left out: only ``published_pledges()`` is read.
    """
    if not ids:
        return []
    fields = {f"{name}_text" if name in _AS_TEXT else name: _text_of(name) for name in _PLEDGE_FIELDS}
    chosen = published_pledges().filter(id__in=_listed(ids)).order_by()
    rows = {row[0]: row for row in chosen.annotate(**{k: v for k, v in fields.items() if k.endswith("_text")})
            .values_list(*fields)}  # fmt: skip
    ids = [pk for pk in ids if pk in rows]
    if not ids:
        return []
    relations = _relations(ids)
    partners: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pledge_id, entity_id, role in (
        PledgePartner.objects.filter(pledge_id__in=_listed(ids))
        .order_by("role", "id")
        .values_list("pledge_id", "entity_id", "role")
    ):
        partners[pledge_id].append((entity_id, role))
    targets: dict[int, list[TargetValue]] = defaultdict(list)
    for pledge_id, indicator, unit, baseline, target_value, target_year in (
        PledgeTarget.objects.filter(pledge_id__in=_listed(ids))
        .order_by("order", "id")
        .values_list("pledge_id", "indicator", "unit", "baseline", "target_value", "target_year")
    ):
        targets[pledge_id].append(TargetValue(indicator, unit, baseline, target_value, target_year))
    entity_ids = sorted({rows[pk][6] for pk in ids} | {e for found in partners.values() for e, _role in found})
    entities = {
        pk: EntityValue(name, slug, acronym, reference.entity_types.get(type_id, ""), home or "")
        for pk, name, slug, acronym, type_id, home in Entity.objects.filter(id__in=_listed(entity_ids)).values_list(
            "id", "name", "slug", "acronym", "entity_type_id", "home_country_id"
        )
    }
    focus_areas, pillars, pledge_types = relations["focus_areas"], relations["pillars"], relations["pledge_types"]
    sdgs, target_groups = relations["sdgs"], relations["target_groups"]
    regions, countries = relations["regions"], relations["countries"]
    events = reference.events
    empty: list[Any] = []
    records = []
    for pk in ids:
        row = rows[pk]
        records.append(
            PledgeRecord(
                pk,
                row[1],
                row[2],
                url_of(row[1]),
                row[3],
                row[4],
                row[5],
                entities[row[6]],
                row[7],
                row[8] or "",
                row[9] or "",
                row[10] or "",
                plain_decimal(row[11]),
                row[12],
                plain_decimal(row[13]),
                plain_decimal(row[14]),
                row[15] or "",
                row[16],
                row[17],
                bool(row[18]),
                events.get(row[19]) if row[19] else None,
                row[20],
                utc_instant(row[21]),
                utc_instant(row[22]),
                focus_areas.get(pk, empty),
                pillars.get(pk, empty),
                pledge_types.get(pk, empty),
                sdgs.get(pk, empty),
                target_groups.get(pk, empty),
                [RegionValue(*region) for region in regions[pk]] if pk in regions else empty,
                countries.get(pk, empty),
                [PartnerValue(entities[e], role) for e, role in partners[pk] if e in entities]
                if pk in partners
                else empty,
                targets.get(pk, empty),
            )
        )
    return records
