"""Reads for the API. Public reads start from the public selectors (published pledges, public entities).

Pledges are returned as the pledge document (``p2c.pledges.documents.pledge_document``), loaded in a
fixed number of queries whatever the page size. The only reads that see unpublished pledges are
``entity_pledges`` and ``entity_pledge``: a token's own organisation's pledges, for ``/api/v1/my/``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.urls import reverse

from p2c.entities.models import Entity
from p2c.entities.selectors import entity_directory, public_entity
from p2c.geo.models import Country, Region
from p2c.geo.selectors import country_directory
from p2c.pledges.documents import pledge_document
from p2c.pledges.models import Pledge, PledgePartner
from p2c.pledges.models.taxonomy import Pillar
from p2c.pledges.selectors import (
    entities_figures,
    entity_figures,
    global_pledges,
    pledge_totals,
    pledges_naming_country,
    pledges_reaching_country_through_regions,
    published_pledges,
)
from p2c.pledges.services import EDITABLE_STATES
from p2c.pledges.transitions import submission_errors

CENT = Decimal("0.01")


def usd_text(value: Decimal | int | None) -> str:
    """A USD total as the API writes it: an exact decimal string with cents (``"1369670000.00"``)."""
    return str(Decimal(value or 0).quantize(CENT))


def with_document_relations(pledges: QuerySet[Pledge]) -> QuerySet[Pledge]:
    """Everything ``pledge_document`` reads, fetched in a fixed number of queries (as ``published_pledge`` does)."""
    return pledges.select_related("lead_entity__entity_type", "lead_entity__home_country", "event").prefetch_related(
        Prefetch("partnerships", queryset=PledgePartner.objects.select_related("entity").order_by("role", "id")),
        "focus_areas",
        Prefetch("pillars", queryset=Pillar.objects.select_related("focus_area")),
        "pledge_types",
        "sdgs",
        "target_groups",
        Prefetch("regions", queryset=Region.objects.order_by("kind", "name")),
        Prefetch("countries", queryset=Country.objects.order_by("name")),
        "targets",
    )


def pledges_in_order(queryset: QuerySet[Pledge], ids: list[int]) -> list[Pledge]:
    """The pledges of ``queryset`` with these ids, in this order, with their document's relations."""
    rows = {pledge.pk: pledge for pledge in with_document_relations(queryset.filter(id__in=ids)).order_by()}
    return [rows[pk] for pk in ids if pk in rows]


PLACEHOLDER = "p2c-api-placeholder"


def url_maker(request: HttpRequest, name: str) -> Callable[[str], str]:
    """``make(value)``: the absolute URL of the view ``name`` for ``value`` (one argument).

    Reversed once per request and filled in for each row: reversing hundreds of URLs per page cost
    more than building the page's documents.
    """
    cache: dict[str, str] = getattr(request, "_p2c_url_templates", {})
    if name not in cache:
        cache[name] = request.build_absolute_uri(reverse(name, args=[PLACEHOLDER]))
        request._p2c_url_templates = cache  # type: ignore[attr-defined]
    template = cache[name]
    return lambda value: template.replace(PLACEHOLDER, quote(value))


def _entity_url(request: HttpRequest) -> Callable[[str], str]:
    return url_maker(request, "entities:detail")


def public_document(request: HttpRequest, pledge: Pledge) -> dict[str, Any]:
    """A published pledge's document, with absolute URLs for this request's host."""
    url = url_maker(request, "pledges:detail")(pledge.reference)
    return pledge_document(pledge, url=url, entity_url=_entity_url(request))


def published_documents(request: HttpRequest, ids: list[int]) -> list[dict[str, Any]]:
    """The documents of the published pledges with these ids, in this order."""
    return [public_document(request, pledge) for pledge in pledges_in_order(published_pledges(), ids)]


def published_pledge_document(request: HttpRequest, reference: str) -> dict[str, Any] | None:
    """The document of the published pledge ``reference`` (any letter case); ``None`` in any other state."""
    pledge = with_document_relations(published_pledges().filter(reference=reference.upper())).first()
    return None if pledge is None else public_document(request, pledge)


# --- The token's own pledges ---------------------------------------------------------------------
def entity_pledges(entity: Entity) -> QuerySet[Pledge]:
    """Every pledge ``entity`` leads, in any state (revisions included), newest first."""
    return Pledge.objects.filter(lead_entity=entity).order_by("-id")


def entity_pledge(entity: Entity, reference: str) -> Pledge | None:
    """The pledge ``reference`` if ``entity`` leads it (any state), with its document's relations."""
    found = with_document_relations(entity_pledges(entity).filter(reference=reference.upper()))
    return found.select_related("revision_of").first()


def own_document(request: HttpRequest, pledge: Pledge, *, missing: bool = True) -> dict[str, Any]:
    """The document of one of the token's organisation's pledges, with its version and what it still needs.

    ``missing`` (what a submission still needs) costs a query per pledge, so lists leave it out (``None``).
    """
    if pledge.state == Pledge.State.PUBLISHED:
        url = reverse("pledges:detail", args=[pledge.reference])
    else:
        url = reverse("workspace:pledge", args=[pledge.reference])
    document = pledge_document(pledge, url=request.build_absolute_uri(url), entity_url=_entity_url(request))
    return {
        **document,
        "version": pledge.version,
        "revision_of": pledge.revision_of.reference if pledge.revision_of_id else None,  # type: ignore[union-attr]
        "created_at": pledge.created_at.isoformat(),
        "updated_at": pledge.updated_at.isoformat(),
        "submitted_at": pledge.submitted_at.isoformat() if pledge.submitted_at else None,
        "missing": (submission_errors(pledge) if pledge.state in EDITABLE_STATES else {}) if missing else None,
    }


