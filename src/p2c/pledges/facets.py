"""The facet index: each published pledge's filter values as tokens, in a full-text index.

The explorer's filters used to intersect relation tables on every request (``id IN (pledges
tagged X) AND id IN (pledges naming a country in Y) …``); at 100,000 published pledges SQLite spent
60–100 ms building and probing those lists. Here every published pledge has one row in
``PledgeFacets`` holding one token per filter value it matches (``fa3`` focus area 3, ``cke``
names Kenya, ``rg14`` names a country or region within region 14, ``grpldc`` names an LDC,
``en812`` led or partnered by entity 812, …), and a full-text index over those rows answers a
whole combination of filters (``fa3 AND grpldc AND (ty1 OR ty2)``) at once:

* **SQLite**: an FTS5 table ``pledges_pledgefacets_index`` with external content (the rows of
  ``pledges_pledgefacets``), ``detail=none`` (row ids only: no positions are needed), kept current
  by triggers; FTS5 intersects sorted row-id lists, so the cost follows the matches.
* **PostgreSQL**: a stored generated column ``vector`` = ``array_to_tsvector(string_to_array(tokens,
  ' '))`` (the tokens are the lexemes: nothing is parsed) with a GIN index; ``@@ 'fa3' & 'grpldc'``
  is a bitmap AND of posting lists.

It is an implementation detail of ``p2c.pledges.filters.pledge_filter``: the relation filters
stay there as the definition, and ``tests/pledges/test_facets.py`` proves both give the same
pledges over random data and random combinations, on both engines.

Only published pledges have tokens (and the filter still starts from ``published_pledges()``).
Derived values (the regions and groupings of the countries named, the lead entity's type and home
region) are computed when the tokens are written, so they are kept current when they change:

* saving a pledge (``post_save``), changing its relations (``m2m_changed``), adding or removing a
  partner (``PledgePartner.save``/``delete``) refreshes that pledge at once (nothing is read unless
  the pledge is published);
* saving an entity whose type or home country changed, or a country whose regions or groupings
  changed, refreshes the pledges concerned when the transaction commits (gathered);
* bulk writes bypass all of this: call ``pledge_facets_refresh(ids)`` yourself (the demo writer
  and the migration that created the index do).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Expression, F
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_save
from django.db.utils import NotSupportedError

from p2c.core.commit_batch import CommitBatch
from p2c.entities.models import Entity
from p2c.geo.models import Country, Region
from p2c.pledges.models import SDG, FocusArea, Pillar, Pledge, PledgeFacets, PledgeType, TargetGroup

FACET_TABLE = PledgeFacets._meta.db_table  # pledges_pledgefacets
FTS_FACET_TABLE = "pledges_pledgefacets_index"
FTS_FACET_TRIGGERS = ("pledges_pledgefacets_ai", "pledges_pledgefacets_ad", "pledges_pledgefacets_au")
PG_FACET_INDEX = "pledges_pledgefacets_gin"
PG_FACET_COLUMN = "vector"  # a stored generated column (PostgreSQL only; Django's model does not know it)
PG_FACET_VECTOR = "array_to_tsvector(string_to_array(tokens, ' '))"
FACET_VENDORS = ("sqlite", "postgresql")
CHUNK = 1000

# The relations each token kind comes from: Pledge.<field> -> token prefix.
M2M_KINDS = {
    "focus_areas": "fa",
    "pillars": "pi",
    "pledge_types": "ty",
    "sdgs": "sdg",
    "target_groups": "tg",
    "countries": "c",
    "regions": "r",  # not a token itself: expanded into rg<region> and rg<every region containing it>
}
GROUPING_FLAGS = {"ldc": "is_ldc", "lldc": "is_lldc", "sids": "is_sids"}


# --- Token names: one place, used to write them and to query them ---------------------------------
# Every token is a lower-case prefix of letters followed by digits (or, for countries and groupings,
# letters of a fixed form), so no two kinds collide and no tokenizer splits them.
def focus_area_token(pk: Any) -> str:
    return f"fa{pk}"


def pillar_token(pk: Any) -> str:
    return f"pi{pk}"


def type_token(pk: Any) -> str:
    return f"ty{pk}"


def sdg_token(number: Any) -> str:
    return f"sdg{int(number)}"


def target_group_token(pk: Any) -> str:
    return f"tg{pk}"


def country_token(iso2: str) -> str:
    return f"c{iso2.lower()}"


def region_token(pk: Any) -> str:
    """Names a country in the region, the region itself, or a region within it (m49_region, itu_region)."""
    return f"rg{pk}"


def grouping_token(code: str) -> str:
    return f"grp{code}"


def entity_token(pk: Any) -> str:
    """Led by the entity or has it as a partner (any role)."""
    return f"en{pk}"


def entity_type_token(pk: Any) -> str:
    return f"et{pk}"


def home_region_token(pk: Any) -> str:
    return f"hr{pk}"


def year_token(year: Any) -> str:
    return f"yr{int(year)}"


def event_token(pk: Any) -> str:
    return f"ev{pk}"


# --- Composing a pledge's tokens ------------------------------------------------------------------
@dataclass(frozen=True)
class _Geography:
    """Per country its regions (M49 three levels and ITU) and groupings; per region those containing it."""

    regions: dict[str, tuple[int, ...]]
    groupings: dict[str, tuple[str, ...]]
    ancestors: dict[int, set[int]]


def _geography() -> _Geography:
    regions: dict[str, tuple[int, ...]] = {}
    groupings: dict[str, tuple[str, ...]] = {}
    ancestors: dict[int, set[int]] = {}
    for iso2, m49, sub, inter, itu, ldc, lldc, sids in Country.objects.values_list(
        "iso2",
        "m49_region_id",
        "m49_subregion_id",
        "m49_intermediate_region_id",
        "itu_region_id",
        "is_ldc",
        "is_lldc",
        "is_sids",
    ):
        regions[iso2] = tuple(r for r in (m49, sub, inter, itu) if r is not None)
        groupings[iso2] = tuple(code for code, flag in zip(GROUPING_FLAGS, (ldc, lldc, sids), strict=True) if flag)
        # A region contains the sub-regions and intermediate regions of its countries (as the filter reads it).
        chain = [r for r in (m49, sub, inter) if r is not None]
        for i, parent in enumerate(chain):
            for child in chain[i + 1 :]:
                ancestors.setdefault(child, set()).add(parent)
    return _Geography(regions, groupings, ancestors)


def facet_tokens(
    *,
    published_at: dt.datetime | None,
    event_id: int | None,
    lead: tuple[int, int | None, str | None],
    partners: Iterable[int],
    relations: dict[str, list[Any]],
    geography: _Geography,
) -> list[str]:
    """The tokens of one published pledge, sorted (``lead`` is its entity's id, type id, home country)."""
    tokens: set[str] = set()
    lead_id, lead_type, lead_home = lead
    tokens.add(entity_token(lead_id))
    tokens.update(entity_token(pk) for pk in partners)
    if lead_type is not None:
        tokens.add(entity_type_token(lead_type))
    if lead_home is not None:
        tokens.update(home_region_token(r) for r in geography.regions.get(lead_home, ()))
    if published_at is not None:
        tokens.add(year_token(published_at.astimezone(dt.UTC).year))
    if event_id is not None:
        tokens.add(event_token(event_id))
    naming = {
        "focus_areas": focus_area_token,
        "pillars": pillar_token,
        "pledge_types": type_token,
        "sdgs": sdg_token,
        "target_groups": target_group_token,
    }
    for name, token in naming.items():
        tokens.update(token(value) for value in relations.get(name, ()))
    for iso2 in relations.get("countries", ()):
        tokens.add(country_token(iso2))
        tokens.update(region_token(r) for r in geography.regions.get(iso2, ()))
        tokens.update(grouping_token(code) for code in geography.groupings.get(iso2, ()))
    for region in relations.get("regions", ()):
        tokens.add(region_token(region))
        tokens.update(region_token(r) for r in geography.ancestors.get(int(region), ()))
    return sorted(tokens)


def relation_table(name: str) -> tuple[str, str]:
    """The table of ``Pledge.<name>``'s through model and the column of its other side (unquoted)."""
    field = Pledge._meta.get_field(name)
    through = field.remote_field.through  # type: ignore[union-attr]
    other = through._meta.get_field(field.m2m_reverse_field_name())  # type: ignore[union-attr]
    return through._meta.db_table, other.column


def _relations_sql(count: int, kinds: tuple[str, ...] = (*M2M_KINDS, "partners")) -> str:
    """One statement reading the relations ``kinds`` of ``count`` pledges: (pledge id, relation, value as text)."""
    quote = connection.ops.quote_name
    marks = ", ".join(["%s"] * count)
    parts = []
    for name in kinds:
        if name == "partners":
            table, column = "pledges_pledgepartner", "entity_id"
        else:
            table, column = relation_table(name)
        parts.append(
            f"SELECT pledge_id, '{name}', CAST({quote(column)} AS TEXT) FROM {quote(table)} "  # noqa: S608 - model names
            f"WHERE pledge_id IN ({marks})"
        )
    return " UNION ALL ".join(parts)


# --- One pledge's relations, for its page ---------------------------------------------------------
# The taxonomy, countries and regions are small and change rarely: each process keeps them, in the
# order their models sort by, for ``REFERENCE_SECONDS`` (or until a save in this process), and a
# pledge's page reads only which of them the pledge names, in one statement, instead of one joined
# query per relation (each a round trip and an SQL compilation: about 2 ms apiece on PostgreSQL).
REFERENCE_SECONDS = 60
REFERENCE_MODELS = (FocusArea, Pillar, PledgeType, SDG, TargetGroup, Country, Region)
_reference: tuple[float, dict[str, dict[str, Any]]] | None = None


def _reference_load() -> dict[str, dict[str, Any]]:
    """``{relation: {key as text: object}}`` for every relation a pledge page shows, each in its model's order."""
    found = {
        "focus_areas": FocusArea.objects.all(),
        "pillars": Pillar.objects.select_related("focus_area"),
        "pledge_types": PledgeType.objects.all(),
        "sdgs": SDG.objects.all(),
        "target_groups": TargetGroup.objects.all(),
        "regions": Region.objects.order_by("kind", "name"),
        "countries": Country.objects.order_by("name"),
    }
    return {name: {str(item.pk): item for item in items} for name, items in found.items()}


def reference_objects(*, refresh: bool = False) -> dict[str, dict[str, Any]]:
    """The reference objects a pledge's relations point at, kept per process (see ``REFERENCE_SECONDS``)."""
    global _reference  # noqa: PLW0603 - one per process, replaced whole (threads read it as it is)
    now = time.monotonic()
    if refresh or _reference is None or now - _reference[0] > REFERENCE_SECONDS:
        _reference = (now, _reference_load())
    return _reference[1]


def reference_objects_forget(**kwargs: Any) -> None:
    """Drop this process's reference objects (connected to saves and deletes of their models)."""
    global _reference  # noqa: PLW0603
    _reference = None


def pledge_relations_attach(pledge: Pledge) -> None:
    """Read ``pledge``'s focus areas, pillars, types, SDGs, target groups, regions and countries in one
    statement and attach them as if prefetched, in the order their models sort by (the same objects
    and order as ``prefetch_related``)."""
    keys: dict[str, set[str]] = {name: set() for name in M2M_KINDS}
    with connection.cursor() as cursor:
        cursor.execute(_relations_sql(1, kinds=tuple(M2M_KINDS)), [pledge.pk] * len(M2M_KINDS))
        for _pk, name, value in cursor.fetchall():
            keys[name].add(value)
    reference = reference_objects()
    if any(not wanted.issubset(reference[name]) for name, wanted in keys.items()):
        reference = reference_objects(refresh=True)  # added since this process read them
    if not hasattr(pledge, "_prefetched_objects_cache"):
        pledge._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    for name, wanted in keys.items():
        queryset = getattr(pledge, name).get_queryset()
        known = reference[name]
        queryset._result_cache = [item for key, item in known.items() if key in wanted] if wanted else []
        queryset._prefetch_done = True
        pledge._prefetched_objects_cache[name] = queryset  # type: ignore[attr-defined]


def pledge_facets_refresh(pledge_ids: Iterable[int]) -> int:
    """Write the tokens of these pledges (published ones) and remove those of the others; how many changed."""
    ids = sorted({int(pk) for pk in pledge_ids if pk is not None})
    if not ids or connection.vendor not in FACET_VENDORS:
        return 0
    geography: _Geography | None = None
    changed = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = list(
            Pledge.objects.filter(id__in=chunk, state=Pledge.State.PUBLISHED)
            .order_by()
            .values_list(
                "id", "published_at", "event_id", "lead_entity_id", "lead_entity__entity_type_id",
                "lead_entity__home_country_id",
            )
        )  # fmt: skip
        existing = dict(PledgeFacets.objects.filter(pledge_id__in=chunk).values_list("pledge_id", "tokens"))
        wanted: dict[int, str] = {}
        if rows:
            geography = geography or _geography()
            published = [row[0] for row in rows]
            relations: dict[int, dict[str, list[Any]]] = {pk: {} for pk in published}
            with connection.cursor() as cursor:
                cursor.execute(_relations_sql(len(published)), published * (len(M2M_KINDS) + 1))
                for pk, name, value in cursor.fetchall():
                    relations[pk].setdefault(name, []).append(value)
            for pk, published_at, event_id, lead, lead_type, lead_home in rows:
                found = relations[pk]
                wanted[pk] = " ".join(
                    facet_tokens(
                        published_at=published_at,
                        event_id=event_id,
                        lead=(lead, lead_type, lead_home),
                        partners=found.get("partners", ()),
                        relations=found,
                        geography=geography,
                    )
                )
        stale = [pk for pk, tokens in existing.items() if wanted.get(pk) != tokens]
        fresh = [PledgeFacets(pledge_id=pk, tokens=t) for pk, t in wanted.items() if existing.get(pk) != t]
        if stale:
            PledgeFacets.objects.filter(pledge_id__in=stale).delete()
        if fresh:
            PledgeFacets.objects.bulk_create(fresh, batch_size=500)
        changed += len({*stale, *(f.pledge_id for f in fresh)})
    return changed


def pledge_facets_rebuild() -> int:
    """Refresh every pledge's tokens (after the index was created, or reference data changed in bulk)."""
    ids = list(Pledge.objects.order_by("id").values_list("id", flat=True))
    orphans = PledgeFacets.objects.exclude(pledge_id__in=Pledge.objects.values("id"))
    orphans.delete()
    return pledge_facets_refresh(ids)


# --- Keeping them current -------------------------------------------------------------------------
_refresh_batch = CommitBatch(pledge_facets_refresh)


def pledge_facets_refresh_on_commit(pledge_ids: Iterable[int]) -> None:
    """Refresh these pledges once, when the transaction commits (for changes touching many pledges)."""
    _refresh_batch.add(pledge_ids)


PLEDGE_FIELDS = {"state", "published_at", "event", "event_id", "lead_entity", "lead_entity_id"}


def _pledge_saved(sender: type[Pledge], instance: Pledge, update_fields: Any = None, **kwargs: Any) -> None:
    if kwargs.get("raw") or (update_fields is not None and not PLEDGE_FIELDS & set(update_fields)):
        return
    if instance.state == Pledge.State.PUBLISHED:
        pledge_facets_refresh([instance.pk])
    elif connection.vendor in FACET_VENDORS:
        PledgeFacets.objects.filter(pledge_id=instance.pk).delete()


def _relations_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[Any] | None, **kwargs: Any
) -> None:
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear") and instance.state == Pledge.State.PUBLISHED:
            pledge_facets_refresh([instance.pk])
        return
    # From the other side (``country.pledges.add(pledge)``): pk_set holds pledge ids.
    if action == "pre_clear":
        field = next(f for f in sender._meta.concrete_fields if f.related_model is type(instance))
        instance._p2c_facets_clearing = list(
            sender.objects.filter(**{field.attname: instance.pk}).values_list("pledge_id", flat=True)
        )
    elif action in ("post_add", "post_remove") and pk_set:
        pledge_facets_refresh(pk_set)
    elif action == "post_clear":
        pledge_facets_refresh(getattr(instance, "_p2c_facets_clearing", []))


