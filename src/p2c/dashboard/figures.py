"""The dashboard's per-pledge row (``PledgeFigure``): how it is built, and how it is kept current.

Each published pledge has one row saying what it names in every breakdown (``PledgeFigure``): a
signature per dimension (the sorted codes of the categories it names, comma-separated), the
flags of the groupings, the type and home region of its lead entity; and, so that the figures need
no pledge row, its lead entity, value in cents and day of publication. They follow the attribution
rules of ``docs/methodology.md`` exactly as the on-the-fly statement does
(:func:`p2c.dashboard.aggregates.compute_directly`, which the tests compare them with):

- focus areas, pledge types, SDGs, target groups, beneficiary countries: the tags it carries;
- UN regions of implementation: the top-level M49 regions it names, each once, by a country in
  it (the country's ``m49_region``), by itself or by a region within it (which region lies in which
  is derived from the countries, as ``FilterOptions.m49_children``);
- groupings: whether it names at least one LDC, LLDC, SIDS;
- the lead entity's type, and the UN region of its home country (empty without one).

**Built** by one ``INSERT … SELECT`` for a set of pledges (:func:`figures_refresh`), or for every
published pledge (:func:`figures_rebuild`); pledges that are not published get no row.

**Kept current in the same transaction as the change**, by signal receivers
(:func:`connect_receivers`): a pledge saved (publication, withdrawal, every review transition, a
revision applied, an edit, the bulk import), a relation of a pledge changed (from either side),
an entity edited (the type and home country of the pledges it leads), a country edited (its
groupings and region), a taxonomy term or a country deleted (their relation rows go silently with
them), and demo data marked as loaded (its pledges are inserted in bulk without signals: the
published ones without a row get one then). Two rare bulk changes rebuild every row just after
their transaction commits, and bump the data version again: the reference data reloaded with
changes (``ReferenceList`` saved; countries are updated in bulk, without signals) and a region
deleted. Writes that send no signals must call :func:`figures_refresh` (and
``data_version_bump``) themselves; ``p2c dashboard-figures`` rebuilds every row and checks them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, F
from django.db.models.expressions import RawSQL
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from p2c.dashboard import aggregates as agg
from p2c.dashboard.models import PledgeFigure

# The relations of ``Pledge`` a row is derived from (partners and pillars are not).
RELATIONS = ("focus_areas", "pledge_types", "sdgs", "target_groups", "countries", "regions")
# Pledge fields the row depends on besides its relations: whether it is published, its lead entity,
# its value and its publication time.
ROW_FIELDS = frozenset({"state", "lead_entity", "lead_entity_id", "usd_estimate", "published_at"})
CHUNK = 500  # pledge ids per statement


def _signature(inner: str) -> str:
    """The sorted values ``c`` of the subquery ``inner``, comma-separated ('' for none)."""
    if connection.vendor == "postgresql":
        return f"COALESCE((SELECT string_agg(s.c, ',' ORDER BY s.c) FROM ({inner}) s), '')"  # noqa: S608 - our SQL
    return f"COALESCE((SELECT group_concat(s.c, ',') FROM ({inner} ORDER BY 1) s), '')"  # noqa: S608 - our SQL


def _columns(tops: Mapping[int, int]) -> tuple[list[tuple[str, str]], list[Any]]:
    """(column, SQL expression over ``p(id, lead_id, cents, pday)``) of every column of a row, and the parameters."""
    from p2c.entities.models import Entity
    from p2c.geo.models import Country

    country = agg._table(Country)
    iso2, m49 = agg._column(Country, "iso2"), agg._column(Country, "m49_region")
    entity = agg._table(Entity)
    e_id, e_type, e_home = (agg._column(Entity, n) for n in ("id", "entity_type", "home_country"))
    pc, pc_pledge, pc_country = agg._through("countries")
    pr, pr_pledge, pr_region = agg._through("regions")
    signatures: dict[str, str] = {}
    for dimension, name in agg.M2M_FIELDS.items():
        table, pledge_col, cat_col = agg._through(name)
        inner = f"SELECT CAST(t.{cat_col} AS TEXT) AS c FROM {table} t WHERE t.{pledge_col} = p.id"  # noqa: S608 - names from the models
        signatures[dimension] = _signature(inner)
    signatures[agg.REGION] = "''"
    params: list[Any] = []  # only the regions' expression has parameters
    if tops:
        top_ids = sorted(set(tops.values()))
        case = "CASE " + " ".join(f"WHEN r.{pr_region} = %s THEN %s" for _ in tops) + " END"
        # Lookups by primary key (a join lets PostgreSQL hash the countries once per pledge).
        inner = (
            f"SELECT CAST(u.top AS TEXT) AS c FROM (SELECT (SELECT k.{m49} FROM {country} k "  # noqa: S608 - names from the models
            f"WHERE k.{iso2} = x.{pc_country}) AS top FROM {pc} x WHERE x.{pc_pledge} = p.id "
            f"UNION SELECT {case} FROM {pr} r WHERE r.{pr_pledge} = p.id "
            f"AND r.{pr_region} IN ({', '.join(['%s'] * len(tops))})) u "
            f"WHERE u.top IN ({', '.join(['%s'] * len(top_ids))})"
        )
        signatures[agg.REGION] = _signature(inner)
        params = [*(value for pair in tops.items() for value in pair), *tops, *top_ids]
    signatures[agg.GROUPING] = " || ".join(
        f"CASE WHEN EXISTS (SELECT 1 FROM {pc} x WHERE x.{pc_pledge} = p.id AND x.{pc_country} IN "  # noqa: S608 - names from the models
        f"(SELECT k.{iso2} FROM {country} k WHERE k.{agg._column(Country, 'is_' + code)})) THEN '1' ELSE '0' END"
        for code in agg.GROUPINGS
    )
    signatures[agg.ENTITY_TYPE] = (
        f"COALESCE((SELECT CAST(e.{e_type} AS TEXT) FROM {entity} e WHERE e.{e_id} = p.lead_id), '')"  # noqa: S608 - names from the models
    )
    signatures[agg.HOME_REGION] = (
        f"COALESCE((SELECT CAST(k.{m49} AS TEXT) FROM {country} k WHERE k.{iso2} = "  # noqa: S608 - names from the models
        f"(SELECT e.{e_home} FROM {entity} e WHERE e.{e_id} = p.lead_id)), '')"
    )
    tags = " || '|' || ".join(f"({signatures[dimension]})" for dimension in agg.TAGS)
    columns = [("tags", tags)] + [(agg.SIGNATURES[d], signatures[d]) for d in agg.SEPARATE]
    columns += [("lead", "p.lead_id"), ("cents", "p.cents"), ("day", "p.pday")]
    return columns, params


def _insert(scope: str, scope_params: Sequence[Any], tops: Mapping[int, int]) -> None:
    """Insert the rows of the published pledges matching ``scope`` (SQL on the pledge table)."""
    from p2c.pledges.models import Pledge

    columns, params = _columns(tops)
    names = ", ".join([agg._column(PledgeFigure, "pledge"), *(agg._column(PledgeFigure, n) for n, _sql in columns)])
    pledges = Pledge.objects.filter(state=Pledge.State.PUBLISHED)
    if scope:
        pledges = pledges.filter(RawSQL(scope, list(scope_params), output_field=BooleanField()))  # noqa: S611 - our SQL
    # The value and the day as the filtered statement computed them before the rows held them.
    inner, inner_params = (
        pledges.order_by()
        .annotate(d_id=F("id"), d_lead=F("lead_entity_id"), d_cents=agg.CENTS, d_day=agg.DAY)
        .values("d_id", "d_lead", "d_cents", "d_day")
        .query.sql_with_params()
    )
    sql = (
        f"INSERT INTO {agg._table(PledgeFigure)} ({names}) "  # noqa: S608 - names from the models
        f"SELECT p.id, {', '.join(expression for _n, expression in columns)} FROM "
        f"(SELECT d_id AS id, d_lead AS lead_id, d_cents AS cents, d_day AS pday FROM ({inner}) q) p"
    )
    # The placeholders: the pledges' (in the FROM clause) come after the columns' in the text.
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *inner_params])


def _delete(scope: str, scope_params: Sequence[Any]) -> int:
    """Delete the rows of the pledges whose id matches ``scope`` (every row without one); how many went."""
    where = f" WHERE {agg._column(PledgeFigure, 'pledge')} IN ({scope})" if scope else ""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {agg._table(PledgeFigure)}{where}", list(scope_params))  # noqa: S608 - names from the models
        return int(cursor.rowcount or 0)


def current_tops() -> dict[int, int]:
    """``{M49 region id: id of the top-level UN region it lies in}``, from the countries now (one query)."""
    from p2c.geo.models import Country

    rows = Country.objects.values_list("m49_region_id", "m49_subregion_id", "m49_intermediate_region_id")
    return agg.tops_of(agg.m49_children_of(rows))


def figures_refresh(pledge_ids: Iterable[int]) -> None:
    """Recompute the rows of these pledges (those not published get none), in one transaction."""
    ids = sorted({int(i) for i in pledge_ids})
    if not ids:
        return
    tops = current_tops()
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            _delete(marks, chunk)
            _insert(f"{agg._column(_pledge_model(), 'id')} IN ({marks})", chunk, tops)


def figures_rebuild() -> int:
    """Recompute the row of every published pledge; how many there are."""
    with transaction.atomic():
        _delete("", [])
        _insert("", [], current_tops())
    return PledgeFigure.objects.count()


def figures_fill_missing() -> None:
    """Build the rows of published pledges that have none (pledges inserted in bulk, without signals)."""
    figure, pledge = agg._table(PledgeFigure), agg._table(_pledge_model())
    f_pledge, p_id = agg._column(PledgeFigure, "pledge"), agg._column(_pledge_model(), "id")
    scope = f"NOT EXISTS (SELECT 1 FROM {figure} x WHERE x.{f_pledge} = {pledge}.{p_id})"  # noqa: S608 - names from the models
    with transaction.atomic():
        _insert(scope, [], current_tops())


def _pledge_model() -> Any:
    from p2c.pledges.models import Pledge

    return Pledge


# --- Receivers -------------------------------------------------------------------------------------
def _active() -> bool:
    from p2c.dashboard import freshness

    return not freshness.is_migrating()


def _pledge_saved(
    sender: Any, instance: Any, created: bool = False, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    """Published: its row, when what it depends on may have changed. Otherwise: no row."""
    if raw or not _active():
        return
    if instance.state == instance.State.PUBLISHED:
        if created or update_fields is None or ROW_FIELDS & set(update_fields):
            figures_refresh([instance.pk])
    elif not created and (update_fields is None or "state" in update_fields) and _delete("%s", [instance.pk]):
        from p2c.dashboard.warm import schedule_after_commit

        schedule_after_commit()  # it was published: the figures change


def _relations_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any = None, **kwargs: Any
) -> None:
    """The focus areas, countries, … of a pledge changed, or (from the other side) of several pledges."""
    if not _active():
        return
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear") and instance.state == instance.State.PUBLISHED:
            figures_refresh([instance.pk])
        return
    # From the category's side ``pk_set`` holds pledges; a clear names none, so note them before.
    if action == "pre_clear":
        instance._dashboard_pledges = _pledges_of(sender, instance.pk)
    elif action == "post_clear":
        figures_refresh(getattr(instance, "_dashboard_pledges", []))
    elif action in ("post_add", "post_remove"):
        figures_refresh(pk_set or [])


def _pledges_of(through: Any, category: Any) -> list[int]:
    """The pledges that the relation table ``through`` links to ``category``."""
    other = next(
        f.attname for f in through._meta.concrete_fields if f.is_relation and f.related_model is not _pledge_model()
    )
    return list(through.objects.filter(**{other: category}).values_list("pledge_id", flat=True))


def _entity_saved(sender: Any, instance: Any, created: bool = False, raw: bool = False, **kwargs: Any) -> None:
    """The type and home country of a lead entity count in two breakdowns of the pledges it leads."""
    if raw or created or not _active():
        return
    pledge = _pledge_model()
    table, p_id, p_lead = agg._table(pledge), agg._column(pledge, "id"), agg._column(pledge, "lead_entity")
    with transaction.atomic():
        _delete(f"SELECT {p_id} FROM {table} WHERE {p_lead} = %s", [instance.pk])  # noqa: S608 - names from the models
        _insert(f"{p_lead} = %s", [instance.pk], current_tops())


def _country_saved(sender: Any, instance: Any, created: bool = False, raw: bool = False, **kwargs: Any) -> None:
    """A country's groupings and UN region count for the pledges naming it and those led from it."""
    if raw or created or not _active():
        return
    pledge = _pledge_model()
    named = _pledges_of(pledge.countries.through, instance.pk)
    led = pledge.objects.filter(lead_entity__home_country_id=instance.pk).values_list("id", flat=True)
    figures_refresh([*named, *led])


