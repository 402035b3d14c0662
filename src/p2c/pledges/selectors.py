"""Reads of pledges. Everything public starts from ``published_pledges()``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum

from p2c.entities.models import Entity
from p2c.geo.models import Country
from p2c.pledges.facets import pledge_relations_attach
from p2c.pledges.models import FocusArea, Pledge, PledgePartner

T = TypeVar("T")


def published_pledges() -> QuerySet[Pledge]:
    """The only pledges anyone outside the review workflow may ever see."""
    return Pledge.objects.filter(state=Pledge.State.PUBLISHED)


@dataclass(frozen=True)
class HeadlineFigures:
    """The coalition's headline counters, over published pledges only."""

    pledges: int
    usd: Decimal
    entities: int
    countries: int


def headline_figures() -> HeadlineFigures:
    """Published pledges, their estimated USD, pledging entities and beneficiary countries.

    Pledging entities are lead entities and co-pledgers of published pledges (implementing
    partners and funders are not counted as pledgers); beneficiary countries are those named
    by published pledges. Each pledge counts once, whatever its partners or countries.
    """
    published = published_pledges()
    totals = published.aggregate(pledges_n=Count("id"), usd=Sum("usd_estimate"))
    published_ids = published.values("id")
    entities = Entity.objects.filter(
        Q(led_pledges__in=published_ids)
        | Q(
            partnerships__pledge__in=published_ids,
            partnerships__role=PledgePartner.Role.CO_PLEDGER,
        )
    )
    countries = Country.objects.filter(pledges__in=published_ids)
    return HeadlineFigures(
        pledges=totals["pledges_n"] or 0,
        usd=totals["usd"] or Decimal(0),
        entities=entities.distinct().count(),
        countries=countries.distinct().count(),
    )


def with_card_relations(pledges: QuerySet[Pledge]) -> QuerySet[Pledge]:
    """Everything the pledge card (``pledges/_card.html``) shows, fetched in a fixed number of queries."""
    return pledges.select_related("lead_entity").prefetch_related("focus_areas", "countries", "regions")


def latest_published_pledges(*, limit: int) -> QuerySet[Pledge]:
    """The most recently published pledges, ready for cards."""
    return with_card_relations(published_pledges()).order_by("-published_at", "-id")[:limit]


# --- Public pages: one pledge, cards, and totals broken down by taxonomy -------------------------


def published_pledge(reference: str) -> Pledge | None:
    """The published pledge with this reference (any letter case), with everything its page shows.

    References are stored in capitals (``P2C-2026-0042``), so the lookup is an exact match on the
    unique index rather than a case-insensitive scan. Any other state gives ``None``.
    The taxonomy, regions and countries it names are read in one statement and resolved against
    reference data each process keeps (``p2c.pledges.facets.pledge_relations_attach``): four
    queries in all, whatever the pledge holds.
    """
    pledge = (
        published_pledges()
        .filter(reference=reference.upper())
        .select_related("lead_entity__entity_type", "lead_entity__home_country", "event")
        .prefetch_related(
            Prefetch("partnerships", queryset=PledgePartner.objects.select_related("entity").order_by("role", "id")),
            "targets",
        )
        .first()
    )
    if pledge is not None:
        pledge_relations_attach(pledge)
    return pledge


@dataclass(frozen=True)
class Totals:
    """How many pledges and how much estimated USD; each pledge counts once."""

    pledges: int
    usd: Decimal


@dataclass(frozen=True)
class BreakdownRow:
    """One row of a breakdown: a taxonomy term, its pledges and their estimated USD.

    ``code`` is what the explorer filter takes (focus-area code, pledge-type code, region code).
    """

    code: str
    name: str
    pledges: int
    usd: Decimal


def pledge_totals(pledges: QuerySet[Pledge]) -> Totals:
    """Count and summed USD estimate of ``pledges`` (one query; each pledge once)."""
    totals = pledges.order_by().aggregate(pledges_n=Count("id"), usd=Sum("usd_estimate"))
    return Totals(pledges=totals["pledges_n"] or 0, usd=totals["usd"] or Decimal(0))


def _through_breakdown(
    through: Any, term_field: str, pledges: QuerySet[Pledge], **terms: Any
) -> dict[Any, tuple[int, Decimal]]:
    """``{term id: (pledges, usd)}`` over a many-to-many table, for the pledges in ``pledges``."""
    rows = (
        through.objects.filter(pledge_id__in=pledges.order_by().values("id"), **terms)
        .values(term_field)
        .annotate(pledges_n=Count("pledge_id"), usd=Sum("pledge__usd_estimate"))
        .order_by()
    )
    return {row[term_field]: (row["pledges_n"], row["usd"] or Decimal(0)) for row in rows}


