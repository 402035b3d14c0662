"""The dashboard's numbers: each pledge once in every total, parts that add up, published pledges only.

Every figure is checked against the explorer: the pledges behind a figure are the explorer's result
for its link, so the count shown must be the explorer's count for that link.
"""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

from p2c.dashboard import aggregates as agg
from p2c.dashboard.aggregates import Aggregates, apportion, compute
from p2c.dashboard.page import DIMENSIONS, categories, facet_url, grouping_figures, headline, map_chart
from p2c.entities.models import EntityType
from p2c.geo.models import Country, Region
from p2c.pledges.filters import pledge_filter, pledge_totals
from p2c.pledges.models import SDG, FocusArea, Pledge, PledgePartner, PledgeType, TargetGroup
from tests.factories import EntityFactory, PledgeFactory

pytestmark = pytest.mark.django_db

PUBLISHED = Pledge.State.PUBLISHED
NOT_PUBLIC = [s for s in Pledge.State if s != PUBLISHED]


def countries(*iso2: str) -> list[Country]:
    return list(Country.objects.filter(iso2__in=iso2))


def m49(code: str) -> Region:
    return Region.objects.get(kind__startswith="m49", code=code)


def tag(pledge: Pledge, *, types: Any = (), sdgs: Any = (), groups: Any = ()) -> Pledge:
    pledge.pledge_types.set(PledgeType.objects.filter(code__in=types))
    pledge.sdgs.set(SDG.objects.filter(number__in=sdgs))
    pledge.target_groups.set(TargetGroup.objects.filter(code__in=groups))
    return pledge


def figures(query: str = "") -> Aggregates:
    return compute(pledge_filter(QueryDict(query)))


def cents(amount: str) -> int:
    return int(Decimal(amount) * 100)


def assert_parts_add_up(found: Aggregates) -> None:
    """In every breakdown, the USD of the parts plus the unattributed part is the total, to the cent;
    the pledges naming none plus those naming at least one are all the pledges."""
    for dimension, breakdown in found.breakdowns.items():
        assert breakdown.attributed_cents + breakdown.unattributed.cents == found.cents, dimension
        assert 0 <= breakdown.unattributed.pledges <= found.pledges, dimension
        assert all(part.cents >= 0 and part.pledges > 0 for part in breakdown.parts.values()), dimension


# --- Rounding -------------------------------------------------------------------------------------
def test_apportion_rounds_shares_so_that_they_add_up() -> None:
    thirds = {"KE": Fraction(10000, 3), "UG": Fraction(10000, 3), "TZ": Fraction(10000, 3)}
    assert apportion(thirds, 10000) == {"KE": 3334, "TZ": 3333, "UG": 3333}  # ties to the first code
    assert apportion({"a": Fraction(7, 4), "b": Fraction(9, 4)}, 4) == {"a": 2, "b": 2}
    assert apportion({"a": Fraction(5, 2), "b": Fraction(3, 2), "c": Fraction(0)}, 4) == {"a": 3, "b": 1, "c": 0}
    assert apportion({}, 0) == {}
    with pytest.raises(ValueError, match="add up"):
        apportion({"a": Fraction(1, 2)}, 5)


# --- Each pledge once ------------------------------------------------------------------------------
def test_a_pledge_with_three_countries_and_two_focus_areas_counts_once_in_every_total() -> None:
    lead = EntityFactory()
    pledge = PledgeFactory(
        state=PUBLISHED,
        lead_entity=lead,
        usd_estimate=Decimal("100.00"),
        countries=countries("KE", "UG", "TZ"),
        focus_areas=["access", "adoption"],
    )
    tag(pledge, types=["financial", "policy"], sdgs=[4, 9, 10], groups=["youth"])
    PledgePartner.objects.create(pledge=pledge, entity=EntityFactory(), role=PledgePartner.Role.CO_PLEDGER)
    PledgePartner.objects.create(pledge=pledge, entity=EntityFactory(), role=PledgePartner.Role.IMPLEMENTER)
    found = figures()

    assert (found.pledges, found.cents, found.valued) == (1, 10000, 1)
    assert found.entities == 2  # the lead and the co-pledger; an implementing partner is not a pledger
    assert found.countries == 3
    assert found.groupings["ldc"].pledges == 1  # Uganda and Tanzania are both LDCs: still one pledge
    assert found.groupings["lldc"].pledges == 1
    assert found.groupings["ldc"].cents == 10000  # in full: a grouping is a yes/no of the whole pledge
    assert [(day_count, day_cents) for _day, day_count, day_cents in found.days] == [(1, 10000)]
    # Counted under each category it names ...
    countries_part = found.breakdowns[agg.COUNTRY].parts
    assert {code: p.pledges for code, p in countries_part.items()} == {"KE": 1, "UG": 1, "TZ": 1}
    # ... with its value split equally, rounded so that the parts add up to the cent.
    assert sorted(p.cents for p in countries_part.values()) == [3333, 3333, 3334]
    areas = found.breakdowns[agg.FOCUS_AREA].parts
    assert sorted(p.cents for p in areas.values()) == [5000, 5000]
    assert sorted(p.cents for p in found.breakdowns[agg.SDG].parts.values()) == [3333, 3333, 3334]
    # Kenya, Uganda and Tanzania are all in Africa: one region, the whole value.
    regions = found.breakdowns[agg.REGION].parts
    assert [(p.pledges, p.cents) for p in regions.values()] == [(1, 10000)]
    assert_parts_add_up(found)
    # The explorer agrees.
    totals = pledge_totals(pledge_filter(QueryDict("")).queryset)
    assert (totals.count, totals.usd) == (1, Decimal("100.00"))


