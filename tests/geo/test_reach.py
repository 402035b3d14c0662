"""The country page's figures in one statement (``p2c.geo.reach``) are those of their definitions.

The definitions are the selectors' sets (``pledges_naming_country``,
``pledges_reaching_country_through_regions``, ``global_pledges``), counted and summed as the page
counted them before, one query per figure (written out below). Random data with every state and
scope, pledges naming countries and regions together, amounts with cents or none, and lead
entities tied on counts: every figure must be equal, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from p2c.entities.models import Entity
from p2c.geo.models import Country, Region
from p2c.geo.reach import CountryReach, EntityCount, country_reach, country_regions
from p2c.pledges.models import FocusArea, Pledge, PledgeType
from p2c.pledges.selectors import (
    BreakdownRow,
    Totals,
    focus_area_breakdown,
    global_pledges,
    latest_cards,
    pledge_totals,
    pledges_naming_country,
    pledges_reaching_country_through_regions,
)
from tests.factories import EntityFactory, PledgeFactory

pytestmark = pytest.mark.django_db

COUNTRIES = ["KE", "UG", "TZ", "FJ"]
REGIONS = [
    (Region.Kind.M49_REGION, "002"),  # Africa
    (Region.Kind.M49_SUBREGION, "202"),  # Sub-Saharan Africa
    (Region.Kind.M49_INTERMEDIATE, "014"),  # Eastern Africa
    (Region.Kind.M49_INTERMEDIATE, "005"),  # South America
    (Region.Kind.ITU_REGION, "africa"),
]


def _type_breakdown(pledges: QuerySet[Pledge]) -> list[BreakdownRow]:
    """The former ``pledge_type_breakdown``: per type, the pledges of that type and their USD."""
    rows = (
        Pledge.pledge_types.through.objects.filter(pledge_id__in=pledges.order_by().values("id"))
        .values("pledgetype_id")
        .annotate(pledges_n=Count("pledge_id"), usd=Sum("pledge__usd_estimate"))
        .order_by()
    )
    found = {row["pledgetype_id"]: (row["pledges_n"], row["usd"] or Decimal(0)) for row in rows}
    return [
        BreakdownRow(kind.code, kind.name, *found.get(kind.pk, (0, Decimal(0)))) for kind in PledgeType.objects.all()
    ]


def _region_breakdown(pledges: QuerySet[Pledge], regions: list[Region]) -> list[tuple[Region, Totals]]:
    """The former ``region_breakdown``: per region of the country, the pledges naming it and their USD."""
    rows = (
        Pledge.regions.through.objects.filter(
            pledge_id__in=pledges.order_by().values("id"), region_id__in=[r.pk for r in regions]
        )
        .values("region_id")
        .annotate(pledges_n=Count("pledge_id"), usd=Sum("pledge__usd_estimate"))
        .order_by()
    )
    found = {row["region_id"]: (row["pledges_n"], row["usd"] or Decimal(0)) for row in rows}
    return [(region, Totals(*found.get(region.pk, (0, Decimal(0))))) for region in regions]


def _top_lead_entities(pledges: QuerySet[Pledge], limit: int) -> list[EntityCount]:
    """The former ``top_lead_entities``: most pledges first, then by name."""
    rows = (
        pledges.order_by()
        .values("lead_entity_id", "lead_entity__name", "lead_entity__slug")
        .annotate(pledges_n=Count("id"), usd=Sum("usd_estimate"))
        .order_by("-pledges_n", "lead_entity__name")[:limit]
    )
    return [
        EntityCount(row["lead_entity__name"], row["lead_entity__slug"], row["pledges_n"], row["usd"] or Decimal(0))
        for row in rows
    ]


def by_definition(country: Country, *, cards: int, entities: int) -> CountryReach:
    """The page's figures as the selectors define them, one query each."""
    named = pledges_naming_country(country)
    regional = pledges_reaching_country_through_regions(country)
    return CountryReach(
        named=pledge_totals(named),
        by_focus_area=focus_area_breakdown(named),
        by_pledge_type=_type_breakdown(named),
        top_entities=_top_lead_entities(named, entities),
        latest=latest_cards(named, limit=cards),
        through_regions=pledge_totals(regional),
        by_region=_region_breakdown(regional, country_regions(country)),
        worldwide=pledge_totals(global_pledges()),
    )