def focus_area_breakdown(pledges: QuerySet[Pledge]) -> list[BreakdownRow]:
    """Every focus area, with how many of ``pledges`` it tags and their estimated USD (two queries).

    A pledge with two focus areas counts in both rows, so the rows add up to more than the total.
    """
    found = _through_breakdown(Pledge.focus_areas.through, "focusarea_id", pledges)
    return [
        BreakdownRow(area.code, area.name, *found.get(area.pk, (0, Decimal(0)))) for area in FocusArea.objects.all()
    ]


def latest_cards(pledges: QuerySet[Pledge], *, limit: int) -> list[Pledge]:
    """The ``limit`` most recently published of ``pledges``, ready for cards.

    Sorts ids and dates only, then loads the few rows shown: sorting a country's thousands of
    whole rows (descriptions included) costs far more.
    """
    ids = list(pledges.order_by("-published_at", "-id").values_list("id", flat=True)[:limit])
    rows = {pledge.pk: pledge for pledge in with_card_relations(Pledge.objects.filter(id__in=ids)).order_by()}
    return [rows[pk] for pk in ids if pk in rows]


# --- Country and entity pages -------------------------------------------------------------------
#
# Sets of pledges come from a relation table (countries, regions, partners): the pledges whose ids
# its rows point at, kept to those of ``published_pledges()``. How that is written depends on the
# database (``_published_among``): SQLite without fresh statistics takes ``state = 'published'``
# for a selective condition and walks every published pledge, so there each id is checked by
# primary key inside the subquery and the outer query has no state condition to start from;
# PostgreSQL always has statistics, and one pass over the pledges is cheaper than a nested check.
# Only published pledges are in any of these sets, on both.


def _is_published() -> Exists:
    """For a relation row with a ``pledge_id``: its pledge is published (one primary-key lookup)."""
    return Exists(published_pledges().filter(pk=OuterRef("pledge_id")))


def _published_among(rows: QuerySet[Any]) -> QuerySet[Pledge]:
    """The published pledges the relation rows ``rows`` (with a ``pledge_id``) point at."""
    if connection.vendor == "sqlite":
        return Pledge.objects.filter(id__in=rows.filter(_is_published()).values("pledge_id"))
    return published_pledges().filter(id__in=rows.values("pledge_id"))


def pledges_naming_country(country: Country) -> QuerySet[Pledge]:
    """Published pledges that name ``country`` among their beneficiary countries."""
    return _published_among(Pledge.countries.through.objects.filter(country_id=country.pk))


def country_region_ids(country: Country) -> list[int]:
    """The regions ``country`` belongs to: M49 region, sub-region, intermediate region, ITU region."""
    ids = [
        country.m49_region_id,
        country.m49_subregion_id,
        country.m49_intermediate_region_id,
        country.itu_region_id,
    ]
    return [region_id for region_id in ids if region_id is not None]


def pledges_reaching_country_through_regions(country: Country) -> QuerySet[Pledge]:
    """Published regional pledges naming a region ``country`` belongs to, and not naming the country itself."""
    named = Pledge.countries.through.objects.filter(country_id=country.pk).values("pledge_id")
    regional = published_pledges().filter(pk=OuterRef("pledge_id"), scope=Pledge.Scope.REGIONS)
    rows = (
        Pledge.regions.through.objects.filter(region_id__in=country_region_ids(country))
        .filter(Exists(regional))
        .exclude(pledge_id__in=named)
    )
    return Pledge.objects.filter(id__in=rows.values("pledge_id"))


def global_pledges() -> QuerySet[Pledge]:
    """Published pledges whose scope is the whole world."""
    return published_pledges().filter(scope=Pledge.Scope.GLOBAL)


# Platform-wide aggregates that every country page (or the country list) repeats are kept this long.
# They are context, not the page's own figures: a pledge published a minute ago may be missing.
SHARED_AGGREGATES_SECONDS = 60


def _shared(key: str, compute: Callable[[], T]) -> T:
    """``compute()``, kept in the cache for ``SHARED_AGGREGATES_SECONDS``."""
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, SHARED_AGGREGATES_SECONDS)
    return cast(T, found)


def worldwide_totals() -> Totals:
    """Count and USD of published global pledges, the same on every country page (cached a minute)."""
    return _shared("p2c:pledges:worldwide-totals:v1", lambda: pledge_totals(global_pledges()))


def published_pledge_counts_by_country() -> dict[str, int]:
    """``{iso2: number of published pledges naming the country}`` for every named country (cached a minute)."""
    return _shared("p2c:pledges:counts-by-country:v1", _published_pledge_counts_by_country)


