"""The one filter definition for published pledges.

``pledge_filter(params)`` reads GET parameters (a ``QueryDict`` or any mapping of lists) and returns
a ``FilterResult``: the matching published pledges (sorted), the errors to show next to each field,
the active filters (for "remove this filter" chips), and the cleaned values to fill the form with.
The explorer uses it; the dashboard, the API and the exports are meant to use it too, so that a
count in one place and a list in another always agree.

Rules (docs/explorer.md has the full table):

* Everything starts from ``published_pledges()``; nothing else is ever visible.
* Repeated values of one parameter OR together; different parameters AND together.
* Unknown parameters are ignored. A malformed or unknown value is reported in ``errors`` under
  its parameter and left out, while every valid value still applies.
* Relations are filtered with ``id IN (subquery)`` and never joined, so every pledge appears once
  and counts and sums over the result never double count.
* Where the database has it (SQLite, PostgreSQL), the filters on relations and derived values are
  answered by the facet index (``p2c.pledges.facets``: one ``id IN (index hits)`` for all of them);
  ``ChoiceFilter.apply`` stays their definition, and a randomized test proves both agree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Model, Q, QuerySet, Sum, Window
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from p2c.content.models import Event
from p2c.entities.models import Entity, EntityType
from p2c.entities.selectors import public_entities
from p2c.geo.models import Country, Region
from p2c.pledges import facets as fx
from p2c.pledges.models import SDG, FocusArea, Pillar, Pledge, PledgePartner, PledgeType, TargetGroup
from p2c.pledges.search import (
    pledge_search,
    pledge_search_headline,
    pledge_search_narrow,
    pledge_search_relevance,
    pledge_search_totals,
    search_terms,
)
from p2c.pledges.selectors import published_pledges, with_card_relations

PER_PAGE = 20
MAX_VALUES = 50  # per parameter; more is not a filter anybody means

SORTS: dict[str, Promise] = {
    "newest": _("Newest first"),
    "value": _("Highest estimated value first"),
    "title": _("Title (A to Z)"),
    "relevance": _("Best match first"),
}
GROUPINGS: dict[str, Promise] = {
    "ldc": _("Least Developed Countries (LDCs)"),
    "lldc": _("Landlocked Developing Countries (LLDCs)"),
    "sids": _("Small Island Developing States (SIDS)"),
}


class Params(Protocol):
    def getlist(self, key: str) -> list[str]: ...


@dataclass(frozen=True)
class Choice:
    """One value a filter offers: the value in the URL, its label, and a group for ``<optgroup>``."""

    value: str
    label: str
    group: str = ""


@dataclass(frozen=True)
class CountryRef:
    """What the filters need to know about a country: its regions and groupings."""

    iso2: str
    name: str
    regions: frozenset[int]  # M49 region, sub-region, intermediate region and ITU region ids
    is_ldc: bool
    is_lldc: bool
    is_sids: bool


@dataclass(frozen=True)
class RegionRef:
    id: int
    code: str
    name: str


@dataclass
class FilterOptions:
    """The reference data the filters check values against and the form offers.

    Everything but ``years`` is cached (``OPTIONS_CACHE_SECONDS``, per language) and dropped from
    the cache whenever the taxonomy, countries, regions or events change in this process.
    """

    focus_areas: dict[str, int]
    pillars: dict[str, int]
    pledge_types: dict[str, int]
    entity_types: dict[str, int]
    target_groups: dict[str, int]
    events: dict[str, int]
    countries: dict[str, CountryRef]
    m49_regions: dict[str, RegionRef]
    itu_regions: dict[str, RegionRef]
    m49_children: dict[int, set[int]]
    labels: dict[str, dict[str, str]]
    choices: dict[str, list[Choice]]
    years: list[int] = field(default_factory=list)


OPTIONS_CACHE_SECONDS = 300
OPTIONS_MODELS = (FocusArea, Pillar, PledgeType, EntityType, TargetGroup, SDG, Event, Country, Region)


def _options_cache_key(language: str | None) -> str:
    return f"p2c:pledges:filter-options:v3:{language or '-'}"


def filter_options() -> FilterOptions:
    """The reference data (cached) and the years in which pledges were published (two indexed queries)."""
    key = _options_cache_key(get_language())
    options: FilterOptions | None = cache.get(key)
    if options is None:
        options = _reference_options()
        cache.set(key, options, OPTIONS_CACHE_SECONDS)
    published = published_pledges().order_by()
    first = published.order_by("published_at").values_list("published_at", flat=True).first()
    last = published.order_by("-published_at").values_list("published_at", flat=True).first()
    years = list(range(last.year, first.year - 1, -1)) if first and last else []
    options.years = years
    options.choices["year"] = [Choice(str(y), str(y)) for y in years]
    options.labels["year"] = {str(y): str(y) for y in years}
    return options


def filter_options_forget(**kwargs: Any) -> None:
    """Drop the cached reference data (connected to saves and deletes of the models it reads)."""
    cache.delete_many([_options_cache_key(code) for code, _name in settings.LANGUAGES])


def _reference_options() -> FilterOptions:
    labels: dict[str, dict[str, str]] = {}
    choices: dict[str, list[Choice]] = {}

    def offer(param: str, items: Iterable[Choice]) -> None:
        choices[param] = list(items)
        labels[param] = {c.value: c.label for c in choices[param]}

    areas = list(FocusArea.objects.order_by("order", "name"))
    offer("focus_area", (Choice(a.code, gettext(a.name)) for a in areas))
    pillars = list(Pillar.objects.select_related("focus_area").order_by("focus_area__order", "order", "name"))
    offer("pillar", (Choice(p.code, gettext(p.name), gettext(p.focus_area.name)) for p in pillars))
    types = list(PledgeType.objects.order_by("order", "name"))
    offer("type", (Choice(t.code, gettext(t.name)) for t in types))
    entity_types = list(EntityType.objects.order_by("order", "name"))
    offer("entity_type", (Choice(t.code, gettext(t.name)) for t in entity_types))
    groups = list(TargetGroup.objects.order_by("order", "name"))
    offer("target_group", (Choice(g.code, gettext(g.name)) for g in groups))
    offer("sdg", (Choice(str(s.number), f"{s.number}. {gettext(s.short_title)}") for s in SDG.objects.all()))
    events = list(Event.objects.order_by("-starts_on", "name"))
    offer("event", (Choice(e.slug, e.name) for e in events))
    countries = {
        c.iso2: CountryRef(
            c.iso2,
            c.local_name,
            frozenset(
                r
                for r in (c.m49_region_id, c.m49_subregion_id, c.m49_intermediate_region_id, c.itu_region_id)
                if r is not None
            ),
            c.is_ldc,
            c.is_lldc,
            c.is_sids,
        )
        for c in Country.objects.order_by("name")
    }
    by_name = sorted(countries.items(), key=lambda item: item[1].name.casefold())  # in the page's language
    offer("country", (Choice(iso2, c.name) for iso2, c in by_name))
    m49_kinds = {
        Region.Kind.M49_REGION: gettext("Regions"),
        Region.Kind.M49_SUBREGION: gettext("Sub-regions"),
        Region.Kind.M49_INTERMEDIATE: gettext("Intermediate regions"),
    }
    m49: dict[str, RegionRef] = {}
    itu: dict[str, RegionRef] = {}
    m49_choices: list[Choice] = []
    for region in Region.objects.order_by("kind", "name"):
        if region.kind == Region.Kind.ITU_REGION:
            itu[region.code] = RegionRef(region.pk, region.code, region.local_name)
        elif region.kind in m49_kinds:
            m49[region.code] = RegionRef(region.pk, region.code, region.local_name)
            m49_choices.append(Choice(region.code, region.local_name, m49_kinds[Region.Kind(region.kind)]))
    offer("m49_region", m49_choices)
    offer("home_region", m49_choices)
    offer("itu_region", (Choice(r.code, r.name) for r in itu.values()))
    offer("grouping", (Choice(code, str(label)) for code, label in GROUPINGS.items()))
    offer("delivery_status", (Choice(value, str(label)) for value, label in Pledge.DeliveryStatus.choices))
    offer("freshness", (Choice(value, str(label)) for value, label in _freshness_labels().items()))
    offer("sort", (Choice(value, str(label)) for value, label in SORTS.items()))

    # A region contains the sub-regions and intermediate regions of its countries.
    children: dict[int, set[int]] = {}
    for row in Country.objects.values_list("m49_region_id", "m49_subregion_id", "m49_intermediate_region_id"):
        chain = [r for r in row if r is not None]
        for i, parent in enumerate(chain):
            children.setdefault(parent, set()).update(chain[i + 1 :])
    return FilterOptions(
        focus_areas={a.code: a.pk for a in areas},
        pillars={p.code: p.pk for p in pillars},
        pledge_types={t.code: t.pk for t in types},
        entity_types={t.code: t.pk for t in entity_types},
        target_groups={g.code: g.pk for g in groups},
        events={e.slug: e.pk for e in events},
        countries=countries,
        m49_regions=m49,
        itu_regions=itu,
        m49_children=children,
        labels=labels,
        choices=choices,
    )


def connect_receivers() -> None:
    """Called once from ``PledgesConfig.ready``: forget cached options when reference data changes."""
    for model in OPTIONS_MODELS:
        post_save.connect(filter_options_forget, sender=model, dispatch_uid=f"pledges_filter_options_{model.__name__}")
        post_delete.connect(
            filter_options_forget, sender=model, dispatch_uid=f"pledges_filter_options_del_{model.__name__}"
        )


@dataclass(frozen=True)
class ActiveFilter:
    """One applied filter value, as a chip: "Country: Kenya" with a link that removes it."""

    param: str
    value: str
    label: str
    value_label: str


@dataclass
class FilterResult:
    """What ``pledge_filter`` found: the pledges, what was wrong, what applies, and how to sort."""

    queryset: QuerySet[Pledge]
    errors: dict[str, list[str]]
    active_filters: list[ActiveFilter]
    values: dict[str, list[str]]
    sort: str
    search: str
    options: FilterOptions
    entities: dict[str, Entity] = field(default_factory=dict)
    typed: dict[str, str] = field(default_factory=dict)  # malformed text values, to show them again
    unsearched: QuerySet[Pledge] | None = None  # the same filters without the search (unordered)

    @property
    def is_filtered(self) -> bool:
        return bool(self.active_filters)


# --- The filters ---------------------------------------------------------------------------------
Apply = Callable[[list[str], FilterOptions], Q]
Tokens = Callable[[list[str], FilterOptions], list[str]]


@dataclass(frozen=True)
class ChoiceFilter:
    """A filter whose values come from a list (codes, slugs, numbers); repeated values OR together."""

    param: str
    label: Promise
    unknown: Promise  # "There is no focus area “%(value)s”."
    apply: Apply
    normalise: Callable[[str], str] = str.lower
    # The same filter through the facet index (``p2c.pledges.facets``): the tokens any of which a
    # pledge must have. None: the filter is a condition on the pledge row (amounts, status, dates).
    tokens: Tokens | None = None


def _through(name: str) -> tuple[type[Model], str]:
    """The through model of ``Pledge.<name>`` and the name of its foreign key to the other side."""
    m2m = Pledge._meta.get_field(name)
    return m2m.remote_field.through, m2m.m2m_reverse_field_name()  # type: ignore[union-attr]


def tagged(name: str, values: Iterable[Any]) -> Q:
    """Pledges linked through ``Pledge.<name>`` to any of ``values`` (ids, or ISO codes for countries)."""
    through, other = _through(name)
    return Q(id__in=through._default_manager.filter(**{f"{other}__in": list(values)}).values("pledge_id"))


def _in_regions(regions: list[RegionRef], options: FilterOptions) -> Q:
    """Pledges naming a country in these regions, or naming one of them (or a region within one)."""
    ids = {r.id for r in regions}
    countries = sorted(iso2 for iso2, c in options.countries.items() if ids & c.regions)
    named = set(ids)
    for region in regions:
        named |= options.m49_children.get(region.id, set())
    return tagged("countries", countries) | tagged("regions", sorted(named))


def _grouping(values: list[str], options: FilterOptions) -> Q:
    flags = {"ldc": "is_ldc", "lldc": "is_lldc", "sids": "is_sids"}
    codes = sorted(iso2 for iso2, c in options.countries.items() if any(getattr(c, flags[v]) for v in values))
    return tagged("countries", codes)


def _home_region(regions: list[RegionRef], options: FilterOptions) -> Q:
    """Pledges whose lead entity's home country lies in one of these UN M49 regions."""
    ids = {r.id for r in regions}
    countries = sorted(iso2 for iso2, c in options.countries.items() if ids & c.regions)
    return Q(lead_entity_id__in=Entity.objects.filter(home_country_id__in=countries).values("id"))


