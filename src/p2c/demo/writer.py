"""Fast writes for demo data: one chunk of pledges and all their relations, as plain rows.

Each table gets one bulk statement per chunk (``COPY`` on PostgreSQL, ``executemany`` on SQLite) —
no model instances, no per-row SQL compilation —
which is what makes 100,000 pledges take well under a minute on SQLite. Pledge ids are reserved up
front (the sequence on PostgreSQL; on SQLite the chunk's write transaction makes the next ids ours),
so the relation rows can point at them without reading anything back. Values of date, datetime and
decimal columns go through the backend's adapters, as ``bulk_create`` would; every other column
takes the value as it is.

The full-text index is filled per chunk: on SQLite in one statement over the chunk's id range
(``search_index_bulk_insert``; three times cheaper than its per-row trigger), on PostgreSQL by
the GIN expression indexes themselves. ``Pledge.entity_names`` (the names
searched for the lead entity and partners) comes from the generator, since no ``save()`` runs here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

from p2c.demo.generator import PledgeSpec
from p2c.pledges.facets import pledge_facets_refresh
from p2c.pledges.models import Pledge, PledgePartner, PledgeTarget, ReferenceCounter
from p2c.pledges.references import reference_format
from p2c.pledges.search import search_index_bulk_insert

_TARGET_FIELDS = ("pledge", "indicator", "unit", "baseline", "target_value", "target_year", "order")
_M2M_FIELDS = ("focus_areas", "pillars", "pledge_types", "sdgs", "target_groups", "countries", "regions")


def pledges_write(chunk: list[PledgeSpec], entity_ids: list[int], counters: dict[int, int]) -> None:
    """Insert one chunk of pledges with every relation; call inside a transaction.

    ``entity_ids`` maps the generator's entity indexes to database ids; ``counters`` holds the last
    reference number per year and is advanced here, and the ``ReferenceCounter`` rows with it.
    """
    ids = ids_reserve(Pledge, len(chunk))
    db = connections[DEFAULT_DB_ALIAS]  # resolved once: the proxy costs a lookup per use
    columns = [(field, _preparer(field, db)) for field in Pledge._meta.concrete_fields]
    rows = []
    touched: set[int] = set()
    for pk, spec in zip(ids, chunk, strict=True):
        year = spec.created_at.year
        counters[year] = counters.get(year, 0) + 1
        touched.add(year)
        values: dict[str, Any] = {
            **spec.fields,
            "id": pk,
            "reference": reference_format(year, counters[year]),
            "lead_entity_id": entity_ids[spec.lead],
            "updated_at": _last_change(spec),
        }
        rows.append(tuple(_db_value(values, field, prep) for field, prep in columns))

    with connection.cursor() as cursor:
        with search_index_bulk_insert(cursor, ids[0], ids[-1]):
            rows_insert(cursor, Pledge, tuple(field.name for field, _prep in columns), rows)
        pairs = list(zip(ids, chunk, strict=True))
        for name in _M2M_FIELDS:
            through, own, other = _m2m(name)
            rows_insert(cursor, through, (own, other), [(pk, x) for pk, spec in pairs for x in getattr(spec, name)])
        rows_insert(
            cursor,
            PledgePartner,
            ("pledge", "entity", "role"),
            [(pk, entity_ids[index], role) for pk, spec in pairs for index, role in spec.partners],
        )
        targets = [(name, _preparer(PledgeTarget._meta.get_field(name), db)) for name in _TARGET_FIELDS[1:]]
        rows_insert(
            cursor,
            PledgeTarget,
            _TARGET_FIELDS,
            [
                (pk, *(_prepare(target[name], prep) for name, prep in targets))
                for pk, spec in pairs
                for target in spec.targets
            ],
        )
    pledge_facets_refresh(ids)  # the explorer's facet index (no save() or m2m signal runs here)
    _counters_raise(counters, touched)


def ids_reserve(model: type[models.Model], count: int) -> list[int]:
    """``count`` unused primary keys for ``model``; call inside the transaction that uses them.

    PostgreSQL hands them out from the table's sequence (safe with concurrent writers). SQLite holds
    the write lock for the whole transaction (IMMEDIATE), so the ids after the highest one ever used
    (including deleted rows, as AUTOINCREMENT would) cannot be taken by anyone else meanwhile.
    """
    table = model._meta.db_table
    column = str(model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
            )
            return [row[0] for row in cursor.fetchall()]
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")  # noqa: S608 - names from the model
        top = cursor.fetchone()[0] or 0
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            found = cursor.fetchone()
            top = max(top, found[0] if found else 0)
    return list(range(top + 1, top + 1 + count))


def rows_insert(cursor: Any, model: type[models.Model], field_names: tuple[str, ...], rows: list[Any]) -> None:
    """Insert plain rows (values in database form, in ``field_names`` order) in one go.

    PostgreSQL gets them through ``COPY … FROM STDIN`` (one round trip instead of one per row);
    SQLite, in process, through ``executemany`` of one prepared ``INSERT``.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(model, name)) for name in field_names)
    table = quote(model._meta.db_table)
    # Table and column names come from the models; values are parameters or COPY data.
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(field_names))
    cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)  # noqa: S608


