"""Every number the dashboard shows for one filter state, computed in one SQL statement and cached.

The pledges counted are exactly those of the explorer's filter (``pledge_filter(params).queryset``):
only published pledges, each once. :func:`dashboard_aggregates` returns an :class:`Aggregates`:

- totals: pledges, estimated USD (in cents), how many state a value;
- pledging entities (lead entities and co-pledgers, each once) and the governments among them;
- pledges and USD naming at least one LDC, LLDC or SIDS (each pledge once per grouping);
- a :class:`Breakdown` per dimension (focus area, pledge type, SDG, target group, beneficiary
  country, UN region of implementation, lead entity's home region, lead entity's type);
- the number of pledges and their USD published on each day.

**Attribution** (docs/methodology.md). In a breakdown, ``Part.pledges`` counts the pledges that
name the category: a pledge naming three countries is counted under each of them, so those counts
overlap. Money is split equally instead: a pledge naming ``k`` categories of a dimension gives
each ``1/k`` of its estimated value, so the parts add up to the total. Pledges naming none
(a global pledge has no country) form the dimension's ``unattributed`` part. The split is exact
(fractions of a cent), then rounded to whole cents by the largest-remainder method so that the
rounded parts still add up, to the cent, to the total (:func:`apportion`).

**One statement**: the filtered pledges are a common table expression ``f`` (id, lead entity,
value in cents, publication day) that every part of the statement joins; the database computes
it once. A pledge's number of categories ``k`` comes from the relation table's index
(``SELECT COUNT(*) … WHERE pledge_id = f.id``), and the rows are grouped by (category, ``k``):
the exact share of a category is then ``Σ cents / k`` over its groups.

**Cache**: the result is kept in Django's cache under the data version
(:mod:`p2c.dashboard.freshness`, changed in the same transaction as any change to what is counted)
and the normalised filter state, so a publication or withdrawal shows on the next request, on
every process, whatever the cache backend.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import BigIntegerField, CharField, F, Field, Model
from django.db.models.functions import Cast, Round, Substr
from django.utils import timezone

from p2c.dashboard.freshness import data_version
from p2c.entities.models import Entity
from p2c.geo.models import Country
from p2c.pledges.filters import FilterOptions, FilterResult
from p2c.pledges.models import Pledge, PledgePartner

CACHE_SECONDS = 60 * 60  # a backstop only: the data version changes the key whenever the data changes
CACHE_PREFIX = "p2c:dashboard:aggregates:v1"

# The dimensions of the breakdowns, in the order the page shows them.
FOCUS_AREA = "focus_area"
PLEDGE_TYPE = "type"
ENTITY_TYPE = "entity_type"
REGION = "region"
HOME_REGION = "home_region"
SDG = "sdg"
TARGET_GROUP = "target_group"
COUNTRY = "country"
DIMENSIONS = (FOCUS_AREA, PLEDGE_TYPE, ENTITY_TYPE, REGION, HOME_REGION, SDG, TARGET_GROUP, COUNTRY)
# The relation table of each many-to-many dimension (``Pledge.<field>``).
M2M_FIELDS = {
    FOCUS_AREA: "focus_areas",
    PLEDGE_TYPE: "pledge_types",
    SDG: "sdgs",
    TARGET_GROUP: "target_groups",
    COUNTRY: "countries",
}
GROUPINGS = ("ldc", "lldc", "sids")
GROUPING = "grouping"  # the per-pledge rows of the groupings (p2c.dashboard.figures)
GOVERNMENT = "government"  # the entity type code of governments


@dataclass(frozen=True)
class Part:
    """One category of a breakdown: pledges naming it, and the USD attributed to it (whole cents).

    ``valued`` is how many of those pledges state an estimated value.
    """

    pledges: int
    cents: int
    valued: int = 0


@dataclass(frozen=True)
class Breakdown:
    """A dimension's categories (``code -> Part``, largest share first) and the pledges naming none.

    ``sum(p.cents for p in parts.values()) + unattributed.cents`` equals the total, to the cent;
    ``unattributed.pledges`` plus the pledges naming at least one category is the total count.
    """

    dimension: str
    parts: dict[str, Part]
    unattributed: Part

    @property
    def attributed_cents(self) -> int:
        """USD (cents) attributed to the categories: the total minus the unattributed part."""
        return sum(p.cents for p in self.parts.values())


@dataclass(frozen=True)
class Aggregates:
    """Every figure of the dashboard for one filter state (picklable: it lives in the cache)."""

    pledges: int
    cents: int
    valued: int
    entities: int
    governments: int
    groupings: dict[str, Part]
    breakdowns: dict[str, Breakdown]
    days: list[tuple[dt.date, int, int]]  # (day, pledges published that day, their cents), by day
    version: str = ""  # the data version they were computed at
    computed_at: dt.datetime | None = None

    @property
    def countries(self) -> int:
        """Beneficiary countries: the distinct countries the pledges name."""
        return sum(1 for part in self.breakdowns[COUNTRY].parts.values() if part.pledges)


# --- Rounding ------------------------------------------------------------------------------------
def apportion(shares: Mapping[str, Fraction], total: int) -> dict[str, int]:
    """Whole numbers for exact ``shares`` that add up to ``total`` (largest-remainder method).

    Each share is rounded down; the cents left over (fewer than the number of shares) go one each
    to the shares with the largest fractional parts, ties to the first code in sort order. ``total``
    must equal the sum of the shares rounded to a whole number, which it is here by construction.
    """
    floors = {code: share.numerator // share.denominator for code, share in shares.items()}
    left = total - sum(floors.values())
    if left < 0 or left > len(shares):
        raise ValueError(f"the shares add up to {float(sum(shares.values()))}, not {total}")
    ranked = sorted(shares, key=lambda code: (-(shares[code] - floors[code]), code))
    for code in ranked[:left]:
        floors[code] += 1
    return floors


def _apportion_over(numerators: Mapping[str, int], denominator: int, total: int) -> dict[str, int]:
    """:func:`apportion` of the shares ``numerator / denominator``, in whole numbers (the same result:
    over one denominator, the fractional parts compare as the remainders do)."""
    floors = {code: numerator // denominator for code, numerator in numerators.items()}
    left = total - sum(floors.values())
    if left < 0 or left > len(numerators):  # pragma: no cover - by construction
        raise ValueError(f"the shares add up to {sum(numerators.values()) / denominator}, not {total}")
    ranked = sorted(numerators, key=lambda code: (-(numerators[code] % denominator), code))
    for code in ranked[:left]:
        floors[code] += 1
    return floors


def _breakdown(dimension: str, rows: Iterable[tuple[Any, Any, int, int, int]], total: Part) -> Breakdown:
    """Fold rows of (category, k, pledges, cents, valued) into a :class:`Breakdown`.

    ``k`` is how many categories of this dimension each of those pledges names; ``None`` as the
    category gathers pledges that name none (single-valued dimensions report them that way).
    The exact shares are sums of ``cents / k``: added up over a common denominator (the least
    common multiple of the ``k`` found), in whole numbers, and apportioned as :func:`apportion` does.
    """
    sums: dict[str, dict[int, list[int]]] = {}  # code -> k -> [pledges, cents, valued]
    for cat, k, pledges, cents, valued in rows:
        if cat is None:
            continue
        by_k = sums.setdefault(str(cat), {})
        found = by_k.get(int(k or 1))
        if found is None:
            by_k[int(k or 1)] = [int(pledges), int(cents or 0), int(valued)]
        else:
            found[0] += int(pledges)
            found[1] += int(cents or 0)
            found[2] += int(valued)
    denominator = math.lcm(*{k for by_k in sums.values() for k in by_k}) if sums else 1
    numerators: dict[str, int] = {}
    counts: dict[str, tuple[int, int]] = {}
    named_pledges = named_valued = 0  # in 1/denominator
    for code, by_k in sums.items():
        numerator = 0
        for k, (pledges, cents, valued) in by_k.items():
            share = denominator // k
            numerator += cents * share
            named_pledges += pledges * share
            named_valued += valued * share
        numerators[code] = numerator
        counts[code] = (sum(v[0] for v in by_k.values()), sum(v[2] for v in by_k.values()))
    attributed, remainder = divmod(sum(numerators.values()), denominator)
    if remainder or named_pledges % denominator:  # pragma: no cover - by construction
        raise ValueError(f"{dimension}: the shares of whole pledges do not add up to whole cents")
    rounded = _apportion_over(numerators, denominator, attributed)
    parts = {
        code: Part(counts[code][0], rounded[code], counts[code][1])
        for code in sorted(numerators, key=lambda c: (-rounded[c], -counts[c][0], c))
    }
    unattributed = Part(
        total.pledges - named_pledges // denominator,
        total.cents - attributed,
        total.valued - named_valued // denominator,
    )
    return Breakdown(dimension, parts, unattributed)


# --- The statement --------------------------------------------------------------------------------
def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model: type[Model], name: str) -> str:
    found = model._meta.get_field(name)
    assert isinstance(found, Field)  # noqa: S101 - a concrete column, not a reverse relation
    return connection.ops.quote_name(str(found.column))


def _through(name: str) -> tuple[str, str, str]:
    """Table, pledge column and category column of the relation table of ``Pledge.<name>``."""
    m2m = Pledge._meta.get_field(name)
    through = m2m.remote_field.through  # type: ignore[union-attr]
    other = m2m.m2m_reverse_field_name()  # type: ignore[union-attr]
    return _table(through), _column(through, "pledge"), _column(through, other)


def m49_tops(options: FilterOptions) -> dict[int, int]:
    """``{region id: id of the UN M49 region it lies in}`` for every M49 region, regions included.

    The top-level regions (Africa, Americas, Asia, Europe, Oceania) are those that contain
    others and lie in none; which region lies within which is derived from the countries, as the
    explorer's ``m49_region`` filter does (``FilterOptions.m49_children``).
    """
    return tops_of(options.m49_children)


def m49_children_of(chains: Iterable[Iterable[int | None]]) -> dict[int, set[int]]:
    """``{region id: ids of the regions within it}`` from the countries' (region, sub-region,
    intermediate region) ids, as ``p2c.pledges.filters`` derives ``FilterOptions.m49_children``."""
    children: dict[int, set[int]] = {}
    for row in chains:
        chain = [r for r in row if r is not None]
        for i, parent in enumerate(chain):
            children.setdefault(parent, set()).update(chain[i + 1 :])
    return children


def tops_of(children: Mapping[int, set[int]]) -> dict[int, int]:
    """``{region id: its top-level region}`` for ``children`` as returned by :func:`m49_children_of`."""
    within = set().union(*children.values()) if children else set()
    tops: dict[int, int] = {}
    for top in sorted(set(children) - within):
        tops[top] = top
        for child in sorted(children[top]):
            tops.setdefault(child, top)
    return tops


# A pledge's value in whole cents (NULL without one) and its day of publication (UTC, ``YYYY-MM-DD``):
# the first ten characters of the timestamp as text, on both databases (a date function is a Python
# function call per row on SQLite). The per-pledge rows hold them as computed by these expressions.
CENTS = Cast(Round(F("usd_estimate") * 100), BigIntegerField())
DAY = Substr(Cast("published_at", CharField()), 1, 10)


def filtered_cte(result: FilterResult) -> tuple[str, list[Any]]:
    """The common table expression ``f(id, lead_id, cents, pday)`` of the filtered pledges, and its parameters:
    id, lead entity, value in cents or NULL, publication day (UTC, as ``YYYY-MM-DD``)."""
    filtered = (
        result.queryset.order_by()
        .annotate(d_id=F("id"), d_lead=F("lead_entity_id"), d_cents=CENTS, d_day=DAY)
        .values("d_id", "d_lead", "d_cents", "d_day")
    )
    inner, inner_params = filtered.query.sql_with_params()
    sql = "f(id, lead_id, cents, pday) AS (SELECT d_id, d_lead, d_cents, d_day FROM (" + inner + ") q)"  # noqa: S608
    return sql, list(inner_params)


def statement_parts(
    result: FilterResult, *, tops: Mapping[int, int], government_type: int | None
) -> tuple[str, list[Any], list[tuple[str, str, list[Any]]]]:
    """The common table expressions (SQL, parameters) and the parts of the statement (name, SQL, parameters).

    ``f`` is the filtered pledges: (id, lead entity, value in cents or NULL, publication day).
    ``g`` is, for each of them naming a country or an M49 region, a signature of flags: whether
    it names an LDC, an LLDC, a SIDS, and each top-level UN region (by a country in it, by itself
    or by a region within it) — one pass over the countries named serves all of these.

    Every part selects rows of (dimension, category, k, pledges, cents, valued); see the module
    docstring. Table and column names come from the models (quoted); every value is a parameter.
    ``f CROSS JOIN t WHERE …`` makes SQLite walk the filtered pledges and look their relations up
    by index (PostgreSQL plans as it likes).
    """
    f_cte, inner_params = filtered_cte(result)
    pledge_country, pc_pledge, pc_country = _through("countries")
    pledge_region, pr_pledge, pr_region = _through("regions")
    entity, country = _table(Entity), _table(Country)
    iso2, m49 = _column(Country, "iso2"), _column(Country, "m49_region")
    e_id, e_type, e_home = _column(Entity, "id"), _column(Entity, "entity_type"), _column(Entity, "home_country")
    top_ids = sorted(set(tops.values()))
    flags = [f"CAST(k.{_column(Country, 'is_' + code)} AS INTEGER)" for code in GROUPINGS]
    region_flags = ["MAX(CASE WHEN u.top = %s THEN 1 ELSE 0 END)" for _ in top_ids]
    if tops:
        case = "CASE " + " ".join(f"WHEN r.{pr_region} = %s THEN %s" for _ in tops) + " END"
        named = (
            f"UNION ALL SELECT r.{pr_pledge}, f.cents, 0, 0, 0, {case} FROM f CROSS JOIN {pledge_region} r "  # noqa: S608 - names from the models
            f"WHERE r.{pr_pledge} = f.id AND r.{pr_region} IN ({', '.join(['%s'] * len(tops))})"
        )
        named_params: list[Any] = [value for pair in tops.items() for value in pair] + list(tops)
    else:
        named, named_params = "", []
    signature = " || ".join(
        [f"CAST(MAX(u.{code}) AS TEXT)" for code in GROUPINGS] + [f"CAST({flag} AS TEXT)" for flag in region_flags]
    )
    ctes = (
        f"WITH {f_cte}, "  # noqa: S608 - names from the models
        f"g(id, cents, sig) AS (SELECT u.pledge_id, MAX(u.cents), {signature} FROM ("
        f"SELECT c.{pc_pledge} AS pledge_id, f.cents AS cents, {flags[0]} AS ldc, {flags[1]} AS lldc, "
        f"{flags[2]} AS sids, k.{m49} AS top FROM f CROSS JOIN {pledge_country} c "
        f"JOIN {country} k ON k.{iso2} = c.{pc_country} WHERE c.{pc_pledge} = f.id "
        f"{named}) u GROUP BY u.pledge_id) "
    )
    cte_params = [*inner_params, *top_ids, *named_params]  # in the order of their placeholders
    values = "COUNT(*), SUM(f.cents), COUNT(f.cents)"
    text = "CAST({} AS TEXT)".format  # categories are text in every part (countries are ISO codes)

    parts: list[tuple[str, str, list[Any]]] = [
        ("total", f"SELECT 'total', CAST(NULL AS TEXT), 1, {values} FROM f", []),  # noqa: S608 - names from the models
        ("day", f"SELECT 'day', f.pday, 1, {values} FROM f GROUP BY f.pday", []),  # noqa: S608 - names from the models
        ("geo", "SELECT 'geo', g.sig, 1, COUNT(*), SUM(g.cents), COUNT(g.cents) FROM g GROUP BY g.sig", []),
    ]
    for dimension, name in M2M_FIELDS.items():
        table, pledge_col, cat_col = _through(name)
        sql = (
            f"SELECT '{dimension}', x.cat, x.k, COUNT(*), SUM(x.cents), COUNT(x.cents) FROM ("  # noqa: S608 - names from the models
            f"SELECT {text('t.' + cat_col)} AS cat, f.cents AS cents, "
            f"(SELECT COUNT(*) FROM {table} t2 WHERE t2.{pledge_col} = f.id) AS k "
            f"FROM f CROSS JOIN {table} t WHERE t.{pledge_col} = f.id) x GROUP BY x.cat, x.k"
        )
        parts.append((dimension, sql, []))
    sql = (
        f"SELECT '{HOME_REGION}', {text('k.' + m49)}, 1, {values} FROM f CROSS JOIN {entity} e "  # noqa: S608 - names from the models
        f"LEFT JOIN {country} k ON k.{iso2} = e.{e_home} WHERE e.{e_id} = f.lead_id GROUP BY k.{m49}"
    )
    parts.append((HOME_REGION, sql, []))
    sql = (
        f"SELECT '{ENTITY_TYPE}', {text('e.' + e_type)}, 1, {values} FROM f CROSS JOIN {entity} e "  # noqa: S608 - names from the models
        f"WHERE e.{e_id} = f.lead_id GROUP BY e.{e_type}"
    )
    parts.append((ENTITY_TYPE, sql, []))
    parts.append(entities_part(government_type))
    return ctes, cte_params, parts


def entities_part(government_type: int | None) -> tuple[str, str, list[Any]]:
    """The part counting the pledging entities of ``f`` (lead entities and co-pledgers, each once) and,
    in its "cents" column, the governments among them."""
    entity, partner = _table(Entity), _table(PledgePartner)
    e_id, e_type = _column(Entity, "id"), _column(Entity, "entity_type")
    p_pledge, p_entity, p_role = (_column(PledgePartner, n) for n in ("pledge", "entity", "role"))
    sql = (
        f"SELECT 'entities', CAST(NULL AS TEXT), 1, COUNT(*), "  # noqa: S608 - names from the models
        f"SUM(CASE WHEN e.{e_type} = %s THEN 1 ELSE 0 END), 0 FROM {entity} e WHERE e.{e_id} IN ("
        f"SELECT f.lead_id FROM f UNION SELECT p.{p_entity} FROM f CROSS JOIN {partner} p "
        f"WHERE p.{p_pledge} = f.id AND p.{p_role} = %s)"
    )
    government = government_type if government_type is not None else -1
    return ("entities", sql, [government, PledgePartner.Role.CO_PLEDGER.value])


def statement(result: FilterResult, *, tops: Mapping[int, int], government_type: int | None) -> tuple[str, list[Any]]:
    """The on-the-fly statement (every category counted from the relation tables): SQL and parameters."""
    ctes, params, parts = statement_parts(result, tops=tops, government_type=government_type)
    sql = ctes + " UNION ALL ".join(part for _name, part, _params in parts)
    return sql, params + [value for _name, _part, part_params in parts for value in part_params]


# The dimensions in ``PledgeFigure.tags``, in order (few categories each: few combinations), and
# those with a column of their own (many categories: their signatures alone are already many).
TAGS = (FOCUS_AREA, PLEDGE_TYPE, REGION, GROUPING, ENTITY_TYPE, HOME_REGION)
SEPARATE = (SDG, TARGET_GROUP, COUNTRY)
SIGNATURES = {SDG: "sdgs", TARGET_GROUP: "target_groups", COUNTRY: "countries"}


def figures_statement(result: FilterResult, *, government_type: int | None) -> tuple[str, list[Any]]:
    """The statement over the per-pledge rows (``PledgeFigure``): SQL and parameters.

    The filtered pledges ``f`` are their rows, selected by the explorer's filter (``pledge_id IN
    (…)``) and computed once: each row holds the pledge's lead entity, value in cents and day, so
    the statement never reads the (wide) pledge rows beyond what the filter needs. The rows are
    then grouped by each signature column (``tags``, ``sdgs``, ``target_groups``, ``countries``):
    four sorts of one row per pledge, where a row per (pledge, category) would sort some fourteen
    per pledge. :func:`compute` splits each signature into its ``k`` categories. Totals, days and
    pledging entities come from ``f`` as in :func:`statement`.
    """
    from p2c.dashboard.models import PledgeFigure

    ids, params = result.queryset.order_by().values("id").query.sql_with_params()
    figure, r_pledge = _table(PledgeFigure), _column(PledgeFigure, "pledge")
    columns = [_column(PledgeFigure, name) for name in ("tags", *SIGNATURES.values())]
    lead, cents, day = (_column(PledgeFigure, name) for name in ("lead", "cents", "day"))
    names = ["s" + str(i) for i in range(len(columns))]
    values = "COUNT(*), SUM(f.cents), COUNT(f.cents)"
    parts = [
        f"SELECT 'total', CAST(NULL AS TEXT), 1, {values} FROM f",  # noqa: S608 - names from the models
        f"SELECT 'day', f.pday, 1, {values} FROM f GROUP BY f.pday",  # noqa: S608 - names from the models
        *(
            f"SELECT '{name}', f.{column}, 1, {values} FROM f GROUP BY f.{column}"  # noqa: S608 - names from the models
            for name, column in zip(("tags", *SEPARATE), names, strict=True)
        ),
    ]
    f_columns = ", ".join(f"r.{column}" for column in columns)
    f_cte = (
        f"f(id, lead_id, cents, pday, {', '.join(names)}) AS (SELECT r.{r_pledge}, r.{lead}, r.{cents}, r.{day}, "  # noqa: S608 - names from the models
        f"{f_columns} FROM {figure} r WHERE r.{r_pledge} IN ({ids}))"
    )
    _name, entities_sql, entities_params = entities_part(government_type)
    sql = f"WITH {f_cte} " + " UNION ALL ".join([*parts, entities_sql])
    return sql, [*params, *entities_params]


Row = tuple[Any, int, int, int, int]  # (category, k, pledges, cents, valued)


def _fetch(sql: str, params: list[Any]) -> dict[str, list[Row]]:
    """Run a statement; its rows of (dimension, category, k, pledges, cents, valued) by dimension."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    by_dimension: dict[str, list[Row]] = {}
    for dimension, cat, k, pledges, cents, valued in rows:
        by_dimension.setdefault(dimension, []).append(
            (cat, int(k or 1), int(pledges or 0), int(cents or 0), int(valued or 0))
        )
    return by_dimension


