"""Full-text search over pledges: one interface, two engines.

``pledge_search(queryset, text)`` keeps the pledges that contain every word of ``text`` in their
reference, title, summary, description or the names (and acronyms) of their lead entity and
partners; ``pledge_search_relevance(text)`` is an expression to sort them by. Callers never see
which engine answers:

* **SQLite** (the embedded default): an FTS5 table ``pledges_pledge_search`` with external
  content (it indexes the columns of ``pledges_pledge`` without copying them), kept current by
  triggers on ``pledges_pledge``; Porter stemming, diacritics removed. A searched queryset reads
  the pledges through a narrow covering index (``INDEXED BY``, see ``pledge_search_narrow``).
* **PostgreSQL**: a table ``pledges_pledge_search`` of stored ``to_tsvector('english', …)`` of the
  same columns, GIN-indexed and kept current by a trigger on ``pledges_pledge``. The vectors are
  ``strip()``ped (no positions, no weights): nothing reads them (matching is ``@@
  plainto_tsquery``, an AND of words; no ranking, no phrases), and a third smaller table is a third
  less to read for every search that counts its hits. Each row also carries whether the pledge is
  published and its ``usd_estimate``, so that the explorer counts and sums a search's published
  hits from this table alone (``pledge_search_totals``; on SQLite it walks the hits through the
  covering index).

Names of entities are denormalised into ``Pledge.entity_names``, kept current whenever a pledge or
an entity is saved, and a partner saved or deleted, through the ORM (a ``pre_save`` receiver on
``Pledge``, a ``post_save`` receiver on ``Entity``, ``PledgePartner.save``/``delete``). Bulk writes
bypass all of these: call ``entity_names_compose`` or ``pledge_entity_names_refresh`` yourself, as
the demo-data writer does. (A delete receiver on ``PledgePartner`` would also cover queryset
deletes, but would make Django load every partner row before deleting it.)

What users type is never passed to a query language: ``search_terms`` reduces it to words made of
letters and digits (stop words dropped, at most ``MAX_TERMS``), which are then quoted for FTS5 or
given to ``plainto_tsquery``. Every word must match (AND); there is no prefix matching.

Relevance is deliberately simple and the same on both engines: pledges whose title or entity names
contain every word come first, then the others; ties go to the newest. It is computed from an index
on both engines, so sorting tens of thousands of hits stays cheap (a per-row score such as bm25 or
ts_rank over all hits is not: see docs/explorer.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Context, Decimal
from typing import Any

from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, Case, Expression, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import Cast
from django.db.models.signals import post_migrate, post_save, pre_save
from django.db.models.sql.datastructures import BaseTable
from django.db.utils import NotSupportedError

from p2c.core.commit_batch import CommitBatch
from p2c.entities.models import Entity
from p2c.pledges.models import Pledge, PledgePartner

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
MAX_TERM_LENGTH = 60

FTS_TABLE = "pledges_pledge_search"
FTS_COLUMNS = ("reference", "title", "summary", "description", "entity_names")
HEADLINE_COLUMNS = ("title", "entity_names")
FTS_TRIGGERS = ("pledges_pledge_search_ai", "pledges_pledge_search_ad", "pledges_pledge_search_au")
PG_CONFIG = "english"
PG_SEPARATORS = "-./@_"
PG_DOCUMENT_INDEX = "pledges_pledge_search_doc_idx"
PG_HEADLINE_INDEX = "pledges_pledge_search_headline_idx"
PG_PUBLISHED_INDEX = "pledges_pledge_search_published_idx"  # the published pledges' documents
PG_FUNCTION = "pledges_pledge_search_sync"
PG_TRIGGERS = ("pledges_pledge_search_sync", "pledges_pledge_search_delete", "pledges_pledge_search_truncate")
PG_BULK_SETTING = "p2c.search_bulk"
PG_TSQUERY = f"plainto_tsquery('{PG_CONFIG}'::regconfig, %s)"  # %s: the terms, joined by spaces
# SQLite: what a searched queryset reads of a pledge (see ``pledge_search_narrow``).
SQLITE_COVER_INDEX = "pledges_pledge_search_cover_idx"
SQLITE_COVER_COLUMNS = ("id", "state", "usd_estimate", "published_at")
SEARCH_MIGRATION = ("pledges", "0002_search")

# PostgreSQL's English stop words (tsearch_data/english.stop): dropped from queries on both engines,
# so that "schools for girls" means the same on SQLite (which indexes every word) and PostgreSQL.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
    herself it its itself they them their theirs themselves what which who whom this that these those am is are
    was were be been being have has had having do does did doing a an the and but if or because as until while of
    at by for with about against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each few more most other
    some such no nor not only own same so than too very s t can will just don should now""".split()  # noqa: SIM905
)
_WORD = re.compile(r"[^\W_]+")


