"""What a country's page counts, in one statement: the pledges naming it are found once.

The page shows, over published pledges only: the pledges naming the country (count, USD, by focus
area, by type, their leading entities, the latest few), the regional pledges reaching it through
its regions (by region and each once) and the worldwide ones. Each figure used to be its own query,
and each query found the pledges naming the country again: on PostgreSQL every one of them looked
up the same two thousand pledge rows (Kenya at 100,702 published pledges: seven queries, 195 ms of
the page's 230). Here one statement names the two sets once, as common table expressions, and
derives every figure from them:

* ``named``: the published pledges naming the country, read from the country's rows in the
  relation table and looked up by primary key;
* ``regional``: the rows of the regions relation naming one of the country's regions whose pledge
  is a published regional pledge that does not name the country itself.

Both are referenced more than once, so both engines compute each of them once (PostgreSQL and
SQLite materialise a common table expression used more than once). ``CROSS JOIN`` fixes the join
order on SQLite, which otherwise may start from every published pledge or every focus-area row;
PostgreSQL reads it as an ordinary join. On PostgreSQL the lookups are index-only scans of the
covering index ``pledges_published_cover_idx`` (migration ``pledges.0009``), which holds what these
figures and the accountability figures read of a published pledge.

The definitions stay those of ``p2c.pledges.selectors`` (``pledges_naming_country``,
``pledges_reaching_country_through_regions``): ``tests/geo/test_reach.py`` checks that both give the
same figures on random data, on both engines.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Context, Decimal
from typing import Any

from django.db import connection

from p2c.entities.models import Entity
from p2c.geo.models import Country, Region
from p2c.pledges.facets import relation_table
from p2c.pledges.models import FocusArea, Pledge, PledgeType
from p2c.pledges.selectors import BreakdownRow, Totals, with_card_relations, worldwide_totals


@dataclass(frozen=True)
class EntityCount:
    """An entity and how many of a set of pledges it leads, with their estimated USD."""

    name: str
    slug: str
    pledges: int
    usd: Decimal


@dataclass(frozen=True)
class CountryReach:
    """Who pledges to help a country, in what and how much: published pledges only.

    ``named`` pledges name the country among their beneficiary countries; ``through_regions``
    are regional pledges naming a region the country belongs to (and not the country itself);
    ``worldwide`` are global pledges. Each total counts each pledge once.
    """

    named: Totals
    by_focus_area: list[BreakdownRow]
    by_pledge_type: list[BreakdownRow]
    top_entities: list[EntityCount]
    latest: list[Pledge]
    through_regions: Totals
    by_region: list[tuple[Region, Totals]]
    worldwide: Totals


def country_regions(country: Country) -> list[Region]:
    """The regions ``country`` belongs to: M49 region, sub-region, intermediate region, ITU region."""
    regions = (country.m49_region, country.m49_subregion, country.m49_intermediate_region, country.itu_region)
    return [region for region in regions if region is not None]


def country_reach(country: Country, *, cards: int, entities: int) -> CountryReach:
    """Everything the country page counts: one statement, then the cards (a fixed number of queries)."""
    regions = country_regions(country)
    found: dict[str, dict[Any, tuple[int, Decimal]]] = {}
    leaders: list[EntityCount] = []
    latest_ids: list[int] = []
    with connection.cursor() as cursor:
        cursor.execute(*_reach_statement(country, [region.pk for region in regions], cards, entities))
        for kind, key, pledges, usd, name, slug in cursor.fetchall():
            if kind == "latest":
                latest_ids.append(key)
            elif kind == "leader":
                leaders.append(EntityCount(name, slug, pledges, _usd(usd)))
            else:
                found.setdefault(kind, {})[key] = (pledges, _usd(usd))
    cards_by_id = {
        pledge.pk: pledge for pledge in with_card_relations(Pledge.objects.filter(id__in=latest_ids)).order_by()
    }
    zero = (0, Decimal(0))
    return CountryReach(
        named=Totals(*found["named"][None]),
        by_focus_area=[
            BreakdownRow(area.code, area.name, *found.get("area", {}).get(area.pk, zero))
            for area in FocusArea.objects.all()
        ],
        by_pledge_type=[
            BreakdownRow(kind.code, kind.name, *found.get("type", {}).get(kind.pk, zero))
            for kind in PledgeType.objects.all()
        ],
        top_entities=leaders,
        latest=[cards_by_id[pk] for pk in latest_ids if pk in cards_by_id],
        through_regions=Totals(*found["regional"][None]),
        by_region=[(region, Totals(*found.get("region", {}).get(region.pk, zero))) for region in regions],
        worldwide=worldwide_totals(),
    )


# SQLite returns a sum of decimals as a float: Django's ``Sum`` reads it to 15 significant digits.
_SQLITE_SUM = Context(prec=15)


def _usd(value: Any) -> Decimal:
    """A summed USD estimate as ``Sum("usd_estimate")`` gives it on this engine (``None``: no amount, 0)."""
    if value is None:
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    return _SQLITE_SUM.create_decimal_from_float(value)


def _reach_statement(country: Country, region_ids: list[int], cards: int, entities: int) -> tuple[str, list[Any]]:
    """The statement behind ``country_reach`` and its parameters.

    One row per figure: ``(kind, key, pledges, usd, name, slug)``, where ``kind`` is ``named`` or
    ``regional`` (the totals, key ``NULL``), ``area``, ``type`` or ``region`` (key: the term's id),
    ``leader`` (the ``entities`` lead entities leading most named pledges, most first, with their
    names; ties by name) or ``latest`` (key: the id of one of the ``cards`` most recently published).
    """
    quote = connection.ops.quote_name
    pledge, entity = quote(Pledge._meta.db_table), quote(Entity._meta.db_table)
    countries, country_column = (quote(name) for name in relation_table("countries"))
    regions, region_column = (quote(name) for name in relation_table("regions"))
    areas, area_column = (quote(name) for name in relation_table("focus_areas"))
    types, type_column = (quote(name) for name in relation_table("pledge_types"))

    def total(column: str) -> str:
        # What Django's ``Sum`` writes: SQLite sums decimals as floats unless told otherwise.
        return f"CAST(SUM({column}) AS NUMERIC)" if connection.vendor == "sqlite" else f"SUM({column})"

    region_marks = ", ".join(["%s"] * len(region_ids)) or "NULL"
    sql = f"""
        WITH named AS (
            SELECT p.id, p.usd_estimate AS usd, p.lead_entity_id AS lead, p.published_at
            FROM {countries} c CROSS JOIN {pledge} p
            WHERE c.{country_column} = %s AND p.id = c.pledge_id AND p.state = %s
        ), leads AS (
            SELECT lead, COUNT(*) AS pledges, {total("usd")} AS usd FROM named GROUP BY lead
        ), regional AS (
            SELECT r.{region_column} AS region, p.id, p.usd_estimate AS usd
            FROM {regions} r CROSS JOIN {pledge} p
            WHERE r.{region_column} IN ({region_marks}) AND p.id = r.pledge_id AND p.state = %s AND p.scope = %s
                AND NOT EXISTS (
                    SELECT 1 FROM {countries} c WHERE c.pledge_id = r.pledge_id AND c.{country_column} = %s
                )
        )
        SELECT 'named', NULL, COUNT(*), {total("usd")}, NULL, NULL FROM named
        UNION ALL
        SELECT 'area', t.{area_column}, COUNT(*), {total("n.usd")}, NULL, NULL
        FROM named n CROSS JOIN {areas} t WHERE t.pledge_id = n.id GROUP BY t.{area_column}
        UNION ALL
        SELECT 'type', t.{type_column}, COUNT(*), {total("n.usd")}, NULL, NULL
        FROM named n CROSS JOIN {types} t WHERE t.pledge_id = n.id GROUP BY t.{type_column}
        UNION ALL
        SELECT * FROM (
            SELECT 'leader', l.lead, l.pledges, l.usd, e.name, e.slug
            FROM leads l CROSS JOIN {entity} e
            WHERE e.id = l.lead
                AND l.pledges >= COALESCE((SELECT pledges FROM leads ORDER BY pledges DESC LIMIT 1 OFFSET %s), 0)
            ORDER BY l.pledges DESC, e.name, e.id LIMIT %s
        ) leaders
        UNION ALL
        SELECT * FROM (
            SELECT 'latest', id, 0, CAST(NULL AS NUMERIC), CAST(NULL AS TEXT), CAST(NULL AS TEXT)
            FROM named ORDER BY published_at DESC, id DESC LIMIT %s
        ) latest
        UNION ALL
        SELECT 'region', region, COUNT(*), {total("usd")}, NULL, NULL FROM regional GROUP BY region
        UNION ALL
        SELECT 'regional', NULL, COUNT(*), {total("usd")}, NULL, NULL FROM (SELECT DISTINCT id, usd FROM regional) once
    """  # noqa: S608 - table and column names from the models
    params: list[Any] = [
        country.pk,
        Pledge.State.PUBLISHED,
        *region_ids,
        Pledge.State.PUBLISHED,
        Pledge.Scope.REGIONS,
        country.pk,
        max(entities - 1, 0),
        entities,
        cards,
    ]
    return sql, params
