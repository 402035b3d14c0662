"""``p2c demo-data``: fictitious, realistic, deterministic demo pledges, and the rules around loading them."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from p2c.core.money import usd_conversion
from p2c.core.selectors import demo_data_description
from p2c.entities.models import Entity
from p2c.pledges.models import Pledge, PledgePartner, PledgeTarget, ReferenceCounter
from p2c.pledges.references import reference_reserve
from tests.factories import EntityFactory, PledgeFactory

pytestmark = pytest.mark.django_db

PLEDGES = 400
REFERENCE = re.compile(r"^P2C-(\d{4})-(\d{4,})$")
#: Real organisations (and their acronyms) that must never appear as demo entities.
REAL_ORGANISATIONS = [
    "ITU",
    "International Telecommunication Union",
    "UNICEF",
    "UNDP",
    "UNESCO",
    "World Bank",
    "GSMA",
    "Microsoft",
    "Google",
    "Meta",
    "Huawei",
    "Ericsson",
    "Nokia",
    "Cisco",
    "Safaricom",
    "Vodafone",
    "Orange",
    "Airtel",
    "MTN",
    "Bill & Melinda Gates Foundation",
    "European Union",
    "African Union",
    "Smart Africa",
    "Giga",
]


def load(pledges: int = PLEDGES, seed: int = 1, **options: Any) -> None:
    call_command("demo_data", pledges=pledges, seed=seed, verbosity=0, **options)


def snapshot() -> list[tuple[Any, ...]]:
    """Everything that identifies the demo data, independent of database ids."""
    rows = []
    for p in Pledge.objects.select_related("lead_entity", "event").order_by("reference"):
        rows.append(
            (
                p.reference,
                p.title,
                p.summary,
                p.description,
                p.lead_entity.name,
                p.state,
                p.amount,
                p.currency,
                p.usd_estimate,
                p.usd_source,
                p.created_at,
                p.published_at,
                p.pledged_on,
                p.start_date,
                p.end_date,
                p.event.name if p.event else None,
                sorted(p.focus_areas.values_list("code", flat=True)),
                sorted(p.countries.values_list("iso2", flat=True)),
                sorted(p.partnerships.values_list("entity__name", "role")),
                sorted(p.targets.values_list("indicator", "target_value", "target_year")),
            )
        )
    return rows


def test_demo_data_has_the_shape_of_the_real_coalition() -> None:
    load()
    pledges = Pledge.objects.all()
    assert pledges.count() == PLEDGES

    states = Counter(pledges.values_list("state", flat=True))
    assert set(states) == set(Pledge.State.values) - {Pledge.State.APPLIED}  # only revisions end "applied"
    assert 0.65 <= states[Pledge.State.PUBLISHED] / PLEDGES <= 0.85

    ldc = pledges.filter(countries__is_ldc=True).distinct().count()
    assert 0.15 <= ldc / PLEDGES <= 0.5
    assert pledges.filter(countries__is_lldc=True).exists()
    assert pledges.filter(countries__is_sids=True).exists()
    assert set(pledges.values_list("scope", flat=True)) == {"global", "regions", "countries"}

    women = pledges.filter(target_groups__code="women-girls").count()
    assert 0.4 <= women / PLEDGES <= 0.65
    programmatic = pledges.filter(pledge_types__code="programmatic").count()
    assert programmatic > pledges.filter(pledge_types__code="advocacy").count()
    assert pledges.filter(focus_areas__code="access").count() > pledges.filter(focus_areas__code="accelerate").count()


def test_amounts_dates_and_partners_are_consistent() -> None:
    load()
    pledges = Pledge.objects.all()

    assert not pledges.filter(amount__lte=0).exists()
    assert not pledges.filter(pledge_types__code="financial", amount__isnull=True).exists()
    assert pledges.filter(amount__isnull=True).exists()  # some non-financial pledges give no value
    assert not pledges.filter(amount__isnull=False, usd_estimate__isnull=True).exists()
    assert pledges.filter(amount__isnull=False).exclude(currency="USD").exists()
    for pledge in pledges.filter(usd_source__in=["ecb", "pledger"]):
        expected = usd_conversion(
            amount=pledge.amount,
            currency=pledge.currency,
            on_date=pledge.pledged_on,
            pledger_usd=pledge.usd_estimate if pledge.usd_source == "pledger" else None,
        )
        assert expected is not None
        assert (pledge.usd_estimate, pledge.usd_source) == (expected.usd, expected.source)
        assert pledge.usd_rate == expected.rate
        assert pledge.usd_rate_date == expected.rate_date

    assert not pledges.filter(end_date__lt=F("start_date")).exists()
    assert not pledges.filter(state="published", published_at__isnull=True).exists()
    assert not pledges.filter(published_at__lt=F("created_at")).exists()
    assert not pledges.exclude(state="draft").filter(submitted_at__isnull=True).exists()
    first, last = pledges.order_by("created_at").values_list("created_at", flat=True)[:: PLEDGES - 1]
    assert first.date() >= dt.date(2022, 3, 16)
    assert last.date() <= dt.date(2026, 11, 1)

    assert not PledgePartner.objects.filter(entity=F("pledge__lead_entity")).exists()
    assert PledgePartner.objects.exists()
    assert not PledgeTarget.objects.filter(target_value=F("baseline")).exists()
    assert not PledgeTarget.objects.exclude(target_year__range=(2024, 2030)).exists()
    for pledge in pledges.prefetch_related("pillars__focus_area", "focus_areas")[:100]:
        areas = {area.code for area in pledge.focus_areas.all()}
        assert 1 <= len(areas) <= 3
        assert {pillar.focus_area.code for pillar in pledge.pillars.all()} <= areas


def test_references_are_unique_per_year_and_counters_stay_ahead() -> None:
    load()
    numbers: dict[int, list[int]] = defaultdict(list)
    for reference, created_at in Pledge.objects.values_list("reference", "created_at"):
        match = REFERENCE.match(reference)
        assert match, reference
        assert int(match[1]) == created_at.year
        numbers[int(match[1])].append(int(match[2]))
    for year, used in numbers.items():
        assert sorted(used) == list(range(1, len(used) + 1))
        assert ReferenceCounter.objects.get(year=year).last_number >= max(used)


def test_entities_are_fictitious_and_kijiji_telecom_leads_the_demo_pledger() -> None:
    load()
    kijiji = Entity.objects.get(name="Kijiji Telecom")
    assert (kijiji.acronym, kijiji.entity_type.code, kijiji.home_country_id) == ("KTEL", "private-sector", "KE")
    kijiji_states = set(kijiji.led_pledges.values_list("state", flat=True))
    assert {"draft", "published"} <= kijiji_states

    entities = Entity.objects.all()
    assert 0.3 * PLEDGES / 2.2 <= entities.count() <= 2 * PLEDGES / 2.2
    assert entities.values("entity_type").distinct().count() >= 6
    assert entities.values("home_country").distinct().count() >= 30
    for name, acronym, website in entities.values_list("name", "acronym", "website"):
        for real in REAL_ORGANISATIONS:
            assert not re.search(rf"\b{re.escape(real)}\b", name, re.IGNORECASE), (name, real)
            assert acronym.lower() != real.lower(), (name, acronym)
        assert website.endswith(".example/")


def test_demo_banner_is_marked(django_capture_on_commit_callbacks: Any) -> None:
    assert demo_data_description() == ""
    with django_capture_on_commit_callbacks(execute=True):
        load(pledges=20)
    assert "fictitious" in demo_data_description()


def test_same_seed_gives_the_same_data_and_another_seed_does_not() -> None:
    load(pledges=250, seed=5)
    first = snapshot()
    load(pledges=250, seed=5, replace=True)
    assert snapshot() == first
    load(pledges=250, seed=6, replace=True)
    assert snapshot() != first


def test_chunk_size_does_not_change_the_data() -> None:
    load(pledges=60, seed=9)
    whole = snapshot()
    load(pledges=60, seed=9, replace=True, chunk_size=7)
    assert snapshot() == whole


def test_later_real_pledges_do_not_collide_with_demo_pledges() -> None:
    load(pledges=120)
    last_demo_id = Pledge.objects.order_by("-id").values_list("id", flat=True)[0]
    for year in ReferenceCounter.objects.values_list("year", flat=True):
        reference = reference_reserve(year=year)[0]
        assert not Pledge.objects.filter(reference=reference).exists()
    real = PledgeFactory(reference=reference_reserve(year=2026)[0], lead_entity=EntityFactory(name="Real Ministry"))
    assert real.pk > last_demo_id


def test_loading_twice_is_refused_unless_replacing() -> None:
    load(pledges=30)
    with pytest.raises(CommandError, match="--replace"):
        load(pledges=30)
    assert Pledge.objects.count() == 30
    load(pledges=40, replace=True)
    assert Pledge.objects.count() == 40
    assert ReferenceCounter.objects.order_by().values_list("last_number", flat=True)  # reset and rebuilt
    assert sum(ReferenceCounter.objects.values_list("last_number", flat=True)) == 40


def test_demo_data_never_mixes_with_real_pledges() -> None:
    real = PledgeFactory(lead_entity=EntityFactory(name="Real Ministry"))
    with pytest.raises(CommandError, match="not demo data"):
        load(pledges=30)
    with pytest.raises(CommandError, match="not demo data"):
        load(pledges=30, replace=True)
    assert list(Pledge.objects.all()) == [real]
    assert demo_data_description() == ""


def test_clear_removes_demo_data_and_banner_but_keeps_other_entities() -> None:
    other = EntityFactory(name="Someone Real")
    load(pledges=50)
    call_command("demo_data", clear=True, verbosity=0)
    assert not Pledge.objects.exists()
    assert list(Entity.objects.all()) == [other]
    assert demo_data_description() == ""
    assert not ReferenceCounter.objects.exists()


def test_a_real_entity_called_kijiji_telecom_is_not_taken_over() -> None:
    EntityFactory(name="Kijiji Telecom")
    with pytest.raises(CommandError, match="Kijiji Telecom"):
        load(pledges=10)
    assert not Pledge.objects.exists()


def test_the_number_of_pledges_must_be_positive() -> None:
    with pytest.raises(CommandError):
        load(pledges=0)


def test_the_demo_pledger_becomes_focal_point_of_kijiji_telecom() -> None:
    from p2c.core.setup import DEMO_PLEDGER_EMAIL, demo_accounts_ensure

    load(pledges=20)
    demo_accounts_ensure(password="a long demo password")
    kijiji = Entity.objects.get(name="Kijiji Telecom")
    assert kijiji.memberships.filter(user__email=DEMO_PLEDGER_EMAIL, role="focal_point").exists()