def _published_pledge_counts_by_country() -> dict[str, int]:
    rows = (
        Pledge.countries.through.objects.filter(pledge_id__in=published_pledges().order_by().values("id"))
        .values("country_id")
        .annotate(pledges_n=Count("pledge_id"))
        .order_by()
    )
    return {row["country_id"]: row["pledges_n"] for row in rows}


def pledges_led_by(entity: Entity) -> QuerySet[Pledge]:
    """Published pledges ``entity`` leads."""
    return published_pledges().filter(lead_entity=entity)


def pledges_with_partner(entity: Entity) -> QuerySet[Pledge]:
    """Published pledges ``entity`` takes part in as a partner (co-pledger, implementer or funder)."""
    return _published_among(PledgePartner.objects.filter(entity=entity))


def pledges_of_entity(entity: Entity) -> QuerySet[Pledge]:
    """Published pledges ``entity`` leads or takes part in as a partner; each pledge once.

    The same pledges as the explorer's ``?entity=<slug>``.
    """
    return Pledge.objects.filter(
        Q(id__in=pledges_led_by(entity).values("id")) | Q(id__in=pledges_with_partner(entity).values("id"))
    )


@dataclass(frozen=True)
class EntityFigures:
    """An entity's published pledges: all it takes part in (each once), those it leads, those it partners."""

    pledges: int
    usd: Decimal
    led: int
    led_usd: Decimal
    partner: int
    partner_usd: Decimal

    @property
    def totals(self) -> Totals:
        """All the entity's published pledges, each once."""
        return Totals(self.pledges, self.usd)


def entity_figures(entity: Entity) -> EntityFigures:
    """Counts and USD of the published pledges ``entity`` leads, partners, and both together (one query)."""
    as_lead = Q(lead_entity=entity)
    as_partner = Q(id__in=pledges_with_partner(entity).values("id"))
    totals = (
        pledges_of_entity(entity)
        .order_by()
        .aggregate(
            pledges_n=Count("id"),
            usd=Sum("usd_estimate"),
            led=Count("id", filter=as_lead),
            led_usd=Sum("usd_estimate", filter=as_lead),
            partner=Count("id", filter=as_partner),
            partner_usd=Sum("usd_estimate", filter=as_partner),
        )
    )
    zero = Decimal(0)
    return EntityFigures(
        pledges=totals["pledges_n"] or 0,
        usd=totals["usd"] or zero,
        led=totals["led"] or 0,
        led_usd=totals["led_usd"] or zero,
        partner=totals["partner"] or 0,
        partner_usd=totals["partner_usd"] or zero,
    )


@dataclass(frozen=True)
class PartnerCard:
    """A pledge card on an entity's page, with the entity's role in that pledge."""

    pledge: Pledge
    role: str

    @property
    def role_label(self) -> str:
        return str(PledgePartner.Role(self.role).label) if self.role in PledgePartner.Role.values else self.role


def latest_partner_cards(entity: Entity, *, limit: int) -> list[PartnerCard]:
    """The ``limit`` most recently published pledges ``entity`` is a partner in, with its role, for cards."""
    cards = latest_cards(pledges_with_partner(entity), limit=limit)
    roles = dict(
        PledgePartner.objects.filter(entity=entity, pledge_id__in=[pledge.pk for pledge in cards]).values_list(
            "pledge_id", "role"
        )
    )
    return [PartnerCard(pledge, roles.get(pledge.pk, "")) for pledge in cards]


def entities_figures(entity_ids: list[int]) -> dict[int, Totals]:
    """``{entity id: totals}`` of the published pledges each entity leads or partners (two queries).

    A lead entity is never a partner of its own pledge (``PledgePartner.clean``), so adding the
    two counts counts each pledge once.
    """
    if not entity_ids:
        return {}
    found: dict[int, list[Any]] = {entity_id: [0, Decimal(0)] for entity_id in entity_ids}
    led = (
        published_pledges()
        .filter(lead_entity_id__in=entity_ids)
        .values("lead_entity_id")
        .annotate(pledges_n=Count("id"), usd=Sum("usd_estimate"))
        .order_by()
    )
    partnered = (
        PledgePartner.objects.filter(entity_id__in=entity_ids)
        .filter(_is_published())
        .values("entity_id")
        .annotate(pledges_n=Count("pledge_id"), usd=Sum("pledge__usd_estimate"))
        .order_by()
    )
    for row in led:
        found[row["lead_entity_id"]][0] += row["pledges_n"]
        found[row["lead_entity_id"]][1] += row["usd"] or 0
    for partner_row in partnered:
        found[partner_row["entity_id"]][0] += partner_row["pledges_n"]
        found[partner_row["entity_id"]][1] += partner_row["usd"] or 0
    return {entity_id: Totals(pledges, usd) for entity_id, (pledges, usd) in found.items()}