# --- Entities ------------------------------------------------------------------------------------
def public_entities_ordered(*, search: str = "", entity_type: str = "") -> QuerySet[Entity]:
    """Public entities by lower-case name, then id, with the sort key as ``sort_name`` (for the cursor)."""
    return entity_directory(search=search, entity_type=entity_type).annotate(sort_name=Lower("name"))


def entity_row(request: HttpRequest, entity: Entity, pledges: int, usd: Decimal) -> dict[str, Any]:
    return {
        "name": entity.name,
        "acronym": entity.acronym,
        "slug": entity.slug,
        "type": {"code": entity.entity_type.code, "name": entity.entity_type.name},
        "home_country": entity.home_country_id,
        "website": entity.website,
        "description": entity.description,
        "verified": entity.verified,
        "url": _entity_url(request)(entity.slug),
        "pledges": pledges,
        "usd": usd_text(usd),
    }


def entity_rows(request: HttpRequest, entities: Iterable[Entity]) -> list[dict[str, Any]]:
    """Rows of a page of entities with their published pledges (two queries for the figures)."""
    entities = list(entities)
    figures = entities_figures([entity.pk for entity in entities])
    return [entity_row(request, e, figures[e.pk].pledges, figures[e.pk].usd) for e in entities]


def entity_detail(request: HttpRequest, slug: str) -> dict[str, Any] | None:
    """A public entity with its published pledges: led, as partner, both (each once); ``None`` if not public."""
    entity = public_entity(slug)
    if entity is None:
        return None
    figures = entity_figures(entity)
    return {
        **entity_row(request, entity, figures.pledges, figures.usd),
        "led": figures.led,
        "led_usd": usd_text(figures.led_usd),
        "partner": figures.partner,
        "partner_usd": usd_text(figures.partner_usd),
    }


# --- Countries -----------------------------------------------------------------------------------
def countries_ordered(
    *, grouping: str = "", m49_region: str = "", itu_region: str = "", income_group: str = ""
) -> QuerySet[Country]:
    """Countries by ISO alpha-2 code, with their regions, optionally of one grouping, region or income group."""
    countries = country_directory(grouping=grouping, m49_region=m49_region, itu_region=itu_region)
    if income_group:
        countries = countries.filter(income_group=income_group)
    return countries.order_by("iso2")


def published_counts(iso2s: list[str]) -> dict[str, int]:
    """``{iso2: published pledges naming it}`` for these countries (one query)."""
    rows = (
        Pledge.countries.through.objects.filter(country_id__in=iso2s)
        .filter(pledge_id__in=published_pledges().order_by().values("id"))
        .values("country_id")
        .annotate(pledges_n=Count("pledge_id"))
        .order_by()
    )
    return {row["country_id"]: row["pledges_n"] for row in rows}


def _region(region: Region | None) -> dict[str, str] | None:
    return None if region is None else {"code": region.code, "name": region.name}


def country_row(request: HttpRequest, country: Country, pledges: int) -> dict[str, Any]:
    return {
        "iso2": country.iso2,
        "iso3": country.iso3,
        "numeric": country.numeric,
        "name": country.name,
        "m49_region": _region(country.m49_region),
        "m49_subregion": _region(country.m49_subregion),
        "m49_intermediate_region": _region(country.m49_intermediate_region),
        "itu_region": _region(country.itu_region),
        "income_group": country.income_group or None,
        "groupings": {
            "ldc": country.is_ldc,
            "lldc": country.is_lldc,
            "sids": country.is_sids,
            "sids_status": country.sids_status,
        },
        "pledges": pledges,
        "url": url_maker(request, "geo:country_detail")(country.iso2),
    }


def country_rows(request: HttpRequest, countries: Iterable[Country]) -> list[dict[str, Any]]:
    countries = list(countries)
    counts = published_counts([country.iso2 for country in countries])
    return [country_row(request, country, counts.get(country.iso2, 0)) for country in countries]


def country_detail(request: HttpRequest, iso2: str) -> dict[str, Any] | None:
    """A country with the published pledges naming it, reaching it through its regions, and global ones."""
    country = countries_ordered().filter(iso2=iso2.upper()).first()
    if country is None:
        return None
    named = pledge_totals(pledges_naming_country(country))
    regional = pledge_totals(pledges_reaching_country_through_regions(country))
    worldwide = pledge_totals(global_pledges())
    return {
        **country_row(request, country, named.pledges),
        "named": {"pledges": named.pledges, "usd": usd_text(named.usd)},
        "through_regions": {"pledges": regional.pledges, "usd": usd_text(regional.usd)},
        "worldwide": {"pledges": worldwide.pledges, "usd": usd_text(worldwide.usd)},
    }


def keyset_after(fields: list[tuple[str, bool]], values: list[Any]) -> Q:
    """Rows after ``values`` in the order of ``fields`` ((name, descending), …; no NULLs): a keyset condition."""
    condition = Q()
    for position, (name, descending) in enumerate(fields):
        step = Q(**{f"{name}__{'lt' if descending else 'gt'}": values[position]})
        for earlier, (earlier_name, _desc) in enumerate(fields[:position]):
            step &= Q(**{earlier_name: values[earlier]})
        condition |= step
    return condition