def _entity(values: list[str], options: FilterOptions) -> Q:  # values are entity ids here
    ids = [int(v) for v in values]
    return Q(lead_entity_id__in=ids) | Q(id__in=PledgePartner.objects.filter(entity_id__in=ids).values("pledge_id"))


def _year(values: list[str], options: FilterOptions) -> Q:
    q = Q()
    for value in values:
        start = dt.datetime(int(value), 1, 1, tzinfo=dt.UTC)
        q |= Q(published_at__gte=start, published_at__lt=start.replace(year=start.year + 1))
    return q


def _freshness(values: list[str]) -> Q:
    """Pledges marked inactive or overdue (``p2c.reporting.freshness``: conditions on the pledge row)."""
    from p2c.reporting.freshness import freshness_q

    return freshness_q(values)


def _freshness_labels() -> dict[str, Any]:
    from p2c.reporting.freshness import FRESHNESS_LABELS

    return dict(FRESHNESS_LABELS)


def _m49(value: str) -> str:
    return value.zfill(3) if value.isdigit() else value


def _number(value: str) -> str:
    return str(int(value)) if value.isdigit() and len(value) < 6 else value


CHOICE_FILTERS: list[ChoiceFilter] = [
    ChoiceFilter(
        "focus_area",
        _("Focus area"),
        _("There is no focus area “%(value)s”."),
        lambda v, o: tagged("focus_areas", (o.focus_areas[x] for x in v)),
        tokens=lambda v, o: [fx.focus_area_token(o.focus_areas[x]) for x in v],
    ),
    ChoiceFilter(
        "pillar",
        _("Pillar"),
        _("There is no pillar “%(value)s”."),
        lambda v, o: tagged("pillars", (o.pillars[x] for x in v)),
        tokens=lambda v, o: [fx.pillar_token(o.pillars[x]) for x in v],
    ),
    ChoiceFilter(
        "type",
        _("Pledge type"),
        _("There is no pledge type “%(value)s”."),
        lambda v, o: tagged("pledge_types", (o.pledge_types[x] for x in v)),
        tokens=lambda v, o: [fx.type_token(o.pledge_types[x]) for x in v],
    ),
    ChoiceFilter(
        "entity_type",
        _("Type of lead entity"),
        _("There is no entity type “%(value)s”."),
        lambda v, o: Q(
            lead_entity_id__in=Entity.objects.filter(entity_type_id__in=[o.entity_types[x] for x in v]).values("id")
        ),
        tokens=lambda v, o: [fx.entity_type_token(o.entity_types[x]) for x in v],
    ),
    ChoiceFilter(
        "entity",
        _("Entity (lead or partner)"),
        _("There is no entity “%(value)s”."),
        _entity,
        tokens=lambda v, o: [fx.entity_token(x) for x in v],
    ),
    ChoiceFilter(
        "country",
        _("Country"),
        _("There is no country “%(value)s”: use a two-letter ISO code such as KE."),
        lambda v, o: tagged("countries", v),
        normalise=str.upper,
        tokens=lambda v, o: [fx.country_token(x) for x in v],
    ),
    ChoiceFilter(
        "m49_region",
        _("UN region"),
        _("There is no UN M49 region “%(value)s”: use its numeric code, such as 002 for Africa."),
        lambda v, o: _in_regions([o.m49_regions[x] for x in v], o),
        normalise=_m49,
        tokens=lambda v, o: [fx.region_token(o.m49_regions[x].id) for x in v],
    ),
    ChoiceFilter(
        "itu_region",
        _("ITU region"),
        _("There is no ITU region “%(value)s”."),
        lambda v, o: _in_regions([o.itu_regions[x] for x in v], o),
        tokens=lambda v, o: [fx.region_token(o.itu_regions[x].id) for x in v],
    ),
    ChoiceFilter(
        "grouping",
        _("Country group"),
        _("There is no country group “%(value)s”: use ldc, lldc or sids."),
        _grouping,
        tokens=lambda v, o: [fx.grouping_token(x) for x in v],
    ),
    ChoiceFilter(
        "sdg",
        _("Sustainable Development Goal"),
        _("There is no SDG “%(value)s”: the goals are numbered 1 to 17."),
        lambda v, o: tagged("sdgs", (int(x) for x in v)),
        normalise=_number,
        tokens=lambda v, o: [fx.sdg_token(x) for x in v],
    ),
    ChoiceFilter(
        "target_group",
        _("Target group"),
        _("There is no target group “%(value)s”."),
        lambda v, o: tagged("target_groups", (o.target_groups[x] for x in v)),
        tokens=lambda v, o: [fx.target_group_token(o.target_groups[x]) for x in v],
    ),
    ChoiceFilter(
        "home_region",
        _("Lead entity’s home region"),
        _("There is no UN M49 region “%(value)s”: use its numeric code, such as 002 for Africa."),
        lambda v, o: _home_region([o.m49_regions[x] for x in v], o),
        normalise=_m49,
        tokens=lambda v, o: [fx.home_region_token(o.m49_regions[x].id) for x in v],
    ),
    ChoiceFilter(
        "year",
        _("Year published"),
        _("“%(value)s” is not a year such as 2024."),
        _year,
        normalise=_number,
        tokens=lambda v, o: [fx.year_token(x) for x in v],
    ),
    ChoiceFilter(
        "event",
        _("Announced at"),
        _("There is no event “%(value)s”."),
        lambda v, o: Q(event_id__in=[o.events[x] for x in v]),
        tokens=lambda v, o: [fx.event_token(o.events[x]) for x in v],
    ),
    ChoiceFilter(
        "delivery_status",
        _("Delivery status"),
        _("There is no delivery status “%(value)s”."),
        lambda v, o: Q(delivery_status__in=v),
    ),
    ChoiceFilter(
        "freshness",
        _("Reporting"),
        _("There is no reporting mark “%(value)s”: use inactive or overdue."),
        lambda v, o: _freshness(v),
    ),
]
# How few pledges a filter usually keeps, most selective first (the order SQLite is given them in).
SELECTIVITY = {
    name: rank
    for rank, name in enumerate(
        ["facets", "entity", "country", "event", "pillar", "target_group", "sdg", "q", "type", "year", "usd_min",
         "usd_max", "delivery_status", "freshness", "itu_region", "m49_region", "grouping", "seeking_partners",
         "focus_area", "entity_type"]
    )
}  # fmt: skip
FILTER_PARAMS = ("q", *(f.param for f in CHOICE_FILTERS), "usd_min", "usd_max", "seeking_partners")
STATE_PARAMS = (*FILTER_PARAMS, "sort", "page")