def pledge_relation_models() -> list[type[models.Model]]:
    """The through tables of the pledge's many-to-many fields, its partners and its targets."""
    throughs = [_m2m(field.name)[0] for field in Pledge._meta.many_to_many if field.name != "partners"]
    return [*throughs, PledgePartner, PledgeTarget]


# --- Helpers ------------------------------------------------------------------------------------
Prep = Callable[[Any], Any] | None


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    return str(getattr(field, "column", name))


def _preparer(field: Any, db: BaseDatabaseWrapper) -> Prep:
    """The backend adapter Django applies to this field's values, for dates, datetimes and decimals.

    The generator already produces values of the right Python type (aware UTC datetimes, dates,
    Decimals), so only the last step of ``get_db_prep_save`` remains: the backend's adapter.
    """
    ops = db.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        digits, places = field.max_digits, field.decimal_places
        return lambda value: ops.adapt_decimalfield_value(value, digits, places)
    return None


def _db_value(values: dict[str, Any], field: Any, prep: Prep) -> Any:
    """The column value of ``field``: from the generator, else the field's default (new fields, say)."""
    if field.attname in values:
        value = values[field.attname]
    elif field.has_default() or field.null or field.blank:
        value = field.get_default()
    else:
        raise ValueError(f"The demo generator gives no value for Pledge.{field.attname}, which has no default.")
    return _prepare(value, prep)


def _prepare(value: Any, prep: Prep) -> Any:
    return prep(value) if prep is not None and value is not None else value


def _last_change(spec: PledgeSpec) -> dt.datetime:
    """``updated_at``: the pledge's last review step, so that the data stays the same for a seed."""
    moments = [spec.fields.get("published_at"), spec.fields.get("submitted_at"), spec.created_at]
    return max(m for m in moments if isinstance(m, dt.datetime))


@cache
def _m2m(name: str) -> tuple[type[models.Model], str, str]:
    """The through model of ``Pledge.<name>`` and the names of its two foreign keys."""
    field = Pledge._meta.get_field(name)
    through = getattr(field.remote_field, "through", None)
    if not isinstance(field, models.ManyToManyField) or through is None:
        raise TypeError(f"Pledge.{name} is not a many-to-many field.")
    return through, field.m2m_field_name(), field.m2m_reverse_field_name()


def _counters_raise(counters: dict[int, int], years: set[int]) -> None:
    """Make sure the reference counters are at least at the numbers just handed out."""
    existing = set(ReferenceCounter.objects.filter(year__in=years).values_list("year", flat=True))
    ReferenceCounter.objects.bulk_create(ReferenceCounter(year=y, last_number=0) for y in years - existing)
    for year in years:
        ReferenceCounter.objects.filter(year=year, last_number__lt=counters[year]).update(last_number=counters[year])
