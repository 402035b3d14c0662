"""The seeded taxonomy: focus areas with pillars, pledge types, SDGs, target groups, entity types."""

from __future__ import annotations

import pytest

from p2c.entities.models import EntityType
from p2c.pledges.models import SDG, FocusArea, Pillar, PledgeType, TargetGroup
from p2c.pledges.taxonomy import taxonomy_load

pytestmark = pytest.mark.django_db


def test_the_four_focus_areas_with_their_pillars() -> None:
    areas = {area.code: [p.name for p in area.pillars.all()] for area in FocusArea.objects.all()}
    assert list(areas) == ["access", "adoption", "value-creation", "accelerate"]
    assert "Infrastructure" in areas["access"]
    assert "Digital skills" in areas["adoption"]
    assert "E-government services" in areas["value-creation"]
    assert "Innovative financing" in areas["accelerate"]


def test_pledge_types_sdgs_target_groups_and_entity_types() -> None:
    assert list(PledgeType.objects.values_list("code", flat=True)) == [
        "financial",
        "programmatic",
        "policy",
        "advocacy",
    ]
    assert SDG.objects.count() == 17
    assert SDG.objects.get(number=9).short_title == "Industry, innovation and infrastructure"
    assert SDG.objects.get(number=17).short_title == "Partnerships for the goals"
    assert TargetGroup.objects.count() == 10
    assert TargetGroup.objects.filter(name="Persons with disabilities").exists()
    assert EntityType.objects.count() == 8
    assert EntityType.objects.filter(name="UN entity").exists()


def test_loading_again_restores_seeded_rows_and_keeps_the_secretariats_additions() -> None:
    before = taxonomy_load()
    Pillar.objects.filter(code="infrastructure").update(name="Renamed by mistake")
    TargetGroup.objects.create(code="migrants", name="Migrants", order=11)
    after = taxonomy_load()
    assert Pillar.objects.get(code="infrastructure").name == "Infrastructure"
    assert TargetGroup.objects.filter(code="migrants").exists()
    assert after["target_groups"] == before["target_groups"] + 1
    assert after["pillars"] == before["pillars"]
