"""The facet index (``p2c.pledges.facets``) gives exactly the pledges the relation filters give.

The relation filters (``pledge_filter(..., facet_index=False)``) are the definition; the facet
index is how the explorer, the API, the dashboard and the exports answer them fast. These tests
build random data (through the demo writer's bulk path and through the ORM's signals), change it in
every way that matters, and compare both answers over random combinations of filters: the same
pledges in the same order, the same totals. Unpublished pledges never match.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.http import QueryDict

from p2c.content.models import Event
from p2c.entities.models import Entity, EntityType
from p2c.geo.models import Country, Region
from p2c.pledges.facets import (
    FacetMatch,
    facet_index_install,
    facet_index_missing,
    facet_tokens,
    fts5_facet_query,
    pledge_facets_rebuild,
    pledge_facets_refresh,
    tsquery_facet_query,
)
from p2c.pledges.filters import filter_options, pledge_filter, pledge_totals
from p2c.pledges.models import SDG, FocusArea, Pillar, Pledge, PledgeFacets, PledgePartner, PledgeType, TargetGroup
from tests.factories import EntityFactory, PledgeFactory

pytestmark = pytest.mark.django_db

PUBLISHED = Pledge.State.PUBLISHED
FACET_PARAMS = [
    "focus_area",
    "pillar",
    "type",
    "entity_type",
    "entity",
    "country",
    "m49_region",
    "itu_region",
    "grouping",
    "sdg",
    "target_group",
    "home_region",
    "year",
    "event",
]


def _choices(param: str, rng: random.Random) -> list[str]:
    """Values worth asking for: those the data uses, and now and then any valid one."""
    options = filter_options()
    if param == "entity":
        slugs = list(
            Entity.objects.filter(led_pledges__state=PUBLISHED).values_list("slug", flat=True).distinct()[:200]
        )
        slugs += list(Entity.objects.filter(partnerships__pledge__state=PUBLISHED).values_list("slug", flat=True)[:200])
        return sorted(set(slugs))
    if param == "country":
        used = list(
            Pledge.countries.through.objects.filter(pledge__state=PUBLISHED)
            .values_list("country_id", flat=True)
            .distinct()
        )
        return sorted(set(used)) + [c.value for c in rng.sample(options.choices["country"], 5)]
    return [choice.value for choice in options.choices[param]]


def random_params(rng: random.Random, choices: dict[str, list[str]]) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for param in rng.sample(FACET_PARAMS, rng.randint(1, 4)):
        pool = choices[param]
        if pool:
            params[param] = rng.sample(pool, min(len(pool), rng.choice([1, 1, 1, 2, 3])))
    extra = rng.random()
    if extra < 0.1:
        params["seeking_partners"] = ["1"]
    elif extra < 0.2:
        params["usd_min"] = ["1000000"]
    elif extra < 0.3:
        params["q"] = [rng.choice(["school", "rural", "women", "broadband", "skills"])]
    elif extra < 0.35:
        params["delivery_status"] = ["on_track", "not_started"]
    params["sort"] = [rng.choice(["newest", "value", "title"])]
    return params


def assert_same(params: dict[str, list[str]]) -> int:
    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, values)
    by_index = pledge_filter(query, facet_index=True)
    by_relations = pledge_filter(query, facet_index=False)
    assert by_index.errors == by_relations.errors
    indexed = list(by_index.queryset.values_list("id", flat=True))
    related = list(by_relations.queryset.values_list("id", flat=True))
    assert indexed == related, params
    assert pledge_totals(by_index.queryset) == pledge_totals(by_relations.queryset), params
    assert not Pledge.objects.filter(id__in=indexed).exclude(state=PUBLISHED).exists()
    return len(indexed)


def assert_random_combinations(seed: int, combinations: int) -> None:
    """Each filter alone for (up to 25 of) its values, then random combinations of several."""
    rng = random.Random(seed)  # noqa: S311 - test data
    choices = {param: _choices(param, rng) for param in FACET_PARAMS}
    for param, pool in choices.items():
        for value in rng.sample(pool, min(len(pool), 25)):
            assert_same({param: [value]})
    found = [assert_same(random_params(rng, choices)) for _ in range(combinations)]
    assert any(found), "every combination found nothing: the test would prove little"


def assert_tokens_current() -> None:
    """What the signals kept equals what a rebuild from scratch writes."""
    kept = dict(PledgeFacets.objects.values_list("pledge_id", "tokens"))
    PledgeFacets.objects.all().delete()
    pledge_facets_rebuild()
    assert kept == dict(PledgeFacets.objects.values_list("pledge_id", "tokens"))


@pytest.mark.parametrize("seed", [1, 7])
def test_demo_data_filters_agree_over_random_combinations(seed: int) -> None:
    from p2c.demo.services import demo_data_load

    demo_data_load(pledges=240, seed=seed, chunk_size=100)
    published = Pledge.objects.filter(state=PUBLISHED)
    assert PledgeFacets.objects.count() == published.count()
    assert_random_combinations(seed, 60)
    assert_tokens_current()


def _random_world(rng: random.Random, count: int) -> list[Pledge]:
    """Pledges made through the ORM (signals keep the index), with random tags, states and partners."""
    entity_types = list(EntityType.objects.all())
    homes = list(Country.objects.order_by("iso2"))
    entities = [
        EntityFactory(entity_type=rng.choice(entity_types), home_country=rng.choice([*homes[:40], None]))
        for _ in range(8)
    ]
    events = [
        Event.objects.create(name=f"Event {i}", slug=f"event-{i}", starts_on=dt.date(2022, 1 + i, 1)) for i in range(3)
    ]
    areas, pillars = list(FocusArea.objects.all()), list(Pillar.objects.all())
    types, sdgs, groups = list(PledgeType.objects.all()), list(SDG.objects.all()), list(TargetGroup.objects.all())
    countries = list(Country.objects.filter(iso2__in=["KE", "UG", "SN", "FJ", "TV", "NP", "BO", "FR", "BR", "IN"]))
    regions = list(Region.objects.all())
    pledges = []
    for i in range(count):
        state = rng.choice([PUBLISHED, PUBLISHED, PUBLISHED, Pledge.State.DRAFT, Pledge.State.SUBMITTED])
        published_at = dt.datetime(rng.choice([2022, 2023, 2024, 2025]), rng.randint(1, 12), 1, tzinfo=dt.UTC)
        pledge = PledgeFactory(
            title=f"Pledge {i} for rural schools" if rng.random() < 0.5 else f"Pledge {i}",
            state=state,
            published_at=published_at if state == PUBLISHED else None,
            lead_entity=rng.choice(entities),
            event=rng.choice([None, *events]),
            usd_estimate=rng.choice([None, Decimal("500000"), Decimal("5000000")]),
            seeking_partners=rng.random() < 0.3,
            focus_areas=rng.sample(areas, rng.randint(0, 2)),
            countries=rng.sample(countries, rng.randint(0, 3)),
            regions=rng.sample(regions, rng.choice([0, 0, 1, 2])),
        )
        pledge.pillars.set(rng.sample(pillars, rng.randint(0, 2)))
        pledge.pledge_types.set(rng.sample(types, rng.randint(0, 2)))
        pledge.sdgs.set(rng.sample(sdgs, rng.randint(0, 3)))
        pledge.target_groups.set(rng.sample(groups, rng.randint(0, 2)))
        for partner in rng.sample([e for e in entities if e != pledge.lead_entity], rng.randint(0, 2)):
            PledgePartner.objects.create(pledge=pledge, entity=partner)
        pledges.append(pledge)
    return pledges


def test_signals_keep_the_index_equal_to_the_relations(django_capture_on_commit_callbacks: Any) -> None:
    rng = random.Random(11)  # noqa: S311 - test data
    pledges = _random_world(rng, 40)
    assert_random_combinations(11, 50)
    assert_tokens_current()

    # Relations change from either side, partners come and go, pledges are published and withdrawn.
    kenya = Country.objects.get(iso2="KE")
    africa = Region.objects.get(kind=Region.Kind.M49_REGION, code="002")
    for pledge in rng.sample(pledges, 10):
        pledge.focus_areas.set(rng.sample(list(FocusArea.objects.all()), 1))
        pledge.countries.remove(*pledge.countries.all()[:1])
        pledge.sdgs.clear()
    kenya.pledges.add(*rng.sample(pledges, 5))
    africa.pledges.add(*rng.sample(pledges, 3))
    FocusArea.objects.get(code="access").pledges.remove(*rng.sample(pledges, 4))
    for partner in PledgePartner.objects.all()[:5]:
        partner.delete()
    for pledge in rng.sample(pledges, 6):
        if pledge.state == PUBLISHED:
            pledge.state, pledge.published_at = Pledge.State.WITHDRAWN, None
        else:
            pledge.state, pledge.published_at = PUBLISHED, dt.datetime(2024, 5, 5, tzinfo=dt.UTC)
        pledge.save(update_fields=["state", "published_at"])
    PledgeFactory(state=PUBLISHED).delete()
    assert_random_combinations(12, 50)
    assert_tokens_current()

    # Derived values: a lead entity's type and home country, a country's groupings and regions.
    with django_capture_on_commit_callbacks(execute=True):
        for entity in Entity.objects.filter(led_pledges__state=PUBLISHED).distinct()[:3]:
            entity.entity_type = EntityType.objects.exclude(pk=entity.entity_type_id).first()
            entity.home_country = Country.objects.get(iso2="SN")
            entity.save()
        kenya.is_sids = not kenya.is_sids
        kenya.itu_region = Region.objects.filter(kind=Region.Kind.ITU_REGION).exclude(pk=kenya.itu_region_id).first()
        kenya.save()
    assert_random_combinations(13, 50)
    assert_tokens_current()


def test_unpublished_pledges_have_no_tokens_and_never_match() -> None:
    kenya = Country.objects.filter(iso2="KE")
    draft = PledgeFactory(state=Pledge.State.DRAFT, focus_areas=["access"], countries=kenya)
    for state in [s for s in Pledge.State if s != PUBLISHED]:
        draft.state = state
        draft.save()
        assert not PledgeFacets.objects.filter(pledge=draft).exists()
        assert draft not in pledge_filter({"country": ["KE"], "focus_area": ["access"]}).queryset
    draft.state, draft.published_at = PUBLISHED, dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    draft.save()
    assert list(pledge_filter({"country": ["KE"], "focus_area": ["access"]}).queryset) == [draft]
    draft.state, draft.published_at = Pledge.State.WITHDRAWN, None
    draft.save(update_fields=["state", "published_at"])
    assert not PledgeFacets.objects.filter(pledge=draft).exists()
    assert not pledge_filter({"country": ["KE"]}).queryset.exists()


def test_tokens_name_each_value_and_what_it_implies() -> None:
    kenya = Country.objects.select_related("m49_region", "m49_subregion", "itu_region").get(iso2="KE")
    eastern = Region.objects.get(kind=Region.Kind.M49_INTERMEDIATE, code="014")
    pledge = PledgeFactory(
        state=PUBLISHED,
        published_at=dt.datetime(2024, 12, 31, 23, 30, tzinfo=dt.UTC),
        focus_areas=["access"],
        countries=[kenya],
        regions=[eastern],
    )
    tokens = set(PledgeFacets.objects.get(pledge=pledge).tokens.split())
    lead = pledge.lead_entity
    assert {"cke", "yr2024", f"en{lead.pk}", f"et{lead.entity_type_id}", f"rg{eastern.pk}"} <= tokens
    assert {f"rg{kenya.m49_region_id}", f"rg{kenya.m49_subregion_id}", f"rg{kenya.itu_region_id}"} <= tokens
    assert ("grpldc" in tokens) == kenya.is_ldc
    assert f"fa{FocusArea.objects.get(code='access').pk}" in tokens
    # Eastern Africa lies within Sub-Saharan Africa and Africa: a pledge naming it is found by both.
    assert f"rg{kenya.m49_region_id}" in tokens


def test_composing_tokens_without_relations() -> None:
    from p2c.pledges.facets import _geography

    tokens = facet_tokens(
        published_at=dt.datetime(2023, 1, 1, tzinfo=dt.UTC),
        event_id=None,
        lead=(5, None, None),
        partners=[],
        relations={},
        geography=_geography(),
    )
    assert tokens == ["en5", "yr2023"]


def test_queries_are_built_from_tokens_only() -> None:
    assert fts5_facet_query([["fa1"], ["cke", "cug"]]) == '"fa1" AND ("cke" OR "cug")'
    assert tsquery_facet_query([["fa1"], ["cke", "cug"]]) == "( 'fa1' ) & ( 'cke' | 'cug' )"
    for bad in ['fa1" OR "x', "c:ke", "FA1", "é1", "a b"]:
        with pytest.raises(ValueError, match="Not a facet token"):
            FacetMatch([[bad]])


def test_an_empty_group_matches_nothing() -> None:
    PledgeFactory(state=PUBLISHED, focus_areas=["access"])
    assert not Pledge.objects.filter(FacetMatch([["fa1"], []])).exists()


def test_the_index_is_put_back_after_migrations_drop_it() -> None:
    pledge = PledgeFactory(state=PUBLISHED, countries=Country.objects.filter(iso2="KE"))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER pledges_pledgefacets_ai")
            cursor.execute("DROP TABLE pledges_pledgefacets_index")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # PostgreSQL refuses DDL while FK checks are pending
            cursor.execute("DROP INDEX pledges_pledgefacets_gin")
    assert facet_index_missing(connection)
    facet_index_install(connection)
    assert not facet_index_missing(connection)
    assert list(pledge_filter({"country": ["KE"]}).queryset) == [pledge]
    pledge_facets_refresh([pledge.pk])  # idempotent
    assert PledgeFacets.objects.filter(pledge=pledge).count() == 1