def search_terms(text: str | None) -> list[str]:
    """The words of ``text`` a search uses: letters and digits only, lower case, no stop words.

    Everything else (quotes, ``*``, ``:``, parentheses, ``NEAR``/``AND``/``OR`` as operators, control
    characters) separates words and carries no meaning, so no input can break or widen a query.
    """
    if not text:
        return []
    normal = unicodedata.normalize("NFKC", text[: MAX_QUERY_LENGTH * 2])[:MAX_QUERY_LENGTH].casefold()
    terms: list[str] = []
    for word in _WORD.findall(normal):
        if word in STOP_WORDS or word in terms:
            continue
        terms.append(word[:MAX_TERM_LENGTH])
        if len(terms) == MAX_TERMS:
            break
    return terms


def fts5_query(terms: Iterable[str], columns: Iterable[str] | None = None) -> str:
    """An FTS5 query requiring every term, each a quoted string (optionally restricted to columns)."""
    quoted = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
    if columns is None:
        return quoted
    return "{" + " ".join(columns) + "} : (" + quoted + ")"


def pg_document_sql(columns: dict[str, str], names: Iterable[str] = FTS_COLUMNS) -> str:
    """The tsvector PostgreSQL stores for a pledge, over the given column SQL (``NEW.title``, …).

    Hyphens, dots, slashes, at signs and underscores become spaces first, so that PostgreSQL splits
    words as SQLite does: its parser would otherwise keep "P2C-2026-0042" as "p2c", "-2026", "-0042",
    or an e-mail address as one word. Positions and weights are stripped: ``@@`` with the AND of
    words ``plainto_tsquery`` builds does not need them, and they were a third of the stored size.
    """
    text = " || ' ' || ".join(columns[name] for name in names)
    separators = " " * len(PG_SEPARATORS)
    return f"strip(to_tsvector('{PG_CONFIG}'::regconfig, translate({text}, '{PG_SEPARATORS}', '{separators}')))"


class _FullTextMatch(Expression):
    """True for pledges containing every term (in the headline columns only, if ``headline``)."""

    def __init__(self, terms: list[str], *, headline: bool = False) -> None:
        super().__init__(output_field=BooleanField())
        self.terms = terms
        self.headline = headline
        self.columns: list[Any] = [F(name) for name in ("id", *FTS_COLUMNS)]

    def get_source_expressions(self) -> list[Any]:
        return self.columns

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.columns = list(exprs)

    def as_sql(self, compiler: Any, connection: BaseDatabaseWrapper) -> Any:
        raise NotSupportedError(f"Full-text search is not available on {connection.vendor}.")

    def as_sqlite(self, compiler: Any, connection: BaseDatabaseWrapper, **extra: Any) -> tuple[str, list[Any]]:
        # Rowid lookups from the FTS5 hits: cheaper than a join, which SQLite may drive from the
        # pledges side and then run the full-text query once per pledge.
        id_sql, _ = compiler.compile(self.columns[0])
        query = fts5_query(self.terms, HEADLINE_COLUMNS if self.headline else None)
        # Names are constants; the user's words are a parameter.
        return f"{id_sql} IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)", [query]  # noqa: S608

    def as_postgresql(self, compiler: Any, connection: BaseDatabaseWrapper, **extra: Any) -> tuple[str, list[Any]]:
        # The tsvectors are stored (not an expression index): whichever plan PostgreSQL picks, a
        # GIN bitmap or a probe per pledge, it never re-parses a pledge's text (about 0.3 ms each).
        id_sql, _ = compiler.compile(self.columns[0])
        column = "headline" if self.headline else "document"
        hits = f"SELECT pledge_id FROM {FTS_TABLE} WHERE {column} @@ {PG_TSQUERY}"  # noqa: S608 - constant names
        return f"{id_sql} IN ({hits})", [" ".join(self.terms)]