def _values(params: Params, name: str) -> list[str]:
    seen: dict[str, None] = {}
    for raw in params.getlist(name)[: MAX_VALUES * 2]:
        value = raw.strip()
        if value:
            seen.setdefault(value[:200], None)
    return list(seen)[:MAX_VALUES]


def _amount(raw: str) -> Decimal | None:
    """A non-negative amount of dollars: digits with optional separators and decimals."""
    cleaned = raw.replace(",", "").replace("_", "").replace(" ", "").replace("\u00a0", "")
    if cleaned.upper().startswith("USD"):
        cleaned = cleaned[3:]
    try:
        value = Decimal(cleaned)
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or value < 0 or value >= Decimal(10) ** 15:
        return None
    return value


def _as_lists(params: Params | Mapping[str, Any]) -> Params:
    """A ``QueryDict`` as it is; a plain mapping (``{"country": ["KE", "UG"], "q": "school"}``) as one."""
    if isinstance(params, MultiValueDict) or not isinstance(params, Mapping):
        return params
    lists = {key: value if isinstance(value, list | tuple) else [value] for key, value in params.items()}
    return MultiValueDict({key: [str(v) for v in values] for key, values in lists.items()})


def pledge_filter(
    params: Params | Mapping[str, Any], *, options: FilterOptions | None = None, facet_index: bool | None = None
) -> FilterResult:
    """Published pledges matching ``params``, with the errors, the active filters and the sort order.

    The filters on relations and derived values (focus area, country, region, grouping, entity, …)
    are answered by the facet index (``p2c.pledges.facets``) where the database has one;
    ``facet_index=False`` uses the relation tables instead (the definition the index is tested
    against: both give the same pledges).
    """
    params = _as_lists(params)
    options = options or filter_options()
    use_facets = fx.facet_index_available() if facet_index is None else facet_index
    groups: list[list[str]] = []  # the facet tokens: every group must match, any token of a group
    conditions: list[Any] = []
    applied_params: list[str] = []
    errors: dict[str, list[str]] = {}
    active: list[ActiveFilter] = []
    values: dict[str, list[str]] = {}
    entities: dict[str, Entity] = {}

    searching = False
    search = " ".join(_values(params, "q")[:1])[:200]
    if search:
        values["q"] = [search]
        if search_terms(search):
            searching = True
            active.append(ActiveFilter("q", search, str(_("Search")), f"“{search}”"))
        else:
            errors["q"] = [
                gettext("Type at least one word to search for; common words such as “the” or “and” are ignored.")
            ]

    for spec in CHOICE_FILTERS:
        given = _values(params, spec.param)
        if not given:
            continue
        known = options.labels.get(spec.param, {})
        if spec.param == "entity":
            # Only entities with a published pledge: naming any other would reveal that it exists.
            found = {e.slug: e for e in public_entities().filter(slug__in=[v.lower() for v in given])}
            entities.update(found)
            known = {slug: e.name for slug, e in found.items()}
        valid: list[str] = []
        for raw in given:
            value = spec.normalise(raw)
            if spec.param == "year" and value.isdigit() and 1900 <= int(value) <= 2100:
                known = {**known, value: value}
            if value in known and value not in valid:
                valid.append(value)
            elif value not in known:
                errors.setdefault(spec.param, []).append(str(spec.unknown) % {"value": raw})
        if not valid:
            continue
        values[spec.param] = valid
        applied = [str(entities[v].pk) for v in valid] if spec.param == "entity" else valid
        if use_facets and spec.tokens is not None:
            groups.append(spec.tokens(applied, options))
        else:
            conditions.append(spec.apply(applied, options))
            applied_params.append(spec.param)
        active.extend(ActiveFilter(spec.param, v, str(spec.label), known[v]) for v in valid)

    if groups:
        conditions.append(fx.FacetMatch(groups))
        applied_params.append("facets")

    bounds: dict[str, Decimal] = {}
    typed: dict[str, str] = {}
    for name, label, message in (
        (
            "usd_min",
            _("Estimated value at least"),
            _("The minimum value must be an amount in US dollars, e.g. 1000000."),
        ),  # noqa: E501
        (
            "usd_max",
            _("Estimated value at most"),
            _("The maximum value must be an amount in US dollars, e.g. 5000000."),
        ),  # noqa: E501
    ):
        given = _values(params, name)[:1]
        if not given:
            continue
        amount = _amount(given[0])
        if amount is None or (name == "usd_max" and "usd_min" in bounds and amount < bounds["usd_min"]):
            errors[name] = [
                str(message) if amount is None else gettext("The maximum value is below the minimum value.")
            ]
            typed[name] = given[0]  # shown again in its field, with the error beside it
            continue
        bounds[name] = amount
        values[name] = [given[0]]
        active.append(ActiveFilter(name, given[0], str(label), _usd_label(amount)))
    if "usd_min" in bounds:
        conditions.append(Q(usd_estimate__gte=bounds["usd_min"]))
        applied_params.append("usd_min")
    if "usd_max" in bounds:
        conditions.append(Q(usd_estimate__lte=bounds["usd_max"]))
        applied_params.append("usd_max")

    seeking = _values(params, "seeking_partners")[:1]
    if seeking and seeking[0].lower() in ("1", "true", "yes", "on"):
        conditions.append(Q(seeking_partners=True))
        applied_params.append("seeking_partners")
        values["seeking_partners"] = ["1"]
        active.append(ActiveFilter("seeking_partners", "1", str(_("Seeking partners")), str(_("Yes"))))
    elif seeking and seeking[0].lower() not in ("0", "false", "no", "off"):
        errors["seeking_partners"] = [gettext("To show only pledges seeking partners, use seeking_partners=1.")]

    sort = (_values(params, "sort")[:1] or [""])[0].lower()
    if sort and sort not in SORTS:
        errors["sort"] = [gettext("There is no sort order “%(value)s”.") % {"value": sort}]
        sort = ""
    if not sort or (sort == "relevance" and "q" not in values):
        sort = "relevance" if "q" in values and search_terms(search) else "newest"
    values["sort"] = [sort]
    ordering = _ordering(sort, search)
    published = published_pledges()
    # Most selective filters first: when SQLite drives a query from a filter's list, it takes the first.
    order = [(SELECTIVITY.get(p, len(SELECTIVITY)), i) for i, p in enumerate(applied_params)]
    conditions = [conditions[i] for _rank, i in sorted(order)]
    specific = sum(1 for rank, _i in order if rank < SELECTIVITY["q"])
    unsearched = published.filter(*conditions)

    def searched(base: QuerySet[Pledge]) -> QuerySet[Pledge]:
        if not searching:
            return base.filter(*conditions)
        return pledge_search(base.filter(*conditions[:specific]), search).filter(*conditions[specific:])

    queryset = searched(published)
    return FilterResult(
        queryset=queryset.order_by(*ordering),
        unsearched=unsearched,
        errors=errors,
        active_filters=active,
        values=values,
        sort=sort,
        search=search,
        options=options,
        entities=entities,
        typed=typed,
    )