def test_the_parts_add_up_to_the_whole_over_many_pledges() -> None:
    rng = random.Random(5)  # noqa: S311 - test data
    isos = list(Country.objects.order_by("iso2").values_list("iso2", flat=True)[:60])
    areas = list(FocusArea.objects.values_list("code", flat=True))
    regions = list(Region.objects.filter(kind__startswith="m49"))
    itu = list(Region.objects.filter(kind="itu_region"))
    entity_types = list(EntityType.objects.all())
    homes = [None, *Country.objects.order_by("iso2")[:20]]
    for i in range(40):
        scope = rng.choice(["countries", "countries", "regions", "global"])
        usd = None if i % 7 == 0 else Decimal(rng.randrange(1, 10**9)) / 100
        pledge = PledgeFactory(
            state=PUBLISHED,
            usd_estimate=usd,
            scope=scope,
            lead_entity=EntityFactory(entity_type=rng.choice(entity_types), home_country=rng.choice(homes)),
            countries=countries(*rng.sample(isos, rng.randint(1, 6))) if scope == "countries" else [],
            regions=rng.sample(regions + itu, rng.randint(1, 3)) if scope == "regions" else [],
            focus_areas=rng.sample(areas, rng.randint(0, 3)),
        )
        tag(pledge, types=["financial", "programmatic"][: rng.randint(0, 2)], sdgs=rng.sample(range(1, 18), 3))
    found = figures()
    expected = pledge_totals(pledge_filter(QueryDict("")).queryset)
    assert (found.pledges, found.valued) == (expected.count, expected.valued) == (40, 34)
    assert Decimal(found.cents) / 100 == expected.usd
    assert_parts_add_up(found)
    for query in ("focus_area=access", "grouping=ldc&type=financial", "m49_region=002", "usd_min=1000000"):
        filtered = figures(query)
        assert_parts_add_up(filtered)
        totals = pledge_totals(pledge_filter(QueryDict(query)).queryset)
        assert (filtered.pledges, Decimal(filtered.cents) / 100) == (totals.count, totals.usd), query


def test_pledges_naming_no_category_are_a_part_of_their_own() -> None:
    PledgeFactory(state=PUBLISHED, usd_estimate=Decimal("10.00"), scope=Pledge.Scope.GLOBAL)
    PledgeFactory(state=PUBLISHED, usd_estimate=Decimal("20.00"), countries=countries("FJ"), focus_areas=["access"])
    found = figures()
    country = found.breakdowns[agg.COUNTRY]
    assert (country.unattributed.pledges, country.unattributed.cents) == (1, 1000)
    assert {code: (p.pledges, p.cents) for code, p in country.parts.items()} == {"FJ": (1, 2000)}
    assert found.breakdowns[agg.FOCUS_AREA].unattributed.pledges == 1
    assert found.breakdowns[agg.REGION].unattributed.cents == 1000
    assert_parts_add_up(found)