def _category_deleting(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A taxonomy term or a country is about to go, and its relation rows with it, silently: note its pledges."""
    if _active():
        instance._dashboard_pledges = _pledges_of(_CATEGORY_RELATIONS[sender], instance.pk)


def _category_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    if _active():
        figures_refresh(getattr(instance, "_dashboard_pledges", []))


def _reference_reloaded(sender: Any, raw: bool = False, **kwargs: Any) -> None:
    """Reference data reloaded (countries updated in bulk, without signals), or a region deleted.

    Every row is rebuilt once the transaction has committed (once however many lists it saved),
    in a transaction of its own that bumps the data version again.
    """
    if raw or not _active():
        return
    connection = transaction.get_connection()
    if not any(func is _rebuild_now for _ids, func, _robust in connection.run_on_commit):
        transaction.on_commit(_rebuild_now, robust=True)


def _rebuild_now() -> None:
    from p2c.dashboard.freshness import data_version_bump

    with transaction.atomic():
        figures_rebuild()
        data_version_bump()


def _demo_loaded(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """Demo pledges are written in bulk without signals; the marker saved at the end says they are there."""
    if raw or not _active() or instance.demo_data_loaded_at is None:
        return
    figures_fill_missing()


_CATEGORY_RELATIONS: dict[Any, Any] = {}


def connect_receivers() -> None:
    """Called once from ``DashboardConfig.ready``."""
    from p2c.core.models import PlatformState
    from p2c.entities.models import Entity
    from p2c.geo.models import Country, ReferenceList, Region
    from p2c.pledges.models import SDG, FocusArea, Pledge, PledgeType, TargetGroup

    uid = "dashboard_figures"
    post_save.connect(_pledge_saved, sender=Pledge, dispatch_uid=f"{uid}_pledge_saved")
    for name in RELATIONS:
        through = getattr(Pledge, name).through
        m2m_changed.connect(_relations_changed, sender=through, dispatch_uid=f"{uid}_m2m_{name}")
    post_save.connect(_entity_saved, sender=Entity, dispatch_uid=f"{uid}_entity_saved")
    post_save.connect(_country_saved, sender=Country, dispatch_uid=f"{uid}_country_saved")
    for model, name in ((FocusArea, "focus_areas"), (PledgeType, "pledge_types"), (SDG, "sdgs")):
        _CATEGORY_RELATIONS[model] = getattr(Pledge, name).through
    _CATEGORY_RELATIONS[TargetGroup] = Pledge.target_groups.through
    _CATEGORY_RELATIONS[Country] = Pledge.countries.through
    for model in _CATEGORY_RELATIONS:
        pre_delete.connect(_category_deleting, sender=model, dispatch_uid=f"{uid}_deleting_{model.__name__}")
        post_delete.connect(_category_deleted, sender=model, dispatch_uid=f"{uid}_deleted_{model.__name__}")
    post_delete.connect(_reference_reloaded, sender=Region, dispatch_uid=f"{uid}_region_deleted")
    post_save.connect(_reference_reloaded, sender=ReferenceList, dispatch_uid=f"{uid}_reference_list_saved")
    post_save.connect(_demo_loaded, sender=PlatformState, dispatch_uid=f"{uid}_demo_loaded")
