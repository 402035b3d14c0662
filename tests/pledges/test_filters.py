"""The one filter definition (``p2c.pledges.filters``): every parameter, OR within, AND across, errors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.utils import timezone

from p2c.content.models import Event
from p2c.entities.models import EntityType
from p2c.geo.models import Country, Region
from p2c.pledges.filters import pledge_filter, pledge_totals
from p2c.pledges.models import SDG, Pillar, Pledge, PledgePartner, PledgeType, TargetGroup
from tests.factories import EntityFactory, PledgeFactory

pytestmark = pytest.mark.django_db

PUBLISHED = Pledge.State.PUBLISHED
NOT_PUBLIC = [s for s in Pledge.State if s != PUBLISHED]


def countries(*iso2: str) -> list[Country]:
    return list(Country.objects.filter(iso2__in=iso2))


def published_on(year: int, month: int = 6) -> dt.datetime:
    return dt.datetime(year, month, 1, 12, tzinfo=dt.UTC)


@dataclass
class World:
    """Five published pledges with known tags, and the same tags on pledges nobody may see."""

    schools: Pledge
    women: Pledge
    finance: Pledge
    roadmap: Pledge
    islands: Pledge


def tag(
    pledge: Pledge, *, types: list[str] = (), pillars: list[str] = (), sdgs: list[int] = (), groups: list[str] = ()
) -> None:  # type: ignore[assignment]
    pledge.pledge_types.set(PledgeType.objects.filter(code__in=types))
    pledge.pillars.set(Pillar.objects.filter(code__in=pillars))
    pledge.sdgs.set(SDG.objects.filter(number__in=sdgs))
    pledge.target_groups.set(TargetGroup.objects.filter(code__in=groups or []))


@pytest.fixture
def world() -> World:
    government = EntityType.objects.get(code="government")
    civil = EntityType.objects.get(code="civil-society")
    kijiji = EntityFactory(name="Kijiji Telecom", slug="kijiji-telecom", acronym="KTEL")
    ministry = EntityFactory(name="Ministry of ICT", slug="rwanda-mict", entity_type=government)
    skills = EntityFactory(name="Digital Skills Alliance", slug="digital-skills-alliance", entity_type=civil)
    roundtable = Event.objects.create(
        name="Digital Development Roundtable", slug="ddr-2022", starts_on=dt.date(2022, 6, 6)
    )
    eastern_africa = Region.objects.get(kind=Region.Kind.M49_INTERMEDIATE, code="014")

    def make(state: str = PUBLISHED, **kwargs: object) -> Pledge:
        if state != PUBLISHED:
            kwargs["published_at"] = None
        return PledgeFactory(state=state, **kwargs)

    w = World(
        schools=make(
            title="Connect 1,200 rural schools to broadband",
            lead_entity=kijiji,
            focus_areas=["access"],
            countries=countries("KE", "UG"),
            usd_estimate=Decimal("250000000"),
            published_at=published_on(2023),
            event=roundtable,
            delivery_status=Pledge.DeliveryStatus.ON_TRACK,
            seeking_partners=True,
        ),
        women=make(
            title="Train 50,000 women in digital skills",
            lead_entity=skills,
            focus_areas=["adoption"],
            countries=countries("SN"),
            usd_estimate=Decimal("12500000"),
            published_at=published_on(2024),
            delivery_status=Pledge.DeliveryStatus.DELAYED,
        ),
        finance=make(
            title="Blended-finance facility for last-mile operators",
            lead_entity=ministry,
            focus_areas=["accelerate", "access"],
            scope=Pledge.Scope.GLOBAL,
            usd_estimate=Decimal("1000000000"),
            published_at=published_on(2025),
        ),
        roadmap=make(
            title="Regional spectrum roadmap",
            lead_entity=ministry,
            focus_areas=["value-creation"],
            scope=Pledge.Scope.REGIONS,
            regions=[eastern_africa],
            usd_estimate=None,
            amount=None,
            currency="",
            usd_source="",
            published_at=published_on(2024, 9),
        ),
        islands=make(
            title="Affordable devices for Pacific islands",
            lead_entity=kijiji,
            focus_areas=["access"],
            countries=countries("FJ", "TV"),
            usd_estimate=Decimal("0"),
            published_at=published_on(2025, 3),
        ),
    )
    PledgePartner.objects.create(pledge=w.schools, entity=ministry, role=PledgePartner.Role.CO_PLEDGER)
    tag(w.schools, types=["programmatic"], pillars=["infrastructure"], sdgs=[4, 9], groups=["schools-students"])
    tag(w.women, types=["programmatic"], pillars=["digital-skills"], sdgs=[5], groups=["women-girls"])
    tag(w.finance, types=["financial"], pillars=["innovative-financing"], sdgs=[9, 17])
    tag(w.roadmap, types=["policy"], pillars=["data-driven-policy"], sdgs=[9])
    tag(w.islands, types=["advocacy"], pillars=["affordability"], sdgs=[10], groups=["rural-communities"])
    # Pledges nobody may see, tagged with everything, in every state but published.
    for state in NOT_PUBLIC:
        hidden = make(
            state=state,
            title=f"Hidden rural schools {state}",
            lead_entity=kijiji,
            focus_areas=["access", "adoption", "accelerate", "value-creation"],
            countries=countries("KE", "UG", "SN", "FJ", "TV"),
            regions=[eastern_africa],
            usd_estimate=Decimal("999000000"),
            event=roundtable,
            delivery_status=Pledge.DeliveryStatus.ON_TRACK,
            seeking_partners=True,
        )
        PledgePartner.objects.create(pledge=hidden, entity=skills)
        tag(hidden, types=["financial", "policy"], pillars=["infrastructure"], sdgs=[4, 5, 9], groups=["women-girls"])
    return w


def found(query: str) -> set[str]:
    return {p.title for p in pledge_filter(QueryDict(query)).queryset}


def titles(*pledges: Pledge) -> set[str]:
    return {p.title for p in pledges}


def test_no_parameters_means_every_published_pledge_newest_first(world: World) -> None:
    result = pledge_filter(QueryDict(""))
    assert [p.title for p in result.queryset] == [
        p.title for p in (world.finance, world.islands, world.roadmap, world.women, world.schools)
    ]
    assert result.errors == {} and result.active_filters == [] and result.sort == "newest"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("focus_area=access", ["schools", "finance", "islands"]),
        ("focus_area=access&focus_area=adoption", ["schools", "finance", "islands", "women"]),
        ("pillar=infrastructure", ["schools"]),
        ("type=financial", ["finance"]),
        ("type=policy&type=advocacy", ["roadmap", "islands"]),
        ("entity_type=government", ["finance", "roadmap"]),
        ("entity=rwanda-mict", ["finance", "roadmap", "schools"]),  # lead, or partner of "schools"
        ("entity=digital-skills-alliance", ["women"]),
        ("sdg=9", ["schools", "finance", "roadmap"]),
        ("sdg=4&sdg=5", ["schools", "women"]),
        ("target_group=women-girls", ["women"]),
        ("year=2024", ["women", "roadmap"]),
        ("year=2023&year=2025", ["schools", "finance", "islands"]),
        ("event=ddr-2022", ["schools"]),
        ("delivery_status=delayed", ["women"]),
        ("seeking_partners=1", ["schools"]),
        ("usd_min=12500000", ["schools", "finance", "women"]),
        ("usd_max=12500000", ["women", "islands"]),
        ("usd_min=1&usd_max=300000000", ["schools", "women"]),
        ("q=schools", ["schools"]),
        ("q=kijiji", ["schools", "islands"]),
    ],
)
def test_each_filter_keeps_the_pledges_it_names(world: World, query: str, expected: list[str]) -> None:
    assert found(query) == titles(*(getattr(world, name) for name in expected))


def test_countries_are_case_insensitive_and_repeated_values_or_together(world: World) -> None:
    assert found("country=ke") == titles(world.schools)
    assert found("country=KE&country=sn") == titles(world.schools, world.women)
    assert found("country=BR") == set()


def test_a_region_finds_pledges_naming_its_countries_or_itself_or_a_region_within_it(world: World) -> None:
    # Africa (002) holds Kenya, Uganda and Senegal, and Eastern Africa (014) lies within it.
    assert found("m49_region=002") == titles(world.schools, world.women, world.roadmap)
    assert found("m49_region=2") == titles(world.schools, world.women, world.roadmap)
    assert found("m49_region=014") == titles(world.schools, world.roadmap)
    assert found("m49_region=011") == titles(world.women)  # Western Africa: Senegal
    assert found("m49_region=009") == titles(world.islands)  # Oceania: Fiji, Tuvalu
    assert found("itu_region=africa") == titles(world.schools, world.women)
    assert found("itu_region=asia-pacific") == titles(world.islands)


def test_groupings_find_pledges_naming_at_least_one_such_country(world: World) -> None:
    assert found("grouping=ldc") == titles(world.schools, world.women, world.islands)  # UG, SN, TV
    assert found("grouping=lldc") == titles(world.schools)  # Uganda
    assert found("grouping=sids") == titles(world.islands)
    assert found("grouping=lldc&grouping=sids") == titles(world.schools, world.islands)


def test_different_filters_and_together(world: World) -> None:
    assert found("focus_area=access&grouping=ldc&type=programmatic") == titles(world.schools)
    assert found("focus_area=access&country=SN") == set()
    assert found("q=rural&focus_area=access&year=2023&sdg=4") == titles(world.schools)


def test_nothing_unpublished_is_ever_found_counted_or_summed(world: World) -> None:
    everything = (
        "focus_area=access&focus_area=adoption&focus_area=accelerate&focus_area=value-creation"
        "&type=financial&type=policy&pillar=infrastructure&sdg=4&sdg=5&sdg=9&target_group=women-girls"
        "&country=KE&country=UG&country=SN&m49_region=014&grouping=ldc&entity=kijiji-telecom"
        "&entity=digital-skills-alliance&event=ddr-2022&delivery_status=on_track&seeking_partners=1"
        "&q=hidden"
    )
    for query in ["", "q=hidden", "q=rural+schools", *everything.split("&")]:
        result = pledge_filter(QueryDict(query))
        assert not [p for p in result.queryset if p.state != PUBLISHED], query
        assert not any("Hidden" in p.title for p in result.queryset), query
    assert pledge_totals(pledge_filter(QueryDict("q=hidden")).queryset).count == 0
    totals = pledge_totals(pledge_filter(QueryDict("")).queryset)
    assert (totals.count, totals.usd, totals.valued) == (5, Decimal("1262500000"), 4)


def test_a_pledge_matching_several_values_counts_once(world: World) -> None:
    # "schools" names Kenya and Uganda, has two SDGs, a partner and a lead that both match.
    result = pledge_filter(
        QueryDict("country=KE&country=UG&sdg=4&sdg=9&entity=kijiji-telecom&entity=rwanda-mict&m49_region=002")
    )
    assert list(result.queryset) == [world.schools]
    totals = pledge_totals(result.queryset)
    assert (totals.count, totals.usd) == (1, Decimal("250000000"))


def test_malformed_values_are_reported_and_the_valid_ones_still_apply(world: World) -> None:
    result = pledge_filter(
        QueryDict(
            "country=XX&country=ke&focus_area=nope&usd_min=lots&sdg=18&sdg=abc&year=20x4&grouping=g20"
            "&entity=nobody&event=nothing&m49_region=999&itu_region=mars&type=gift&pillar=p&target_group=t"
            "&entity_type=e&delivery_status=lost&seeking_partners=maybe&sort=random&wat=1"
        )
    )
    assert [p.title for p in result.queryset] == [world.schools.title]
    assert result.errors["country"] == ["There is no country “XX”: use a two-letter ISO code such as KE."]
    assert result.errors["usd_min"] == ["The minimum value must be an amount in US dollars, e.g. 1000000."]
    assert result.errors["sdg"] == [
        "There is no SDG “18”: the goals are numbered 1 to 17.",
        "There is no SDG “abc”: the goals are numbered 1 to 17.",
    ]
    assert set(result.errors) == {
        "country", "focus_area", "usd_min", "sdg", "year", "grouping", "entity", "event", "m49_region",
        "itu_region", "type", "pillar", "target_group", "entity_type", "delivery_status", "seeking_partners", "sort",
    }  # fmt: skip
    assert "wat" not in result.errors  # unknown parameters are ignored
    assert [(f.param, f.value_label) for f in result.active_filters] == [("country", "Kenya")]
    assert result.sort == "newest"


def test_a_maximum_below_the_minimum_is_reported_and_left_out(world: World) -> None:
    result = pledge_filter(QueryDict("usd_min=100000000&usd_max=5"))
    assert result.errors == {"usd_max": ["The maximum value is below the minimum value."]}
    assert {p.title for p in result.queryset} == titles(world.schools, world.finance)


def test_amounts_accept_separators_and_refuse_negative_or_absurd_numbers(world: World) -> None:
    assert found("usd_min=250,000,000") == titles(world.schools, world.finance)
    assert found("usd_min=USD 1 000 000 000") == titles(world.finance)
    for bad in ("-5", "1e400", "NaN", "Infinity", "1" * 30, "0x10"):
        assert "usd_min" in pledge_filter(QueryDict(f"usd_min={bad}")).errors, bad


def test_active_filters_name_what_applies_for_the_chips(world: World) -> None:
    result = pledge_filter(QueryDict("q=rural&country=ke&grouping=ldc&usd_min=1000000&entity=rwanda-mict"))
    assert [(f.param, f.value, f.label, f.value_label) for f in result.active_filters] == [
        ("q", "rural", "Search", "“rural”"),
        ("entity", "rwanda-mict", "Entity (lead or partner)", "Ministry of ICT"),
        ("country", "KE", "Country", "Kenya"),
        ("grouping", "ldc", "Country group", "Least Developed Countries (LDCs)"),
        ("usd_min", "1000000", "Estimated value at least", "USD 1,000,000"),
    ]
    assert result.values["country"] == ["KE"]


def test_sorting_by_value_title_and_relevance(world: World) -> None:
    def order(query: str) -> list[str]:
        return [p.title for p in pledge_filter(QueryDict(query)).queryset]

    assert order("sort=value") == [
        world.finance.title,
        world.schools.title,
        world.women.title,
        world.islands.title,
        world.roadmap.title,  # no estimate: last
    ]
    assert order("sort=title") == sorted(
        titles(world.schools, world.women, world.finance, world.roadmap, world.islands)
    )
    # With a search, the best matches come first: the title (or an entity name) holds every word.
    world.women.description = "Digital skills for rural women and girls, and for their schools."
    world.women.save()
    assert pledge_filter(QueryDict("q=rural+schools")).sort == "relevance"
    assert order("q=rural+schools") == [world.schools.title, world.women.title]
    assert order("q=rural+schools&sort=newest") == [world.women.title, world.schools.title]
    assert pledge_filter(QueryDict("sort=relevance")).sort == "newest"  # nothing to be relevant to


def test_a_plain_mapping_works_like_a_query_dict(world: World) -> None:
    result = pledge_filter({"country": ["KE", "SN"], "q": "digital"})
    assert {p.title for p in result.queryset} == titles(world.women)


def test_a_search_of_only_common_words_is_reported_not_applied(world: World) -> None:
    result = pledge_filter(QueryDict("q=the+and+of"))
    assert "q" in result.errors
    assert len(result.queryset) == 5


def test_years_offered_are_those_with_published_pledges(world: World) -> None:
    result = pledge_filter(QueryDict(""))
    assert result.options.years == [2025, 2024, 2023]
    assert found("year=2019") == set()  # a real year: no error, just nothing
    assert "year" not in pledge_filter(QueryDict("year=2019")).errors


def test_new_reference_data_is_offered_at_once(world: World) -> None:
    assert "new-event" not in pledge_filter(QueryDict("")).options.events
    Event.objects.create(name="New event", slug="new-event", starts_on=timezone.localdate())
    assert "new-event" in pledge_filter(QueryDict("")).options.events