def _entity_pre_save(sender: type[Entity], instance: Entity, **kwargs: Any) -> None:
    """An entity's type or home country changed: re-tag the pledges it leads, on commit."""
    if kwargs.get("raw") or instance.pk is None or connection.vendor not in FACET_VENDORS:
        return
    before = Entity.objects.filter(pk=instance.pk).values_list("entity_type_id", "home_country_id").first()
    if before is None or before == (instance.entity_type_id, instance.home_country_id):
        return
    pledge_facets_refresh_on_commit(Pledge.objects.filter(lead_entity_id=instance.pk).values_list("id", flat=True))


COUNTRY_FIELDS = (
    "m49_region_id", "m49_subregion_id", "m49_intermediate_region_id", "itu_region_id", "is_ldc", "is_lldc", "is_sids",
)  # fmt: skip


def _country_pre_save(sender: type[Country], instance: Country, **kwargs: Any) -> None:
    """A country's regions or groupings changed: re-tag the pledges naming it or led from it, on commit.

    Regions nest as their countries say, so the pledges naming any region are re-tagged too.
    """
    if kwargs.get("raw") or connection.vendor not in FACET_VENDORS:
        return
    before = Country.objects.filter(pk=instance.pk).values_list(*COUNTRY_FIELDS).first()
    if before is not None and before == tuple(getattr(instance, f) for f in COUNTRY_FIELDS):
        return
    named = Pledge.countries.through.objects.filter(country_id=instance.pk).values_list("pledge_id", flat=True)
    led = Pledge.objects.filter(lead_entity__home_country_id=instance.pk).values_list("id", flat=True)
    in_regions = Pledge.regions.through.objects.values_list("pledge_id", flat=True)
    pledge_facets_refresh_on_commit([*named, *led, *(in_regions if before is not None else [])])