def _add(into: dict[tuple[str, int], list[int]], signature: str, pledges: int, cents: int, valued: int) -> None:
    """Add a signature's pledges, cents and valued pledges to each of its ``k`` categories, by (category, k)."""
    codes = signature.split(",")
    k = len(codes)
    for code in codes:
        known = into.get((code, k))
        if known is None:
            into[(code, k)] = [pledges, cents, valued]
        else:
            known[0] += pledges
            known[1] += cents
            known[2] += valued


def compute(result: FilterResult) -> Aggregates:
    """Every aggregate of ``result`` from the per-pledge rows (one query; see :func:`figures_statement`).

    The rows are folded as the cursor yields them, none kept: a filtered statement returns thousands
    (about one per pledge for the countries), and rows kept until the end would outlive several of
    Python's garbage collections, whose full passes then cost more than the folding itself.
    """
    government_type = result.options.entity_types.get(GOVERNMENT)
    # A signature stands for its pledges naming each of its k categories: add them up by
    # (category, k), in whole numbers; _breakdown then makes the exact shares.
    found: dict[str, dict[tuple[str, int], list[int]]] = {dimension: {} for dimension in DIMENSIONS}
    groupings = {code: [0, 0, 0] for code in GROUPINGS}
    by_dimension: dict[str, list[Row]] = {}
    separate = set(SEPARATE)
    with connection.cursor() as cursor:
        cursor.execute(*figures_statement(result, government_type=government_type))
        for dimension, signature, _k, pledges_n, cents_n, valued_n in cursor:
            pledges, cents, valued = int(pledges_n or 0), int(cents_n or 0), int(valued_n or 0)
            if dimension == "tags":
                for tagged, tags in zip(TAGS, str(signature).split("|"), strict=True):
                    if tagged == GROUPING:
                        for code, flag in zip(GROUPINGS, tags, strict=False):
                            if flag == "1":
                                sums = groupings[code]
                                sums[0] += pledges
                                sums[1] += cents
                                sums[2] += valued
                    elif tags:
                        _add(found[tagged], tags, pledges, cents, valued)
            elif dimension in separate:
                if signature:
                    _add(found[dimension], str(signature), pledges, cents, valued)
            else:  # the total, the days, the pledging entities
                by_dimension.setdefault(dimension, []).append((signature, 1, pledges, cents, valued))
    for dimension, into in found.items():
        by_dimension[dimension] = [(code, k, p, c, v) for (code, k), (p, c, v) in into.items()]
    return _fold(by_dimension, groupings)