def _usd_label(amount: Decimal) -> str:
    from p2c.core.templatetags.p2c import usd

    return usd(amount)


def _ordering(sort: str, search: str) -> list[Any]:
    newest = [F("published_at").desc(), F("id").desc()]
    if sort == "value":
        return [F("usd_estimate").desc(nulls_last=True), F("id").desc()]
    if sort == "title":
        return [F("title").asc(), F("id").asc()]
    if sort == "relevance":
        return [pledge_search_relevance(search).desc(), *newest]
    return newest


# --- Totals and pages ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Totals:
    """How many pledges matched and their estimated USD; each pledge counted once."""

    count: int
    usd: Decimal
    valued: int  # how many of them state an estimated value


def pledge_totals(queryset: QuerySet[Pledge]) -> Totals:
    """Count and sum over ``queryset`` in one query (it must not join rows that multiply pledges)."""
    found = queryset.order_by().aggregate(count=Count("id"), usd=Sum("usd_estimate"), valued=Count("usd_estimate"))
    return Totals(count=found["count"] or 0, usd=found["usd"] or Decimal(0), valued=found["valued"] or 0)


@dataclass(frozen=True)
class ResultsPage:
    """One page of results with the totals over all of them."""

    pledges: list[Pledge]
    number: int
    num_pages: int
    per_page: int
    totals: Totals

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.pledges else 0

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.pledges) - 1 if self.pledges else 0

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def page_numbers(self) -> list[int | None]:
        """The first, last and nearby page numbers, ``None`` where numbers are left out."""
        near = {1, self.num_pages, *range(self.number - 2, self.number + 3)}
        shown = sorted(n for n in near if 1 <= n <= self.num_pages)
        numbers: list[int | None] = []
        for n in shown:
            if numbers and n - (numbers[-1] or 0) > 1:
                numbers.append(None)
            numbers.append(n)
        return numbers