FACET_MIGRATION = ("pledges", "0008_facet_index")


VALUE_INDEX = "pledges_state_usd_idx"  # created by migration 0002_search


def value_index_ensure(db: BaseDatabaseWrapper) -> bool:
    """Put back the ``(state, usd_estimate, id)`` index of ``pledges_pledge`` on SQLite if it is gone.

    Django's SQLite schema editor rebuilds a table for most changes and re-creates only the indexes
    the models declare; this one cannot be declared (PostgreSQL has it as ``usd_estimate DESC NULLS
    LAST``, which SQLite's index syntax lacks), so the rebuilds of migrations 0004–0007 dropped it.
    Without it, counting and summing the published pledges read the whole table (every request of
    the explorer's first page after a publication) and sorting by value sorted every row.
    """
    if db.vendor != "sqlite":
        return False
    with db.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = %s", [VALUE_INDEX])
        if cursor.fetchone():
            return False
        cursor.execute(f'CREATE INDEX {VALUE_INDEX} ON pledges_pledge ("state", "usd_estimate", "id")')
        # Statistics sampled as ``database_statistics_refresh`` samples the others: a full count
        # beside sampled ones would make the planner prefer a narrower-looking index that does
        # not cover the count and the sum.
        cursor.execute("PRAGMA analysis_limit")
        limit = cursor.fetchone()[0]
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute(f"ANALYZE {VALUE_INDEX}")
        cursor.execute(f"PRAGMA analysis_limit={int(limit)}")
    return True