def compute_directly(result: FilterResult) -> Aggregates:
    """Every aggregate of ``result`` counted from the relation tables (one query, no per-pledge rows).

    The definition the per-pledge rows are checked against (tests, ``p2c dashboard-figures --check``).
    """
    options = result.options
    tops = m49_tops(options)
    top_ids = sorted(set(tops.values()))
    by_dimension = _fetch(*statement(result, tops=tops, government_type=options.entity_types.get(GOVERNMENT)))
    # The geography signatures: three grouping flags, then one flag per top-level UN region.
    groupings = {code: [0, 0, 0] for code in GROUPINGS}
    for sig, _k, pledges, sig_cents, sig_valued in by_dimension.pop("geo", []):
        flags = str(sig)
        for code, flag in zip(GROUPINGS, flags, strict=False):
            if flag == "1":
                found = groupings[code]
                found[0], found[1], found[2] = found[0] + pledges, found[1] + sig_cents, found[2] + sig_valued
        named = [top for top, flag in zip(top_ids, flags[len(GROUPINGS) :], strict=False) if flag == "1"]
        for top in named:
            by_dimension.setdefault(REGION, []).append((top, len(named), pledges, sig_cents, sig_valued))
    return _fold(by_dimension, groupings)


def _fold(by_dimension: dict[str, list[Row]], groupings: dict[str, list[int]]) -> Aggregates:
    (_none, _k, count, cents, valued) = by_dimension["total"][0]
    total = Part(count, cents, valued)
    (_none, _k, entities, governments, _zero) = by_dimension["entities"][0]
    days = sorted(
        (_as_date(day), pledges, day_cents) for day, _k, pledges, day_cents, _v in by_dimension.get("day", [])
    )
    return Aggregates(
        pledges=count,
        cents=cents,
        valued=valued,
        entities=entities,
        governments=governments,
        groupings={code: Part(*found) for code, found in groupings.items()},
        breakdowns={dim: _breakdown(dim, by_dimension.get(dim, []), total) for dim in DIMENSIONS},
        days=days,
    )


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


