"""Published pledges as columns of plain values, read a chunk of ids at a time, for the bulk downloads.

Why not model instances with ``prefetch_related``: a pledge has about fourteen related rows
(focus areas, pillars, types, SDGs, target groups, regions, countries, partners, targets), and
building a model instance for each costs more than writing the whole CSV line. At 100,000 pledges
that alone would exceed the ten seconds the download is allowed.

So a chunk is read in three queries, executed as the ORM writes them but without turning every
value into a Python object on the way (``_fetch``):

* the pledges with their lead entity, and each many-to-many relation as the related ids the
  database joins into one text per pledge (``group_concat``/``string_agg``: ``"3,1"``), read from
  the relation table's index alone;
* the partners with their names, sorted; the targets, sorted.

The related ids become names through the few reference rows read once per download (events,
entity types, focus areas, pillars, pledge types, target groups, regions, countries), sorted
as the database sorts them, and each distinct set of ids is decoded once per chunk: a chunk of
1,000 pledges has a few dozen distinct sets of focus areas, not 1,000.

The result is column by column (``{column name: [value of each pledge]}``), which is how the CSV
writes its fields (``p2c.opendata.exports``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.db import connection
from django.db.models import Field, Model, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from p2c.content.models import Event
from p2c.entities.models import EntityType
from p2c.geo.models import Country, Region
from p2c.opendata.columns import ROLE_NAMES
from p2c.pledges.models import FocusArea, Pillar, Pledge, PledgePartner, PledgeTarget, PledgeType, TargetGroup
from p2c.pledges.selectors import published_pledges

Chunk = dict[str, list[Any]]
"""One chunk of pledges, column by column: ``{column name: [its value for each pledge]}``.

Text is ``str`` (``""`` when empty); dates, instants and amounts are text as every format writes
them (``"2026-03-16"``, ``"2026-03-16T09:30:15Z"``, ``"2500000.5"``, ``""`` when empty);
``seeking_partners`` is a ``bool``; list columns are tuples (of names, or of numbers for ``sdgs``).
"""


def _ranked(rows: Iterable[tuple[Any, ...]]) -> dict[str, tuple[int, Any]]:
    """``{str(id): (position, value)}`` for rows ``(id, value)`` already in the database's order."""
    return {str(pk): (position, value) for position, (pk, value) in enumerate(rows)}


@dataclass
class ReferenceData:
    """The few rows every download needs whole, read once per download (a handful of small queries).

    The taxonomies, regions and countries are keyed by their id as text (as the database joins
    a pledge's ids) and hold their position in the order the export lists them — the database's
    ``ORDER BY``, so that its collation decides as it would in a join.
    """

    events: dict[int, tuple[str, str]]
    entity_types: dict[int, str]
    focus_areas: dict[str, tuple[int, str]]
    pillars: dict[str, tuple[int, str]]
    pledge_types: dict[str, tuple[int, str]]
    target_groups: dict[str, tuple[int, str]]
    regions: dict[str, tuple[int, tuple[str, str]]]  # (name, m49:<code> or itu:<code>)
    countries: dict[str, tuple[int, tuple[str, str]]]  # (ISO alpha-2 code, name)

    @classmethod
    def load(cls) -> ReferenceData:
        """Read the events, entity types, taxonomies, regions and countries (eight small queries)."""
        by_order = ("order", "name", "pk")
        itu = Region.Kind.ITU_REGION
        return cls(
            events={pk: (name, slug) for pk, name, slug in Event.objects.values_list("pk", "name", "slug")},
            entity_types=dict(EntityType.objects.values_list("pk", "name")),
            focus_areas=_ranked(FocusArea.objects.order_by(*by_order).values_list("pk", "name")),
            pillars=_ranked(Pillar.objects.order_by("focus_area__order", *by_order).values_list("pk", "name")),
            pledge_types=_ranked(PledgeType.objects.order_by(*by_order).values_list("pk", "name")),
            target_groups=_ranked(TargetGroup.objects.order_by(*by_order).values_list("pk", "name")),
            regions=_ranked(
                (pk, (name, f"{'itu' if kind == itu else 'm49'}:{code}"))
                for pk, kind, code, name in Region.objects.order_by("kind", "name", "pk").values_list(
                    "pk", "kind", "code", "name"
                )
            ),
            countries=_ranked(
                (iso2, (iso2, name))
                for iso2, name in Country.objects.order_by("name", "iso2").values_list("iso2", "name")
            ),
        )