class _NarrowPledges(BaseTable):
    """``pledges_pledge`` in a FROM clause, read through ``SQLITE_COVER_INDEX`` on SQLite."""

    def as_sqlite(self, compiler: Any, connection: BaseDatabaseWrapper) -> tuple[str, Any]:
        sql, params = self.as_sql(compiler, connection)
        return f"{sql} INDEXED BY {SQLITE_COVER_INDEX}", params


def pledge_search_narrow(queryset: QuerySet[Pledge]) -> QuerySet[Pledge]:
    """``queryset``, reading its pledges through a narrow covering index on SQLite (the same elsewhere).

    A search finds pledges by id (``id IN (hits)``), and SQLite then looks each one up by its rowid,
    reading the whole pledge row (descriptions included) for the state, estimate and publication
    date that the count, the sum and the first page need: tens of thousands of wide rows for a
    common word. ``SQLITE_COVER_INDEX`` holds just those columns, keyed by id, so the same lookups
    read a few megabytes (the count and sum at 100,000 published pledges: 15–40 ms instead of
    35–80 ms). The planner never picks it by itself (a rowid lookup always looks cheaper), hence
    ``INDEXED BY``; other columns, where a query needs them, are read from the row as before.
    PostgreSQL needs nothing of the kind: it joins the hits to an index (``pledges_state_usd_idx``).
    """
    queryset = queryset.all()
    query = queryset.query
    alias = query.get_initial_alias()
    if query.alias_map[alias].table_name == Pledge._meta.db_table:
        query.alias_map[alias] = _NarrowPledges(Pledge._meta.db_table, alias)
    return queryset


def pledge_search(queryset: QuerySet[Pledge], text: str | None) -> QuerySet[Pledge]:
    """The pledges of ``queryset`` that contain every word of ``text`` (unchanged if it has none).

    Adds no join and no duplicate rows, so counts and sums over the result stay exact. On SQLite
    the result reads the pledges through the search's covering index (``pledge_search_narrow``).
    """
    terms = search_terms(text)
    if not terms:
        return queryset
    return pledge_search_narrow(queryset.filter(_FullTextMatch(terms)))