def _random_pledges(rng: random.Random, count: int) -> None:
    """Pledges of every state and scope naming random countries, regions and taxonomy terms."""
    leads = [EntityFactory(name=f"Lead {i % 5}{'abc'[i % 3]}") for i in range(9)]  # distinct names, tied counts
    countries = list(Country.objects.filter(iso2__in=COUNTRIES))
    regions = [Region.objects.get(kind=kind, code=code) for kind, code in REGIONS]
    areas, types = list(FocusArea.objects.all()), list(PledgeType.objects.all())
    start = timezone.now() - dt.timedelta(days=400)
    for _ in range(count):
        state = rng.choice([Pledge.State.PUBLISHED] * 3 + list(Pledge.State))
        scope = rng.choice(list(Pledge.Scope))
        usd = rng.choice([None, Decimal(rng.randrange(1, 10**12)) / 100, Decimal(rng.randrange(1, 10**6) * 1000)])
        published = state == Pledge.State.PUBLISHED
        pledge = PledgeFactory(
            state=state,
            scope=scope,
            lead_entity=rng.choice(leads),
            usd_estimate=usd,
            amount=usd,
            published_at=start + dt.timedelta(days=rng.randrange(3), minutes=rng.randrange(10**5))
            if published
            else None,
            countries=rng.sample(countries, rng.randrange(3))
            if scope != Pledge.Scope.GLOBAL or rng.random() < 0.1
            else [],
            regions=rng.sample(regions, rng.randrange(3))
            if scope != Pledge.Scope.COUNTRIES or rng.random() < 0.1
            else [],
            focus_areas=rng.sample(areas, rng.randrange(len(areas) + 1)),
        )
        pledge.pledge_types.set(rng.sample(types, rng.randrange(len(types) + 1)))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_figure_equals_its_definition(seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - test data
    _random_pledges(rng, 120)
    for iso2 in [*COUNTRIES, "BR"]:
        country = Country.objects.select_related(
            "m49_region", "m49_subregion", "m49_intermediate_region", "itu_region"
        ).get(iso2=iso2)
        for cards, entities in [(6, 10), (3, 4), (1, 1)]:
            cache.clear()
            found, expected = (
                country_reach(country, cards=cards, entities=entities),
                by_definition(country, cards=cards, entities=entities),
            )
            assert found.named == expected.named, iso2
            assert found.by_focus_area == expected.by_focus_area, iso2
            assert found.by_pledge_type == expected.by_pledge_type, iso2
            assert found.through_regions == expected.through_regions, iso2
            assert found.by_region == expected.by_region, iso2
            assert found.worldwide == expected.worldwide, iso2
            assert [p.pk for p in found.latest] == [p.pk for p in expected.latest], iso2
            assert found.top_entities == expected.top_entities, (iso2, entities)


def test_a_country_without_pledges_or_regions_counts_nothing(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    PledgeFactory(state=Pledge.State.PUBLISHED, countries=list(Country.objects.filter(iso2="KE")))
    country = Country.objects.get(iso2="AQ")  # Antarctica: in no M49 or ITU region
    cache.clear()
    with django_assert_num_queries(4):  # the statement, focus areas, types, worldwide totals
        reach = country_reach(country, cards=6, entities=10)
    assert reach.named == reach.through_regions == Totals(0, Decimal(0))
    assert reach.latest == reach.top_entities == reach.by_region == []
    assert all(row.pledges == 0 for row in reach.by_focus_area + reach.by_pledge_type)


def test_lead_entities_with_equal_counts_are_ranked_by_name() -> None:
    kenya = list(Country.objects.filter(iso2="KE"))
    for name, pledges in [("Zebra Net", 2), ("Alpha Link", 2), ("Mid Telecom", 2), ("Top Fibre", 3)]:
        lead = EntityFactory(name=name)
        for _ in range(pledges):
            PledgeFactory(state=Pledge.State.PUBLISHED, lead_entity=lead, countries=kenya)
    reach = country_reach(Country.objects.get(iso2="KE"), cards=6, entities=3)
    assert [row.name for row in reach.top_entities] == ["Top Fibre", "Alpha Link", "Mid Telecom"]
    assert Entity.objects.count() == 4