def plain_decimal(text: str | None) -> str:
    """A decimal as the database wrote it (``"2500000.50"``, ``"2500000.5"``, ``"1e+15"``) → ``"2500000.5"``."""
    if not text:
        return ""
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def plain_number(value: Decimal | None) -> str:
    """``Decimal("1200.50")`` → ``"1200.5"``, ``Decimal("1200.00")`` → ``"1200"``: no exponent, no separators."""
    if value is None:
        return ""
    text = format(value, "f")
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
    """The ids for a filter ``id__in=``, passed to the database as parameters.

    SQLite: ``IN (VALUES (%s), (%s), …)``. With a plain list the ORM prepares every id on its own,
    which costs more than the query; and SQLite, given ``id IN (%s, %s, …) AND state = …``, scans
    the state index instead of looking the ids up.

    PostgreSQL: ``IN (SELECT unnest(%s::integer[]))``, one array parameter. Given a ``VALUES``
    list, its planner expects more rows than it gets and hashes the whole related table (every
    target, every entity) for each chunk; ``unnest`` of an array tells it the number of ids, and
    it looks each up by index (targets 53 → 3 ms, partners 40 → 10 ms a chunk of 1,000).
    """
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::integer[])", [[int(i) for i in ids]])  # noqa: S611 - a parameter
    return RawSQL(f"VALUES {', '.join(['(%s)'] * len(ids))}", [int(i) for i in ids])  # noqa: S611 - placeholders


class _Statement:
    """A ``values_list`` query over a list of ids, written once by the ORM and run again for other ids.

    The ORM takes milliseconds to write a query with a thousand parameters — as long as SQLite
    takes to answer it — so the SQL is written once per download and number of ids, with ids no
    row has (-1, -2, …) where the ids go; each chunk puts its own ids in their places. The rows
    come as the database driver gives them, without the ORM's per-value converters: the callers
    read text, numbers and booleans as both databases give them (SQLite's booleans are 0 and 1,
    its decimals floats).
    """

    def __init__(self, build: Callable[[list[int]], QuerySet[Any]], size: int) -> None:
        placeholders = list(range(-1, -size - 1, -1))
        self.sql, params = build(placeholders).query.sql_with_params()
        self.params = list(params)
        # PostgreSQL: the ids are one array parameter (``_listed``), in every place it appears.
        self.arrays = [i for i, value in enumerate(self.params) if value == placeholders]
        self.slots = [i for i, value in enumerate(self.params) if isinstance(value, int) and value < 0]
        if self.arrays and self.slots:
            raise ValueError("the ids are given both as an array and one by one")
        if not self.arrays and [self.params[i] for i in self.slots] != placeholders:
            raise ValueError("the ids are not the query's only negative parameters")

    def rows(self, ids: list[int]) -> list[tuple[Any, ...]]:
        params = self.params
        if self.arrays:
            for slot in self.arrays:
                params[slot] = [int(pk) for pk in ids]
        else:
            for slot, pk in zip(self.slots, ids, strict=True):
                params[slot] = int(pk)
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            return cursor.fetchall()


def _ids_of(name: str) -> RawSQL:
    """The ids of a pledge's ``name`` relation joined into one text (``"3,1"``, or NULL), read from its index.

    A correlated subquery on the relation table alone (its ``(pledge_id, other_id)`` index covers
    it); the ids come in any order: ``_Lists`` sorts them. Table and column names come from the
    models.
    """
    m2m = Pledge._meta.get_field(name)
    through = m2m.remote_field.through._meta.db_table  # type: ignore[union-attr]
    own, other = m2m.m2m_column_name(), m2m.m2m_reverse_name()  # type: ignore[union-attr]
    q = connection.ops.quote_name
    ids = f"t.{q(other)}"
    joined = f"STRING_AGG(CAST({ids} AS text), ',')" if connection.vendor == "postgresql" else f"GROUP_CONCAT({ids})"
    sql = f"SELECT {joined} FROM {q(through)} t WHERE t.{q(own)} = {q(Pledge._meta.db_table)}.{q('id')}"  # noqa: S608
    return RawSQL(sql, [])  # noqa: S611 - table and column names from the models, no values