# --- Cache ---------------------------------------------------------------------------------------
def filter_state(result: FilterResult) -> list[tuple[str, tuple[str, ...]]]:
    """The filters that apply, normalised (cleaned values, sorted; the sort order left out)."""
    return sorted((name, tuple(sorted(values))) for name, values in result.values.items() if name != "sort")


def cache_key(result: FilterResult, version: str) -> str:
    """The cache key of ``result``'s aggregates under data ``version``."""
    digest = hashlib.sha256(repr(filter_state(result)).encode()).hexdigest()[:32]
    return f"{CACHE_PREFIX}:{version}:{digest}"


ACCOUNTABILITY_PREFIX = "p2c:dashboard:accountability:v1"


def accountability_aggregates(result: FilterResult, *, version: str | None = None) -> Any:
    """The "Delivery and reporting" figures of ``result`` (``p2c.reporting.figures.Accountability``), cached.

    Keyed like the aggregates by the data version (bumped when a report is accepted and a cycle is
    opened or closed) and the filter state, and by the day, since "overdue" depends on it.
    """
    from p2c.reporting.figures import accountability
    from p2c.reporting.freshness import cycles_now

    version = version if version is not None else data_version()
    today = timezone.localdate()
    digest = hashlib.sha256(repr(filter_state(result)).encode()).hexdigest()[:32]
    key = f"{ACCOUNTABILITY_PREFIX}:{version}:{today.isoformat()}:{digest}"
    found = cache.get(key)
    if found is None:
        found = accountability(
            result.queryset, cycles=cycles_now(), today=today, breakdowns=True, everything=not result.is_filtered
        )
        cache.set(key, found, CACHE_SECONDS)
    return found


def dashboard_aggregates(result: FilterResult, *, version: str | None = None, warmed: bool = False) -> Aggregates:
    """The aggregates of ``result``, from the cache when the data has not changed since they were computed.

    With ``warmed`` (a request for every published pledge), a miss reads the figures the
    background task computed for this version (``p2c.dashboard.warm``: one query), if it has.
    """
    version = version if version is not None else data_version()
    key = cache_key(result, version)
    found: Aggregates | None = cache.get(key)
    if found is None and warmed and not filter_state(result):
        from p2c.dashboard.warm import warmed_aggregates

        found = warmed_aggregates(version)
        if found is not None:
            cache.set(key, found, CACHE_SECONDS)
    if found is None:
        found = replace(compute(result), version=version, computed_at=timezone.now())
        cache.set(key, found, CACHE_SECONDS)
    return found