def facet_index_ensure(using: str = "default", **kwargs: Any) -> None:
    """After ``migrate``: put back what a later table rebuild dropped on SQLite (triggers, the value index)."""
    from django.db.migrations.recorder import MigrationRecorder

    db = connections[using]
    if db.vendor not in FACET_VENDORS:
        return
    applied = MigrationRecorder(db).applied_migrations()
    if FACET_MIGRATION not in applied:
        return
    value_index_ensure(db)
    if facet_index_missing(db):
        facet_index_install(db)


def connect_receivers(app_config: Any) -> None:
    """Called once from ``PledgesConfig.ready``."""
    post_migrate.connect(facet_index_ensure, sender=app_config, dispatch_uid="pledges_facet_index_ensure")
    post_save.connect(_pledge_saved, sender=Pledge, dispatch_uid="pledges_facets_pledge")
    for name in M2M_KINDS:
        through = Pledge._meta.get_field(name).remote_field.through  # type: ignore[union-attr]
        m2m_changed.connect(_relations_changed, sender=through, dispatch_uid=f"pledges_facets_{name}")
    pre_save.connect(_entity_pre_save, sender=Entity, dispatch_uid="pledges_facets_entity")
    pre_save.connect(_country_pre_save, sender=Country, dispatch_uid="pledges_facets_country")
    for model in REFERENCE_MODELS:
        for signal in (post_save, post_delete):
            signal.connect(reference_objects_forget, sender=model, dispatch_uid=f"pledges_reference_{model.__name__}")