class _Lists(dict[str | None, Any]):
    """The database's joined ids (``"3,1"``) → their values in ``table``'s order; each distinct text decoded once.

    With ``pairs``, the values are pairs and each decodes to a pair of tuples (names, codes).
    An id not in ``table`` (a term added since the download started) is left out.
    """

    def __init__(self, table: dict[str, tuple[int, Any]], *, pairs: bool = False) -> None:
        super().__init__()
        self.table = table
        self.pairs = pairs

    def __missing__(self, key: str | None) -> Any:
        table = self.table
        try:
            found = sorted(map(table.__getitem__, key.split(","))) if key else []
        except KeyError:
            found = sorted(table[pk] for pk in key.split(",") if pk in table)  # type: ignore[union-attr]
        value: Any = tuple(map(itemgetter(1), found))
        if self.pairs:
            value = tuple(zip(*value, strict=True)) if value else ((), ())
        self[key] = value
        return value


class _Numbers(dict[str | None, tuple[int, ...]]):
    """The database's joined numbers (``"9,4"``) → the numbers, sorted (``(4, 9)``); each distinct text once."""

    def __missing__(self, key: str | None) -> tuple[int, ...]:
        value = self[key] = tuple(sorted(int(number) for number in key.split(","))) if key else ()
        return value


# A pledge's own columns, as read for every record (dates, instants and decimals as the database's text).
_AS_TEXT = ("pledged_on", "start_date", "end_date", "amount", "usd_estimate", "usd_rate", "usd_rate_date",
            "published_at", "updated_at")  # fmt: skip
