"""The per-pledge rows (``PledgeFigure``) give exactly the figures counted from the relation tables.

The dashboard's figures are computed from one precomputed row per published pledge
(``aggregates.compute``); ``aggregates.compute_directly`` counts them from the relation tables, as
the dashboard did before. Random pledges, random changes through every path that changes what is
counted, and random filter combinations must give the same figures both ways, on SQLite and on
PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.utils import timezone

from p2c.dashboard import aggregates as agg
from p2c.dashboard.figures import figures_rebuild
from p2c.dashboard.freshness import data_version
from p2c.dashboard.models import PledgeFigure
from p2c.entities.models import EntityType
from p2c.geo.models import Country, ReferenceList, Region
from p2c.pledges.filters import pledge_filter
from p2c.pledges.models import SDG, FocusArea, Pledge, PledgeType, TargetGroup
from tests.factories import EntityFactory, PledgeFactory

pytestmark = pytest.mark.django_db

PUBLISHED = Pledge.State.PUBLISHED
STATES = [PUBLISHED, PUBLISHED, PUBLISHED, Pledge.State.DRAFT, Pledge.State.SUBMITTED, Pledge.State.WITHDRAWN]
ISO = ["KE", "UG", "TZ", "FJ", "WS", "NP", "BO", "BR", "FR", "IN", "BD", "AQ", "ET", "VU", "US", "CH"]


class World:
    """Reference data the random pledges draw from."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.countries = list(Country.objects.filter(iso2__in=ISO))
        self.regions = list(Region.objects.filter(kind__startswith="m49")) + list(
            Region.objects.filter(kind="itu_region")
        )
        self.areas = list(FocusArea.objects.all())
        self.types = list(PledgeType.objects.all())
        self.sdgs = list(SDG.objects.all())
        self.groups = list(TargetGroup.objects.all())
        self.entity_types = list(EntityType.objects.all())
        self.entities = [
            EntityFactory(entity_type=rng.choice(self.entity_types), home_country=rng.choice([None, *self.countries]))
            for _ in range(8)
        ]

    def some(self, items: list[Any], most: int) -> list[Any]:
        return self.rng.sample(items, self.rng.randint(0, min(most, len(items))))

    def pledge(self) -> Pledge:
        rng = self.rng
        state = rng.choice(STATES)
        pledge = PledgeFactory(
            state=state,
            lead_entity=rng.choice(self.entities),
            usd_estimate=None if rng.random() < 0.15 else Decimal(rng.randrange(1, 10**9)) / 100,
            published_at=timezone.now() - dt.timedelta(days=rng.randrange(0, 900)) if state == PUBLISHED else None,
            countries=self.some(self.countries, 6),
            regions=self.some(self.regions, 3),
            focus_areas=self.some(self.areas, 3),
        )
        pledge.pledge_types.set(self.some(self.types, 3))
        pledge.sdgs.set(self.some(self.sdgs, 5))
        pledge.target_groups.set(self.some(self.groups, 3))
        return pledge

    def query(self) -> str:
        """A random combination of the explorer's parameters (several values of one are ORed)."""
        rng = self.rng
        offers: dict[str, list[str]] = {
            "focus_area": [a.code for a in self.areas],
            "type": [t.code for t in self.types],
            "sdg": [str(s.number) for s in self.sdgs],
            "target_group": [g.code for g in self.groups],
            "country": ISO,
            "m49_region": ["002", "019", "142", "150", "009", "014", "005"],
            "home_region": ["002", "019", "142", "150", "009"],
            "grouping": ["ldc", "lldc", "sids"],
            "entity_type": [t.code for t in self.entity_types],
            "year": ["2024", "2025", "2026"],
            "usd_min": ["1000", "1000000"],
        }
        pairs = []
        for name in rng.sample(sorted(offers), rng.randint(1, 3)):
            pairs += [(name, value) for value in rng.sample(offers[name], rng.randint(1, 2))]
        return "&".join(f"{name}={value}" for name, value in pairs)


def assert_same(query: str) -> agg.Aggregates:
    result = pledge_filter(QueryDict(query))
    found, expected = agg.compute(result), agg.compute_directly(result)
    assert found == expected, query
    return found