# --- Querying -------------------------------------------------------------------------------------
def fts5_facet_query(groups: Sequence[Sequence[str]]) -> str:
    """``"fa3" AND ("cke" OR "cug")``: every group must match, any token of a group."""
    parts = []
    for group in groups:
        quoted = " OR ".join(f'"{token}"' for token in group)
        parts.append(f"({quoted})" if len(group) > 1 else quoted)
    return " AND ".join(parts)


def tsquery_facet_query(groups: Sequence[Sequence[str]]) -> str:
    """``'fa3' & ( 'cke' | 'cug' )``, the same for PostgreSQL (tokens are lexemes as they are)."""
    return " & ".join("( " + " | ".join(f"'{token}'" for token in group) + " )" for group in groups)


class FacetMatch(Expression):
    """True for pledges having, for every group, at least one of its tokens (``id IN (index hits)``).

    An ``IN`` over the index, never a join: each pledge stays one row, so counts and sums are exact.
    """

    conditional = True

    def __init__(self, groups: Sequence[Sequence[str]]) -> None:
        super().__init__(output_field=BooleanField())
        for group in groups:
            for token in group:
                if not token.isalnum() or not token.isascii() or token != token.lower():
                    raise ValueError(f"Not a facet token: {token!r}")
        self.groups = [sorted(set(group)) for group in groups]
        self.id = F("id")

    def get_source_expressions(self) -> list[Any]:
        return [self.id]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.id,) = exprs

    def as_sql(self, compiler: Any, connection: BaseDatabaseWrapper) -> Any:
        raise NotSupportedError(f"The facet index is not available on {connection.vendor}.")

    def as_sqlite(self, compiler: Any, connection: BaseDatabaseWrapper, **extra: Any) -> tuple[str, list[Any]]:
        id_sql, _ = compiler.compile(self.id)
        if any(not group for group in self.groups):
            return "0 = 1", []
        hits = f"SELECT rowid FROM {FTS_FACET_TABLE} WHERE {FTS_FACET_TABLE} MATCH %s"  # noqa: S608 - constant
        return f"{id_sql} IN ({hits})", [fts5_facet_query(self.groups)]

    def as_postgresql(self, compiler: Any, connection: BaseDatabaseWrapper, **extra: Any) -> tuple[str, list[Any]]:
        id_sql, _ = compiler.compile(self.id)
        if any(not group for group in self.groups):
            return "0 = 1", []
        hits = f"SELECT pledge_id FROM {FACET_TABLE} WHERE {PG_FACET_COLUMN} @@ %s::tsquery"  # noqa: S608 - constant
        return f"{id_sql} IN ({hits})", [tsquery_facet_query(self.groups)]