def pledge_results_page(result: FilterResult, page: str | None, *, per_page: int = PER_PAGE) -> ResultsPage:
    """Page ``page`` (1 if missing or malformed, the last one if too high) of ``result``, with totals.

    The totals and the ids of each page shown are cached under the data version. When the first
    page's are not, they are read from what the background task computed for this version, if it
    did (``p2c.dashboard.explorer_warm``: one query); otherwise the request computes them, after
    noting that the state was asked for, so that the task computes it after the next change.
    """
    from p2c.dashboard import explorer_warm as warm
    from p2c.dashboard.freshness import data_version

    wanted = int(page) if page and page.isdigit() and len(page) < 7 else 1
    wanted = max(wanted, 1)
    ids: list[int] | None = None
    version = data_version()
    key = _totals_cache_key(result, version)
    totals: Totals | None = cache.get(key)
    if totals is None:
        state = results_state(result) if wanted == 1 and per_page == PER_PAGE else None  # a first page
        found = warm.warmed_results(version, state) if state else None
        if found is not None:
            totals, ids = found
        else:
            if state:
                warm.demand_record(state, results_query(result))
            ids, totals = _ids_and_totals(result, wanted, per_page)
        cache.set(key, totals, TOTALS_CACHE_SECONDS)
    num_pages = max(1, math.ceil(totals.count / per_page))
    number = min(wanted, num_pages)
    pledges: list[Pledge] = []
    if totals.count:
        ids_key = f"{key}:ids:{result.sort}:{number}:{per_page}"
        if ids is not None and number == wanted:
            cache.set(ids_key, ids, TOTALS_CACHE_SECONDS)  # read with the totals just now
        else:
            ids = cache.get(ids_key)
            if ids is None:
                ids = _page_ids(result, (number - 1) * per_page, per_page)
                cache.set(ids_key, ids, TOTALS_CACHE_SECONDS)
        rows = {p.pk: p for p in with_card_relations(Pledge.objects.filter(id__in=ids)).order_by()}
        pledges = [rows[pk] for pk in ids if pk in rows]
    return ResultsPage(pledges=pledges, number=number, num_pages=num_pages, per_page=per_page, totals=totals)