def assert_rows_of_published_pledges_only() -> None:
    published = set(Pledge.objects.filter(state=PUBLISHED).values_list("id", flat=True))
    assert set(PledgeFigure.objects.values_list("pledge_id", flat=True)) == published


def change_something(world: World, pledges: list[Pledge]) -> str:
    """One random change through one of the paths that change what the dashboard counts."""
    rng = world.rng
    pledge = rng.choice(pledges)
    pledge.refresh_from_db()
    kind = rng.choice(
        ["publish", "withdraw", "relations", "reverse", "clear", "entity", "lead", "country", "value", "delete"]
    )
    if kind == "publish" and pledge.state != PUBLISHED:
        pledge.state, pledge.published_at = PUBLISHED, timezone.now()
        pledge.save(update_fields=["state", "published_at"])
    elif kind == "withdraw" and pledge.state == PUBLISHED:
        pledge.state = Pledge.State.WITHDRAWN
        pledge.save(update_fields=["state"])
    elif kind == "relations":
        pledge.countries.set(world.some(world.countries, 5))
        pledge.regions.add(*world.some(world.regions, 2))
        pledge.sdgs.remove(*pledge.sdgs.all()[:1])
    elif kind == "reverse":
        rng.choice(world.countries).pledges.add(*rng.sample(pledges, 3))
        rng.choice(world.areas).pledges.remove(*rng.sample(pledges, 3))
    elif kind == "clear":
        rng.choice(world.groups).pledges.clear()
    elif kind == "entity":
        entity = rng.choice(world.entities)
        entity.entity_type = rng.choice(world.entity_types)
        entity.home_country = rng.choice([None, *world.countries])
        entity.save()
    elif kind == "lead":
        pledge.lead_entity = rng.choice(world.entities)
        pledge.save()
    elif kind == "country":
        country = rng.choice(world.countries)
        country.is_ldc, country.is_sids = not country.is_ldc, not country.is_sids
        country.save()
    elif kind == "value":
        pledge.usd_estimate = Decimal(rng.randrange(1, 10**7))
        pledge.save()
    elif kind == "delete" and len(pledges) > 20:
        pledges.remove(pledge)
        pledge.delete()
    return kind


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_rows_give_the_figures_counted_from_the_relation_tables(seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - test data
    world = World(rng)
    pledges = [world.pledge() for _ in range(45)]
    assert_rows_of_published_pledges_only()
    assert_same("")
    for _ in range(8):
        assert_same(world.query())
    for _ in range(30):
        kind = change_something(world, pledges)
        assert_rows_of_published_pledges_only()
        assert_same(world.query()), kind
    found = assert_same("")
    assert found.pledges == Pledge.objects.filter(state=PUBLISHED).count()
    # Parts still add up to the whole, to the cent.
    for breakdown in found.breakdowns.values():
        assert breakdown.attributed_cents + breakdown.unattributed.cents == found.cents


def test_a_deleted_taxonomy_term_and_a_deleted_country_leave_their_pledges_recounted() -> None:
    group = TargetGroup.objects.create(code="test-group", name="Test group")
    fiji = Country.objects.get(iso2="FJ")
    for _ in range(3):
        pledge = PledgeFactory(state=PUBLISHED, countries=[fiji, Country.objects.get(iso2="KE")])
        pledge.target_groups.set([group, *TargetGroup.objects.exclude(pk=group.pk)[:1]])
    assert_same("")
    group.delete()
    assert_same("")
    Country.objects.filter(iso2="FJ").delete()
    assert_same("")
    assert_rows_of_published_pledges_only()


def test_a_revision_applied_changes_the_rows_of_the_published_pledge() -> None:
    from p2c.pledges.revisions import revision_apply

    pledge = PledgeFactory(state=PUBLISHED, countries=list(Country.objects.filter(iso2__in=["KE", "UG"])))
    revision = PledgeFactory(state=Pledge.State.SUBMITTED, lead_entity=pledge.lead_entity, revision_of=pledge)
    revision.countries.set(Country.objects.filter(iso2__in=["FJ"]))
    revision.focus_areas.set(FocusArea.objects.all()[:2])
    assert PledgeFigure.objects.get(pledge=pledge).countries == "KE,UG"
    revision_apply(revision=revision, acting_user=None)
    assert PledgeFigure.objects.get(pledge=pledge).countries == "FJ"
    assert not PledgeFigure.objects.filter(pledge=revision).exists()  # a revision is never counted
    assert_same("")
    assert_same("country=FJ")


def test_demo_data_written_in_bulk_gets_its_rows() -> None:
    from p2c.demo.services import demo_data_load

    loaded = demo_data_load(pledges=40, seed=3)
    assert PledgeFigure.objects.count() == loaded.published > 0
    assert_same("")
    assert_same("focus_area=access&grouping=ldc")


def test_reloaded_reference_data_rebuilds_every_row_after_the_commit(django_capture_on_commit_callbacks: Any) -> None:
    kenya = Country.objects.get(iso2="KE")
    PledgeFactory(state=PUBLISHED, countries=[kenya])
    assert agg.compute(pledge_filter(QueryDict(""))).groupings["ldc"].pledges == 0
    Country.objects.filter(iso2="KE").update(is_ldc=True)  # as the reference data loader does: no signal
    version = data_version()
    with django_capture_on_commit_callbacks(execute=True):
        reference = ReferenceList.objects.get(code="ldc")
        reference.member_count += 1
        reference.save()
    assert agg.compute(pledge_filter(QueryDict(""))).groupings["ldc"].pledges == 1
    assert data_version() != version
    assert_same("")


def test_the_command_rebuilds_and_checks_the_rows() -> None:
    for iso in ("KE", "FJ", "BR"):
        PledgeFactory(state=PUBLISHED, countries=[Country.objects.get(iso2=iso)], focus_areas=["access"])
    out = StringIO()
    call_command("dashboard_figures", "--check", "focus_area=access", stdout=out)
    assert out.getvalue().count("same") == 2
    PledgeFigure.objects.update(countries="")  # a write that sent no signal
    with pytest.raises(Exception, match="out of date"):
        call_command("dashboard_figures", "--check", stdout=StringIO())
    call_command("dashboard_figures", stdout=out)
    assert "Rebuilt the dashboard figures of 3 published pledges" in out.getvalue()
    assert_same("")
    assert figures_rebuild() == 3


def rows_as_the_pledges_say() -> dict[int, tuple[int | None, int | None, str]]:
    """(lead entity, value in cents, day of publication) of every published pledge, from the pledge rows."""
    published = Pledge.objects.filter(state=PUBLISHED).annotate(c=agg.CENTS, d=agg.DAY)
    return {p: (lead, cents, day) for p, lead, cents, day in published.values_list("id", "lead_entity_id", "c", "d")}


def rows_held() -> dict[int, tuple[int | None, int | None, str]]:
    return {
        p: (lead, cents, day)
        for p, lead, cents, day in PledgeFigure.objects.values_list("pledge", "lead", "cents", "day")
    }


def test_the_rows_hold_the_lead_value_and_day_of_their_pledge_through_saves_of_those_fields_alone() -> None:
    pledge, other = PledgeFactory(state=PUBLISHED, usd_estimate=Decimal("10.005")), PledgeFactory(state=PUBLISHED)
    PledgeFactory(state=PUBLISHED, usd_estimate=None)
    assert rows_held() == rows_as_the_pledges_say()
    assert PledgeFigure.objects.get(pledge=pledge).cents == 1001  # rounded as the statement rounds
    pledge.usd_estimate = Decimal("2500.50")
    pledge.save(update_fields=["usd_estimate"])
    other.published_at = timezone.now() - dt.timedelta(days=400)
    other.save(update_fields=["published_at"])
    other.lead_entity = EntityFactory()
    other.save(update_fields=["lead_entity"])
    assert rows_held() == rows_as_the_pledges_say()
    assert PledgeFigure.objects.get(pledge=pledge).cents == 250050
    assert_same("")
    assert_same("year=" + str(other.published_at.year))


def test_the_migration_fills_the_lead_value_and_day_of_the_rows_already_there() -> None:
    from importlib import import_module

    from django.apps import apps

    for value in ("1234.565", "0.01", None):
        PledgeFactory(state=PUBLISHED, usd_estimate=None if value is None else Decimal(value))
    PledgeFigure.objects.update(lead=None, cents=None, day="")  # as the rows were before the migration
    migration = import_module("p2c.dashboard.migrations.0003_pledge_figure_values")
    migration.fill_rows(apps, "default")
    assert rows_held() == rows_as_the_pledges_say()
    assert_same("")