def test_regions_of_implementation_follow_the_explorers_m49_filter() -> None:
    """A pledge for Kenya and for Eastern Africa is in Africa once; one for Kenya and Brazil is split."""
    africa, americas = m49("002"), m49("019")
    once = PledgeFactory(
        state=PUBLISHED, usd_estimate=Decimal("30.00"), countries=countries("KE"), regions=[m49("014")]
    )
    split = PledgeFactory(state=PUBLISHED, usd_estimate=Decimal("10.00"), countries=countries("KE", "BR"))
    PledgeFactory(  # an ITU region only: in no UN region
        state=PUBLISHED, scope=Pledge.Scope.REGIONS, regions=list(Region.objects.filter(kind="itu_region")[:1])
    )
    found = figures()
    parts = found.breakdowns[agg.REGION].parts
    assert (parts[str(africa.pk)].pledges, parts[str(africa.pk)].cents) == (2, 3500)
    assert (parts[str(americas.pk)].pledges, parts[str(americas.pk)].cents) == (1, 500)
    assert found.breakdowns[agg.REGION].unattributed.pledges == 1
    assert {once.pk, split.pk} == set(pledge_filter(QueryDict("m49_region=002")).queryset.values_list("id", flat=True))


def test_pledging_entities_and_the_governments_among_them_count_once() -> None:
    government = EntityType.objects.get(code="government")
    ministry = EntityFactory(entity_type=government, home_country=Country.objects.get(iso2="RW"))
    company = EntityFactory()
    for _ in range(3):
        pledge = PledgeFactory(state=PUBLISHED, lead_entity=company)
        PledgePartner.objects.create(pledge=pledge, entity=ministry, role=PledgePartner.Role.CO_PLEDGER)
    PledgeFactory(state=PUBLISHED, lead_entity=ministry)
    found = figures()
    assert (found.pledges, found.entities, found.governments) == (4, 2, 1)
    led = found.breakdowns[agg.ENTITY_TYPE].parts[str(government.pk)]
    assert led.pledges == 1  # governments lead one of them: the explorer's entity_type=government
    home = found.breakdowns[agg.HOME_REGION]
    assert home.parts[str(m49("002").pk)].pledges == 1 and home.unattributed.pledges == 3


# --- Nothing unpublished ---------------------------------------------------------------------------
def test_pledges_in_every_other_state_never_count_anywhere() -> None:
    government = EntityType.objects.get(code="government")
    published = PledgeFactory(state=PUBLISHED, usd_estimate=Decimal("5.00"), countries=countries("KE"))
    for state in NOT_PUBLIC:
        extra: dict[str, Any] = {"revision_of": published} if state == Pledge.State.APPLIED else {}
        hidden = PledgeFactory(
            state=state,
            usd_estimate=Decimal("1000000000.00"),
            lead_entity=EntityFactory(entity_type=government, home_country=Country.objects.get(iso2="FJ")),
            countries=countries("FJ", "NP", "BR"),
            focus_areas=["accelerate"],
            **extra,
        )
        tag(hidden, types=["advocacy"], sdgs=[14], groups=["youth"])
        PledgePartner.objects.create(pledge=hidden, entity=EntityFactory(entity_type=government))
    found = figures()
    assert (found.pledges, found.cents, found.entities, found.governments) == (1, 500, 1, 0)
    assert set(found.breakdowns[agg.COUNTRY].parts) == {"KE"}
    assert not found.breakdowns[agg.SDG].parts and not found.breakdowns[agg.TARGET_GROUP].parts
    assert not found.breakdowns[agg.FOCUS_AREA].parts and not found.breakdowns[agg.PLEDGE_TYPE].parts
    assert found.groupings["sids"].pledges == 0 and found.groupings["ldc"].pledges == 0
    assert sum(count for _day, count, _cents in found.days) == 1


# --- Every figure links to exactly its pledges ---------------------------------------------------------
def explorer_count(href: str) -> int:
    """How many pledges the explorer lists at ``href``."""
    query = MultiValueDict()
    for key, value in parse_qsl(urlsplit(href).query):
        query.appendlist(key, value)
    result = pledge_filter(query)
    assert not result.errors, href
    return pledge_totals(result.queryset).count