def _ids_and_totals(result: FilterResult, wanted: int, per_page: int) -> tuple[list[int] | None, Totals]:
    """The totals of ``result``, computed, and the ids of page ``wanted`` if they came with them (else ``None``)."""
    if result.is_filtered and result.sort != "relevance" and connection.vendor == "sqlite":
        ids, totals = _page_ids_with_totals(result, (wanted - 1) * per_page, per_page)
        if totals is not None:
            return ids, totals
    return None, _search_only_totals(result) or pledge_totals(result.queryset)


def results_first_page(result: FilterResult) -> tuple[Totals, list[int]]:
    """The totals of ``result`` and the ids of its first page, computed (what the background task keeps)."""
    ids, totals = _ids_and_totals(result, 1, PER_PAGE)
    if ids is None:
        # Sort ids only, then load the page's rows: sorting thousands of whole rows
        # (descriptions included) costs far more than sorting their ids.
        ids = _page_ids(result, 0, PER_PAGE) if totals.count else []
    return totals, ids


def results_state(result: FilterResult) -> str:
    """The filters, search and sort of ``result`` in one short string: its totals' digest, then the sort."""
    return f"{_filters_digest(result)}:{result.sort}"


def filter_pairs(result: FilterResult) -> list[tuple[str, str]]:
    """The filters that apply (cleaned values, the search included), as URL pairs in the explorer's parameter order."""
    return [
        (name, value) for name in STATE_PARAMS if name not in ("sort", "page") for value in result.values.get(name, [])
    ]