def facet_index_available(using: str = "default") -> bool:
    return connections[using].vendor in FACET_VENDORS


# --- The index itself -----------------------------------------------------------------------------
def _sqlite_install_sql() -> list[str]:
    t, idx = FTS_FACET_TABLE, FACET_TABLE
    ai, ad, au = FTS_FACET_TRIGGERS
    insert = f"INSERT INTO {t}(rowid, tokens) VALUES (new.pledge_id, new.tokens);"  # noqa: S608
    delete = f"INSERT INTO {t}({t}, rowid, tokens) VALUES ('delete', old.pledge_id, old.tokens);"  # noqa: S608
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {t} USING fts5(tokens, content='{idx}', content_rowid='pledge_id', "
        "tokenize='unicode61', detail='none')",
        f"CREATE TRIGGER IF NOT EXISTS {ai} AFTER INSERT ON {idx} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {ad} AFTER DELETE ON {idx} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {au} AFTER UPDATE ON {idx} BEGIN {delete} {insert} END",
    ]


def facet_index_install(connection: BaseDatabaseWrapper) -> None:
    """Create the index (idempotent) and rebuild it from the rows of ``pledges_pledgefacets``."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in _sqlite_install_sql():
                cursor.execute(statement)
            cursor.execute(f"INSERT INTO {FTS_FACET_TABLE}({FTS_FACET_TABLE}) VALUES ('rebuild')")  # noqa: S608
        elif connection.vendor == "postgresql":
            # Stored, not an expression index: the planner does not know what computing the vector
            # costs, and with an expression it chose to compute it for every row (300 ms at 100,000).
            cursor.execute(
                "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s "
                "AND table_schema = current_schema()",
                [FACET_TABLE, PG_FACET_COLUMN],
            )
            if cursor.fetchone() is None:  # ALTER TABLE, even a no-op, fails while rows await their FK checks
                cursor.execute(
                    f"ALTER TABLE {FACET_TABLE} ADD COLUMN {PG_FACET_COLUMN} tsvector "
                    f"GENERATED ALWAYS AS ({PG_FACET_VECTOR}) STORED"
                )
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {PG_FACET_INDEX} ON {FACET_TABLE} USING gin ({PG_FACET_COLUMN})"
            )


def facet_index_uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for trigger in FTS_FACET_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_FACET_TABLE}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {PG_FACET_INDEX}")
            cursor.execute(f"ALTER TABLE {FACET_TABLE} DROP COLUMN IF EXISTS {PG_FACET_COLUMN}")


def facet_index_optimize(using: str = "default") -> None:
    """After a bulk load: merge the FTS5 segments into one (SQLite), so lookups read one b-tree."""
    db = connections[using]
    if db.vendor == "sqlite":
        with db.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_FACET_TABLE}({FTS_FACET_TABLE}) VALUES ('optimize')")  # noqa: S608


def facet_index_missing(connection: BaseDatabaseWrapper) -> list[str]:
    """Which parts of the facet index this database lacks (empty when complete)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
            present = {row[0] for row in cursor.fetchall()}
            return [name for name in (FTS_FACET_TABLE, *FTS_FACET_TRIGGERS) if name not in present]
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT relname FROM pg_class WHERE relname = %s AND pg_table_is_visible(oid)", [PG_FACET_INDEX]
            )
            return [] if cursor.fetchone() else [PG_FACET_INDEX]
    return []