@pytest.mark.parametrize("query", ["", "focus_area=access", "grouping=ldc&grouping=sids", "type=financial&sdg=4"])
def test_every_linked_figure_is_the_explorers_count_for_its_link(query: str) -> None:
    rng = random.Random(11)  # noqa: S311 - test data
    government = EntityType.objects.get(code="government")
    isos = ["KE", "UG", "FJ", "NP", "BR", "FR", "WS", "BO"]
    areas = list(FocusArea.objects.values_list("code", flat=True))
    homes = list(Country.objects.filter(iso2__in=isos))
    for i in range(24):
        pledge = PledgeFactory(
            state=PUBLISHED,
            lead_entity=EntityFactory(
                entity_type=government if i % 3 else EntityType.objects.first(), home_country=rng.choice(homes)
            ),
            countries=countries(*rng.sample(isos, rng.randint(1, 3))),
            regions=[m49("014")] if i % 5 == 0 else [],
            focus_areas=rng.sample(areas, rng.randint(1, 2)),
        )
        tag(
            pledge,
            types=rng.sample(["financial", "policy"], rng.randint(1, 2)),
            sdgs=rng.sample([4, 9, 5], 2),
            groups=["youth"] if i % 2 else [],
        )
    result = pledge_filter(QueryDict(query))
    found = compute(result)
    checked = 0
    for dimension in DIMENSIONS:
        for category in categories(result, found, dimension):
            if category.href:
                assert explorer_count(category.href) == category.pledges, (dimension.key, category)
                checked += 1
            elif category.pledges and not category.bucket:
                # Only a value outside those filtered by the same parameter goes unlinked.
                assert category.code not in result.values.get(dimension.param, [category.code])
    for row in map_chart(result, found, metric="pledges", svg=False).table.rows[:-1]:
        if row[0].href:
            assert explorer_count(row[0].href) == int(str(row[1].raw)), row[0].text
            checked += 1
    for grouping in grouping_figures(result, found):
        if grouping.href:
            assert explorer_count(grouping.href) == grouping.pledges, grouping.code
            checked += 1
    for figure in headline(result, found):
        if figure.key in ("pledges", "entities") and figure.href:
            assert explorer_count(figure.href) == found.pledges
    governments = next(f for f in headline(result, found) if f.key == "governments")
    if governments.href:
        assert (
            explorer_count(governments.href)
            == found.breakdowns[agg.ENTITY_TYPE].parts.get(str(government.pk), agg.Part(0, 0)).pledges
        )
    assert checked > 20


def test_a_value_of_a_filtered_parameter_links_alone_and_others_do_not_link() -> None:
    result = pledge_filter(QueryDict("focus_area=access&focus_area=adoption&country=KE"))
    assert facet_url(result, "focus_area", "access") == "/pledges/?focus_area=access&country=KE"
    assert facet_url(result, "focus_area", "accelerate") is None
    assert (
        facet_url(result, "type", "policy") == "/pledges/?focus_area=access&focus_area=adoption&type=policy&country=KE"
    )


def test_the_explorer_selects_pledges_by_their_lead_entitys_home_region() -> None:
    """``home_region``, added to the explorer's filter so that the home-region bars can link to their pledges."""
    kenyan = PledgeFactory(state=PUBLISHED, lead_entity=EntityFactory(home_country=Country.objects.get(iso2="KE")))
    PledgeFactory(state=PUBLISHED, lead_entity=EntityFactory(home_country=Country.objects.get(iso2="FR")))
    PledgeFactory(state=PUBLISHED, lead_entity=EntityFactory(home_country=None), countries=countries("KE"))
    hidden = PledgeFactory(lead_entity=EntityFactory(home_country=Country.objects.get(iso2="KE")))
    for query in ("home_region=002", "home_region=2", "home_region=014"):  # Africa, Eastern Africa
        assert list(pledge_filter(QueryDict(query)).queryset) == [kenyan], query
    result = pledge_filter(QueryDict("home_region=999&home_region=002"))
    assert result.errors == {
        "home_region": ["There is no UN M49 region “999”: use its numeric code, such as 002 for Africa."]
    }
    assert [(a.label, a.value_label) for a in result.active_filters] == [("Lead entity’s home region", "Africa")]
    assert hidden not in pledge_filter(QueryDict("home_region=002")).queryset


def test_unfiltered_figures_agree_with_the_home_pages_counters() -> None:
    from p2c.pledges.selectors import headline_figures

    for i in range(6):
        pledge = PledgeFactory(
            state=PUBLISHED, usd_estimate=Decimal("12.34") * (i + 1), countries=countries("KE", "NP", "FJ")[: i % 3 + 1]
        )
        PledgePartner.objects.create(pledge=pledge, entity=EntityFactory(), role=PledgePartner.Role.CO_PLEDGER)
    PledgeFactory(state=Pledge.State.REJECTED, countries=countries("BR"))
    home, found = headline_figures(), figures()
    assert (home.pledges, home.usd, home.entities, home.countries) == (
        found.pledges,
        Decimal(found.cents) / 100,
        found.entities,
        found.countries,
    )