def results_query(result: FilterResult) -> str:
    """The cleaned filters, search and sort of ``result`` as a query string: ``pledge_filter`` of it has
    the same ``results_state``."""
    return urlencode([*filter_pairs(result), ("sort", result.sort)])


def _search_only_totals(result: FilterResult) -> Totals | None:
    """The totals of a search with no other filter, read straight from the search index (``None`` otherwise).

    ``pledge_search_totals`` counts the published pledges among the hits, which is exactly
    ``result.queryset`` when the search is the only active filter: the queryset is then the
    search over ``published_pledges()`` (``state = 'published'``, nothing else), and every other
    filter that applies is an active filter. It spares PostgreSQL the join of the hits to the
    pledges, and SQLite the list of hits it would build first (docs/explorer.md, "Search").
    """
    if [active.param for active in result.active_filters] != ["q"]:
        return None
    found = pledge_search_totals(result.search)
    return None if found is None else Totals(*found)


TOTALS_CACHE_SECONDS = 60 * 60  # a backstop: the data version changes the key whenever the data changes


def _totals_cache_key(result: FilterResult, version: str) -> str:
    """Where the totals of ``result``'s filter state and search are cached under the data version ``version``
    (and, under the same key plus the sort and page number, the ids of each page shown).

    The version (``p2c.dashboard.freshness``, bumped in the same transaction as any publication,
    withdrawal or change to a published pledge) makes a change show at once, on every process.
    The day is part of the key because some filters ("overdue") depend on it.
    """
    return f"p2c:pledges:totals:v1:{version}:{timezone.localdate().isoformat()}:{_filters_digest(result)}"