_PLEDGE_FIELDS = (
    "id",
    "reference",
    "external_reference",
    "title",
    "summary",
    "description",
    "lead_entity__name",
    "lead_entity__slug",
    "lead_entity__acronym",
    "lead_entity__entity_type_id",
    "lead_entity__home_country_id",
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
_RELATIONS = ("focus_areas", "pillars", "pledge_types", "sdgs", "target_groups", "regions", "countries")


_MEMO = 10_000  # distinct target values whose text is kept: memory does not grow with the pledges


def _number_text(model: type[Model], name: str) -> Callable[[Any], str]:
    """A decimal field's value as the database driver gives it → plain text, through Django's own converters.

    (SQLite stores decimals as floats of 15 significant digits; Django rounds them back to the
    field's places.) The texts of the last distinct values (at most ``_MEMO``) are kept.
    """
    field = model._meta.get_field(name)
    if not isinstance(field, Field):
        raise TypeError(f"{model.__name__}.{name} is not a column")
    column = field.get_col(model._meta.db_table)
    converters = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
    memo: dict[Any, str] = {}

    def text(value: Any) -> str:
        if value is None:
            return ""
        found = memo.get(value)
        if found is None:
            if len(memo) >= _MEMO:
                memo.clear()
            converted = value
            for converter in converters:
                converted = converter(converted, column, connection)
            found = memo[value] = plain_number(converted)
        return found

    return text


class PledgeReader:
    """Reads published pledges column by column, a chunk of ids at a time, for one download.

    ``url_of(reference)`` gives the absolute address of a pledge's public page. The reference
    rows are read once (``ReferenceData``), each query's SQL once per number of ids.
    """

    def __init__(self, *, url_of: Callable[[str], str]) -> None:
        self.url_of = url_of
        self.reference = ReferenceData.load()
        self.baseline_text = _number_text(PledgeTarget, "baseline")
        self.target_text = _number_text(PledgeTarget, "target_value")
        self._statements: dict[tuple[str, int], _Statement] = {}

    def _rows(self, name: str, build: Callable[[list[int]], QuerySet[Any]], ids: list[int]) -> list[tuple[Any, ...]]:
        statement = self._statements.get((name, len(ids)))
        if statement is None:
            statement = self._statements[name, len(ids)] = _Statement(build, len(ids))
        return statement.rows(ids)

    def read(self, ids: list[int]) -> Chunk:
        """The published pledges among ``ids``, in the order of ``ids``, column by column (three queries).

        Pledges that are not (or no longer) published are left out: only ``published_pledges()``
        is read.
        """
        if not ids:
            return {}
        rows = self._rows("pledges", _pledges, ids)
        found = {row[0]: row for row in rows}
        ids = [pk for pk in ids if pk in found]
        if not ids:
            return {}
        (_id, references, external, titles, summaries, descriptions, leads, slugs, acronyms, types, homes, scopes,
         pledged_on, starts, ends, amounts, currencies, usd, rates, rate_dates, sources, additionality, seeking,
         events, statuses, published, updated, focus_areas, pillars, pledge_types, sdgs, target_groups, regions,
         countries) = zip(*map(found.__getitem__, ids), strict=True)  # fmt: skip

        partners: dict[int, tuple[str, ...]] = {}
        roles = ROLE_NAMES.get
        for pledge_id, group in groupby(self._rows("partners", _partners, ids), itemgetter(0)):
            partners[pledge_id] = tuple(f"{name} ({roles(role, role)})" for _pk, name, role in group)
        targets: dict[int, tuple[str, ...]] = {}
        baseline_text, target_text = self.baseline_text, self.target_text
        for pledge_id, group in groupby(self._rows("targets", _targets, ids), itemgetter(0)):
            targets[pledge_id] = tuple(
                f"{indicator}: {'' if baseline is None else f'from {baseline_text(baseline)} to '}"
                f"{target_text(value)} {unit} by {year}"
                for _pk, indicator, unit, baseline, value, year in group
            )

        reference = self.reference
        region_pairs = list(map(_Lists(reference.regions, pairs=True).__getitem__, regions))
        country_pairs = list(map(_Lists(reference.countries, pairs=True).__getitem__, countries))
        event_of = reference.events.get
        type_of = reference.entity_types.get
        none = ("", "")
        chosen_events = [event_of(pk, none) if pk else none for pk in events]
        first, second = itemgetter(0), itemgetter(1)
        empty: tuple[str, ...] = ()
        return {
            "reference": list(references),
            "url": list(map(self.url_of, references)),
            "external_reference": list(external),
            "title": list(titles),
            "summary": list(summaries),
            "description": list(descriptions),
            "lead_entity": list(leads),
            "lead_entity_slug": list(slugs),
            "lead_entity_acronym": list(acronyms),
            "lead_entity_type": [type_of(pk, "") for pk in types],
            "lead_entity_country": [home or "" for home in homes],
            "partners": [partners.get(pk, empty) for pk in ids],
            "focus_areas": list(map(_Lists(reference.focus_areas).__getitem__, focus_areas)),
            "pillars": list(map(_Lists(reference.pillars).__getitem__, pillars)),
            "pledge_types": list(map(_Lists(reference.pledge_types).__getitem__, pledge_types)),
            "sdgs": list(map(_Numbers().__getitem__, sdgs)),
            "target_groups": list(map(_Lists(reference.target_groups).__getitem__, target_groups)),
            "scope": list(scopes),
            "regions": list(map(first, region_pairs)),
            "region_codes": list(map(second, region_pairs)),
            "countries": list(map(first, country_pairs)),
            "country_names": list(map(second, country_pairs)),
            "amount": list(map(plain_decimal, amounts)),
            "currency": list(currencies),
            "usd_estimate": list(map(plain_decimal, usd)),
            "usd_rate": list(map(plain_decimal, rates)),
            "usd_rate_date": [value or "" for value in rate_dates],
            "usd_source": list(sources),
            "pledged_on": [value or "" for value in pledged_on],
            "start_date": [value or "" for value in starts],
            "end_date": [value or "" for value in ends],
            "additionality": list(additionality),
            "seeking_partners": [bool(value) for value in seeking],
            "event": list(map(first, chosen_events)),
            "event_slug": list(map(second, chosen_events)),
            "targets": [targets.get(pk, empty) for pk in ids],
            "delivery_status": list(statuses),
            "published_at": [f"{t[:10]}T{t[11:19]}Z" if t else "" for t in published],  # as utc_instant
            "updated_at": [f"{t[:10]}T{t[11:19]}Z" if t else "" for t in updated],
        }


def _pledges(ids: list[int]) -> QuerySet[Any]:
    """The pledges among ``ids`` that are published: their columns, lead entity and related ids (``_ids_of``)."""
    texts = {f"{name}_text": Cast(name, output_field=TextField()) for name in _AS_TEXT}
    fields = [f"{name}_text" if name in _AS_TEXT else name for name in _PLEDGE_FIELDS]
    relations = {f"{name}_ids": _ids_of(name) for name in _RELATIONS}
    chosen = published_pledges().filter(id__in=_listed(ids)).order_by()
    return chosen.annotate(**texts, **relations).values_list(*fields, *relations)


def _partners(ids: list[int]) -> QuerySet[Any]:
    """The partners of the pledges ``ids`` with their names, by pledge and role."""
    return (
        PledgePartner.objects.filter(pledge_id__in=_listed(ids))
        .order_by("pledge_id", "role", "id")
        .values_list("pledge_id", "entity__name", "role")
    )


def _targets(ids: list[int]) -> QuerySet[Any]:
    """The targets of the pledges ``ids``, in their order."""
    return (
        PledgeTarget.objects.filter(pledge_id__in=_listed(ids))
        .order_by("pledge_id", "order", "id")
        .values_list("pledge_id", "indicator", "unit", "baseline", "target_value", "target_year")
    )