def pledge_search_totals(text: str | None) -> tuple[int, Decimal, int] | None:
    """How many published pledges contain every word of ``text``, their estimated USD, and how many
    of them state one; ``None`` if ``text`` has no words.

    The same figures as a count and sum over ``pledge_search(published_pledges(), text)``, read
    more directly than that queryset can be (docs/explorer.md, "Totals of a search alone"):

    * **PostgreSQL** reads the search table alone: its rows carry whether the pledge is published
      and its estimate (kept by the trigger), so the hits need no join to ``pledges_pledge``
      ("women", in 63,509 of 100,702 published pledges: 24–50 ms instead of 69–189 ms).
    * **SQLite** walks the index's hits in rowid order and looks each up in the covering index
      (a ``CROSS JOIN`` keeps that order), instead of first gathering the hits into a list that
      the pledges are then checked against (``id IN (…)``): about a quarter less time for a common
      word. The sum is converted as Django converts it, so the figures are identical.
    """
    terms = search_terms(text)
    if not terms:
        return None
    if connection.vendor == "sqlite":
        sql = (
            f"SELECT count(p.id), CAST(sum(p.usd_estimate) AS NUMERIC), count(p.usd_estimate) "  # noqa: S608
            f"FROM {FTS_TABLE} CROSS JOIN {Pledge._meta.db_table} AS p INDEXED BY {SQLITE_COVER_INDEX} "
            f"WHERE {FTS_TABLE} MATCH %s AND p.id = {FTS_TABLE}.rowid AND p.state = %s"
        )
        params: list[Any] = [fts5_query(terms), Pledge.State.PUBLISHED.value]
    else:
        sql = (
            f"SELECT count(*), sum(usd_estimate), count(usd_estimate) FROM {FTS_TABLE} "  # noqa: S608 - constant names
            f"WHERE published AND document @@ {PG_TSQUERY}"
        )
        params = [" ".join(terms)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        count, usd, valued = cursor.fetchone()
    if usd is not None and not isinstance(usd, Decimal):  # SQLite: a float (or an int), as the ORM reads it
        usd = _SQLITE_DECIMALS.create_decimal_from_float(usd)
    return count, usd or Decimal(0), valued


_SQLITE_DECIMALS = Context(prec=15)  # SQLite keeps 15 significant digits (as Django's converter)


def pledge_search_headline(text: str | None) -> Expression | None:
    """True for pledges whose title or entity names hold every word of ``text`` (None if no words).

    ``pledge_search_relevance`` is 1 exactly where this holds; a paginator can read the two groups
    one after the other instead of sorting every hit (see ``p2c.pledges.filters``).
    """
    terms = search_terms(text)
    return _FullTextMatch(terms, headline=True) if terms else None


def pledge_search_relevance(text: str | None) -> Expression:
    """How well a pledge matches ``text``: 1 if its title or entity names hold every word, else 0.

    Use it as ``order_by(pledge_search_relevance(q).desc(), "-published_at", "-id")``, or annotate.
    """
    terms = search_terms(text)
    if not terms:
        # A cast, not a bare 0: PostgreSQL reads "ORDER BY 0" as a column position.
        return Cast(Value(0), output_field=IntegerField())
    return Case(
        When(_FullTextMatch(terms, headline=True), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


# --- Entity names, denormalised ---------------------------------------------------------------
def entity_names_compose(entities: Iterable[tuple[str, str]]) -> str:
    """The text searched for entity names: each name and acronym once, one per line."""
    parts: dict[str, None] = {}
    for name, acronym in entities:
        for part in (name, acronym):
            part = (part or "").strip()
            if part:
                parts.setdefault(part, None)
    return "\n".join(parts)


def pledge_entity_names(pledge: Pledge) -> str:
    """The entity names of ``pledge`` as stored: its lead entity, then its partners."""
    entities: list[tuple[str, str]] = []
    if pledge.lead_entity_id is not None:
        lead = pledge.lead_entity
        entities.append((lead.name, lead.acronym))
    if pledge.pk is not None:
        entities.extend(
            PledgePartner.objects.filter(pledge_id=pledge.pk)
            .order_by("id")
            .values_list("entity__name", "entity__acronym")
        )
    return entity_names_compose(entities)


def pledge_entity_names_refresh(pledge_ids: Iterable[int]) -> int:
    """Recompute ``entity_names`` of these pledges (after a partner or an entity changed)."""
    ids = sorted(set(pledge_ids))
    changed = 0
    for start in range(0, len(ids), 500):
        pledges = list(Pledge.objects.filter(id__in=ids[start : start + 500]).select_related("lead_entity"))
        partners: dict[int, list[tuple[str, str]]] = {}
        for pledge_id, name, acronym in (
            PledgePartner.objects.filter(pledge__in=pledges)
            .order_by("id")
            .values_list("pledge_id", "entity__name", "entity__acronym")
        ):
            partners.setdefault(pledge_id, []).append((name, acronym))
        stale = []
        for pledge in pledges:
            names = entity_names_compose(
                [(pledge.lead_entity.name, pledge.lead_entity.acronym), *partners.get(pledge.pk, [])]
            )
            if names != pledge.entity_names:
                pledge.entity_names = names
                stale.append(pledge)
        Pledge.objects.bulk_update(stale, ["entity_names"])
        changed += len(stale)
    return changed


def _pledge_pre_save(sender: type[Pledge], instance: Pledge, update_fields: Any = None, **kwargs: Any) -> None:
    if kwargs.get("raw") or (update_fields is not None and "entity_names" not in update_fields):
        return
    instance.entity_names = pledge_entity_names(instance)


_refresh_batch = CommitBatch(pledge_entity_names_refresh)


def entity_names_refresh_on_commit(pledge_ids: Iterable[int]) -> None:
    """Refresh these pledges' entity names once, when the transaction commits.

    Partners and entities often change many at a time (a cascade deleting hundreds of partners, a
    bulk import), so the ids are gathered and refreshed together, and pledges deleted in the same
    transaction cost nothing.
    """
    _refresh_batch.add(pledge_ids)


def _entity_saved(sender: type[Entity], instance: Entity, created: bool, **kwargs: Any) -> None:
    if created or kwargs.get("raw"):
        return
    led = Pledge.objects.filter(lead_entity=instance).values_list("id", flat=True)
    partnered = PledgePartner.objects.filter(entity=instance).values_list("pledge_id", flat=True)
    entity_names_refresh_on_commit([*led, *partnered])


# --- The index itself --------------------------------------------------------------------------
def _sqlite_cover_index_sql() -> str:
    """Create ``SQLITE_COVER_INDEX`` (Django's table rebuilds drop it: ``search_index_ensure`` puts it back)."""
    columns = ", ".join(f'"{name}"' for name in SQLITE_COVER_COLUMNS)
    return f"CREATE INDEX IF NOT EXISTS {SQLITE_COVER_INDEX} ON {Pledge._meta.db_table} ({columns})"


def search_cover_index_install(connection: BaseDatabaseWrapper) -> None:
    """Create SQLite's covering index for searches if it is missing (nothing on other databases)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(_sqlite_cover_index_sql())


def _sqlite_install_sql() -> list[str]:
    table = Pledge._meta.db_table
    columns = ", ".join(FTS_COLUMNS)
    new = ", ".join(f"new.{c}" for c in FTS_COLUMNS)
    old = ", ".join(f"old.{c}" for c in FTS_COLUMNS)
    delete = f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {columns}) VALUES ('delete', old.id, {old});"  # noqa: S608
    insert = f"INSERT INTO {FTS_TABLE}(rowid, {columns}) VALUES (new.id, {new});"  # noqa: S608
    ai, ad, au = FTS_TRIGGERS
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({columns}, content='{table}', "
        "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER IF NOT EXISTS {ai} AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {ad} AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {au} AFTER UPDATE OF {columns} ON {table} BEGIN {delete} {insert} END",
    ]


# What PostgreSQL's search table stores besides the vectors, for ``pledge_search_totals``.
PG_TOTALS_COLUMNS = ("state", "usd_estimate")
# Each entry: pledge_id, whether the pledge is published, its estimate, then the two vectors.
PG_ENTRY_COLUMNS = "pledge_id, published, usd_estimate, document, headline"
PG_ENTRY_UPDATE = (
    "published = EXCLUDED.published, usd_estimate = EXCLUDED.usd_estimate, "
    "document = EXCLUDED.document, headline = EXCLUDED.headline"
)


def _pg_published_sql(columns: dict[str, str]) -> str:
    """Whether the pledge is published (exactly what ``published_pledges()`` asks), over its column SQL."""
    return f"{columns['state']} = '{Pledge.State.PUBLISHED.value}'"


def _pg_entry_sql(columns: dict[str, str]) -> str:
    """The values of an entry (``PG_ENTRY_COLUMNS``), over the pledge's column SQL (``NEW.title``, …)."""
    vectors = f"{pg_document_sql(columns)}, {pg_document_sql(columns, HEADLINE_COLUMNS)}"
    return f"{columns['id']}, {_pg_published_sql(columns)}, {columns['usd_estimate']}, {vectors}"


def _pg_install_sql(connection: BaseDatabaseWrapper) -> list[str]:
    table = connection.ops.quote_name(Pledge._meta.db_table)
    names = ("id", *FTS_COLUMNS, *PG_TOTALS_COLUMNS)
    new = {name: f"NEW.{connection.ops.quote_name(name)}" for name in names}
    old = {name: f"OLD.{connection.ops.quote_name(name)}" for name in FTS_COLUMNS}
    text_unchanged = (
        f"({', '.join(new[n] for n in FTS_COLUMNS)}) IS NOT DISTINCT FROM ({', '.join(old[n] for n in FTS_COLUMNS)})"
    )
    published, usd = _pg_published_sql(new), new["usd_estimate"]
    columns = ", ".join(connection.ops.quote_name(name) for name in (*FTS_COLUMNS, *PG_TOTALS_COLUMNS))
    usd_type = Pledge._meta.get_field("usd_estimate").db_type(connection)
    sync, delete, truncate = PG_TRIGGERS
    return [
        # ``published`` defaults to false only so that older code, which writes neither it nor the
        # estimate, can still index pledges after migrating back (see migration 0011).
        f"CREATE TABLE IF NOT EXISTS {FTS_TABLE} (pledge_id bigint PRIMARY KEY, "
        f"published boolean NOT NULL DEFAULT false, usd_estimate {usd_type} NULL, "
        "document tsvector NOT NULL, headline tsvector NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS {PG_DOCUMENT_INDEX} ON {FTS_TABLE} USING gin (document)",
        f"CREATE INDEX IF NOT EXISTS {PG_HEADLINE_INDEX} ON {FTS_TABLE} USING gin (headline)",
        # For ``pledge_search_totals``: its bitmap holds only the published hits, so only their rows
        # are read, and a common word is not counted by testing every row ("women": 31–59 ms
        # instead of 58–87; 22 MB at 134,000 pledges).
        f"CREATE INDEX IF NOT EXISTS {PG_PUBLISHED_INDEX} ON {FTS_TABLE} USING gin (document) WHERE published",
        # An update that leaves the searched text alone (a publication, a withdrawal, a new
        # estimate, any other change) computes no vector, and writes nothing unless whether the
        # pledge is published or its estimate changed.
        f"""CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'TRUNCATE' THEN
            TRUNCATE {FTS_TABLE};
          ELSIF TG_OP = 'DELETE' THEN
            DELETE FROM {FTS_TABLE} WHERE pledge_id = OLD.id;
          ELSIF coalesce(current_setting('{PG_BULK_SETTING}', true), '') = 'on' THEN
            NULL;  -- search_index_bulk_insert indexes the inserted pledges afterwards
          ELSIF TG_OP = 'UPDATE' AND {text_unchanged} THEN
            UPDATE {FTS_TABLE} SET published = {published}, usd_estimate = {usd}
            WHERE pledge_id = NEW.id AND (published, usd_estimate) IS DISTINCT FROM ({published}, {usd});
          ELSE
            INSERT INTO {FTS_TABLE} ({PG_ENTRY_COLUMNS}) VALUES ({_pg_entry_sql(new)})
            ON CONFLICT (pledge_id) DO UPDATE SET {PG_ENTRY_UPDATE};
          END IF;
          RETURN NULL;
        END $$""",  # noqa: S608 - constant names
        f"DROP TRIGGER IF EXISTS {sync} ON {table}",
        f"CREATE TRIGGER {sync} AFTER INSERT OR UPDATE OF {columns} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()",
        f"DROP TRIGGER IF EXISTS {delete} ON {table}",
        f"CREATE TRIGGER {delete} AFTER DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()",
        f"DROP TRIGGER IF EXISTS {truncate} ON {table}",
        f"CREATE TRIGGER {truncate} AFTER TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}()",
    ]


def _pg_fill_sql(connection: BaseDatabaseWrapper, where: str = "") -> str:
    """Index the pledges (``where`` restricts which) in one statement."""
    bare = {name: connection.ops.quote_name(name) for name in ("id", *FTS_COLUMNS, *PG_TOTALS_COLUMNS)}
    return (
        f"INSERT INTO {FTS_TABLE} ({PG_ENTRY_COLUMNS}) "  # noqa: S608 - constant names
        f"SELECT {_pg_entry_sql(bare)} FROM {connection.ops.quote_name(Pledge._meta.db_table)} {where} "
        f"ON CONFLICT (pledge_id) DO UPDATE SET {PG_ENTRY_UPDATE}"
    )


def search_index_install(connection: BaseDatabaseWrapper) -> None:
    """Create the full-text index for this database, if missing, and fill it (idempotent).

    On SQLite the triggers disappear whenever Django rebuilds ``pledges_pledge`` for a later
    migration; this puts them back and rebuilds the index (``search_index_ensure`` after migrate).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in [*_sqlite_install_sql(), _sqlite_cover_index_sql()]:
                cursor.execute(statement)
            search_index_rebuild(connection)
        elif connection.vendor == "postgresql":
            for statement in _pg_install_sql(connection):
                cursor.execute(statement)
            search_index_rebuild(connection)


def search_index_reinstall(connection: BaseDatabaseWrapper) -> None:
    """After the index's definition changed (a migration): install it anew and rewrite every entry.

    PostgreSQL: the table is dropped and created anew (with whatever columns an entry now has), the
    trigger function replaced, and every pledge indexed again, so that the table holds only entries
    of the new form, packed (rewriting the entries in place would leave the old versions behind as
    dead space every scan reads until a ``VACUUM FULL``). This locks the table for the rewrite
    (about 45 s at 134,000 pledges, nearly all of it computing the vectors). SQLite: its covering
    index, if missing (the full-text index itself has not changed).
    """
    if connection.vendor == "sqlite":
        search_cover_index_install(connection)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
            for statement in _pg_install_sql(connection):
                cursor.execute(statement)
            cursor.execute(_pg_fill_sql(connection))
            cursor.execute(f"ANALYZE {FTS_TABLE}")


@contextmanager
def search_index_bulk_insert(cursor: Any, first_id: int, last_id: int) -> Iterator[None]:
    """Around a bulk insert of pledges ``first_id``..``last_id`` (inside one transaction).

    Indexing row by row through the trigger costs about three times as much as indexing the
    inserted range in one statement afterwards. On SQLite the insert trigger is dropped for the
    duration and put back before the transaction commits (DDL is transactional in SQLite; if
    anything fails, the rollback restores it); on PostgreSQL a transaction-local setting tells the
    trigger to stand aside (no lock, no other session affected).
    """
    vendor = cursor.db.vendor
    if vendor not in ("sqlite", "postgresql"):
        yield
        return
    if vendor == "postgresql":
        cursor.execute("SELECT set_config(%s, 'on', true)", [PG_BULK_SETTING])
        yield
        cursor.execute(_pg_fill_sql(cursor.db, "WHERE id BETWEEN %s AND %s"), [first_id, last_id])
        cursor.execute("SELECT set_config(%s, '', true)", [PG_BULK_SETTING])
        return
    insert_trigger = _sqlite_install_sql()[1]
    cursor.execute(f"DROP TRIGGER IF EXISTS {FTS_TRIGGERS[0]}")
    yield
    columns = ", ".join(FTS_COLUMNS)
    cursor.execute(
        f"INSERT INTO {FTS_TABLE}(rowid, {columns}) SELECT id, {columns} FROM {Pledge._meta.db_table} "  # noqa: S608
        "WHERE id BETWEEN %s AND %s",
        [first_id, last_id],
    )
    cursor.execute(insert_trigger)


def search_index_uninstall(connection: BaseDatabaseWrapper) -> None:
    """Remove the full-text index (reverse migration)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for trigger in FTS_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
            cursor.execute(f"DROP INDEX IF EXISTS {SQLITE_COVER_INDEX}")
        elif connection.vendor == "postgresql":
            for trigger in PG_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {Pledge._meta.db_table}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def search_index_rebuild(connection: BaseDatabaseWrapper | None = None) -> None:
    """Re-read every pledge into the index (after the index was missing or its triggers were)."""
    connection = connection or connections["default"]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")  # noqa: S608
        elif connection.vendor == "postgresql":
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE pledge_id NOT IN (SELECT id FROM {Pledge._meta.db_table})")  # noqa: S608
            cursor.execute(_pg_fill_sql(connection))


def search_index_missing(connection: BaseDatabaseWrapper) -> list[str]:
    """Which parts of the full-text index this database lacks (empty when it is complete)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger', 'index')")
            present = {row[0] for row in cursor.fetchall()}
            return [name for name in (FTS_TABLE, *FTS_TRIGGERS, SQLITE_COVER_INDEX) if name not in present]
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_class c WHERE c.relname IN (%s, %s, %s, %s) AND pg_table_is_visible(c.oid) "
                "UNION SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE c.relname = %s AND pg_table_is_visible(c.oid)",
                [FTS_TABLE, PG_DOCUMENT_INDEX, PG_HEADLINE_INDEX, PG_PUBLISHED_INDEX, Pledge._meta.db_table],
            )
            present = {row[0] for row in cursor.fetchall()}
            parts = (FTS_TABLE, PG_DOCUMENT_INDEX, PG_HEADLINE_INDEX, PG_PUBLISHED_INDEX, *PG_TRIGGERS)
            return [name for name in parts if name not in present]
    return []


def search_index_ensure(using: str = "default", **kwargs: Any) -> None:
    """After ``migrate``: put back whatever a later migration removed (SQLite table rebuilds drop triggers)."""
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    missing = search_index_missing(connection)
    if not missing or SEARCH_MIGRATION not in MigrationRecorder(connection).applied_migrations():
        return
    if missing == [SQLITE_COVER_INDEX]:
        search_cover_index_install(connection)  # the full-text index itself is whole: no rebuild
    else:
        search_index_install(connection)


def connect_receivers(app_config: Any) -> None:
    """Called once from ``PledgesConfig.ready``."""
    pre_save.connect(_pledge_pre_save, sender=Pledge, dispatch_uid="pledges_search_pledge")
    post_save.connect(_entity_saved, sender=Entity, dispatch_uid="pledges_search_entity")
    post_migrate.connect(search_index_ensure, sender=app_config, dispatch_uid="pledges_search_index_ensure")