def _filters_digest(result: FilterResult) -> str:
    """A digest of the filters and search of ``result`` (not of its sort: the totals do not depend on it)."""
    state = sorted((name, tuple(sorted(v))) for name, v in result.values.items() if name != "sort")
    return hashlib.sha256(repr((state, result.search)).encode()).hexdigest()[:32]


def _page_ids_with_totals(result: FilterResult, offset: int, limit: int) -> tuple[list[int], Totals | None]:
    """One page's ids and the totals over every match, from one query (window aggregates).

    With filters, finding the matches is the expensive part on SQLite (it has no hash joins: each
    filter is a list it builds and probes), and a separate count and page would find them twice.
    Without filters, the count reads an index and the page walks another, which is cheaper than
    gathering every published pledge; a search sorts by relevance in two groups. Not on
    PostgreSQL: its planner walks the publication-date index with nested loops, expecting the
    LIMIT to stop it early, which the window aggregate does not allow (450 ms instead of 110 ms).
    ``None`` for the totals when the page is past the end: nothing came back to carry them.
    """
    rows = list(
        result.queryset.annotate(
            matched=Window(Count("id")), matched_usd=Window(Sum("usd_estimate")), valued=Window(Count("usd_estimate"))
        ).values_list("id", "matched", "matched_usd", "valued")[offset : offset + limit]
    )
    if not rows:
        return [], (Totals(count=0, usd=Decimal(0), valued=0) if not offset else None)
    _id, count, usd, valued = rows[0]
    return [row[0] for row in rows], Totals(count=count, usd=Decimal(usd or 0), valued=valued)


def _page_ids(result: FilterResult, offset: int, limit: int) -> list[int]:
    """The ids of one page, in the result's order.

    Best match first is "title or entity names match, newest first; then the other hits, newest
    first". Sorting every hit by that (tens of thousands for a common word) is what makes a search
    slow, so the two groups are read one after the other, each in publication order from its
    index (the first group is counted only when a page lies beyond it). The order is the queryset's.
    """
    headline = pledge_search_headline(result.search) if result.sort == "relevance" else None
    if headline is None:
        return list(result.queryset.values_list("id", flat=True)[offset : offset + limit])
    newest = _ordering("newest", "")
    # The headline columns are searched too, so a headline match is a hit: no need to ask for both.
    first = pledge_search_narrow(
        (result.unsearched if result.unsearched is not None else result.queryset).filter(headline)
    )
    ids = list(first.order_by(*newest).values_list("id", flat=True)[offset : offset + limit])
    if len(ids) == limit:
        return ids
    # The page reaches past the first group: how many pages' worth of the rest to skip.
    in_first = offset + len(ids) if ids or not offset else first.count()
    skip = max(0, offset - in_first)
    rest = result.queryset.order_by(*newest).exclude(headline)
    return ids + list(rest.values_list("id", flat=True)[skip : skip + limit - len(ids)])
