"""The demo generator's building blocks: names, weighted picks, growth over time, round amounts."""

from __future__ import annotations

import datetime as dt
import random

from p2c.demo import vocabulary as v
from p2c.demo.distributions import GrowthCurve, Weighted, round_amount
from p2c.demo.generator import entity_count_for
from p2c.demo.names import EntityNamer, acronym_for, slug_for, website_for


def test_entity_count_scales_with_pledges_and_is_capped() -> None:
    assert entity_count_for(1) == 1
    assert entity_count_for(1_000) == 455
    assert entity_count_for(10_000_000) == v.MAX_ENTITIES


def test_names_are_unique_case_insensitively_and_avoid_taken_ones() -> None:
    namer = EntityNamer(random.Random(1), taken={"KIJIJI TELECOM"})  # noqa: S311 - test data
    assert not namer.claim("Kijiji Telecom")
    names = [namer.name("private-sector") for _ in range(2_000)]
    assert len({n.lower() for n in names}) == len(names)


def test_acronyms_never_spell_a_real_organisation() -> None:
    assert acronym_for("Velanor Digital Agency") == "VDA"
    assert acronym_for("Ilano Telecom Union") == ""  # would be "ITU"
    assert acronym_for("Kapo") == ""


def test_demo_markers_are_on_slug_and_website() -> None:
    slug = slug_for("Lanmini Solar Connect")
    assert slug == "demo-lanmini-solar-connect"
    assert website_for(slug) == "https://lanmini-solar-connect.example/"


def test_growth_curve_is_monotonic_and_bounded() -> None:
    curve = GrowthCurve(v.GROWTH_CURVE)
    moments = [curve.moment(i / 1000) for i in range(1000)]
    assert moments == sorted(moments)
    assert moments[0].date() == v.PLATFORM_LAUNCH
    assert moments[-1].date() <= v.ANCHOR
    assert moments[-1].tzinfo == dt.UTC


def test_weighted_pick_follows_weights_and_sample_is_distinct() -> None:
    rng = random.Random(3)  # noqa: S311 - test data
    weighted = Weighted({"a": 9.0, "b": 1.0, "never": 0.0})
    picks = [weighted.pick(rng) for _ in range(5_000)]
    assert 0.85 < picks.count("a") / len(picks) < 0.95
    assert "never" not in picks
    assert sorted(weighted.sample(rng, 5)) == ["a", "b"]


def test_amounts_are_rounded_like_announcements() -> None:
    assert round_amount(2_513_774) == 2_500_000
    assert round_amount(987) == 990
    assert round_amount(42.4) == 42
