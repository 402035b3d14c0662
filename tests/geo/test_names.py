"""Country and region names in the interface language."""

from __future__ import annotations

import csv

import pytest
from django.utils import translation

from p2c.geo.models import Country, Region
from p2c.geo.names import REGION_NAMES, country_name
from p2c.geo.reference import DATA_DIR, ITU_REGION_NAMES, M49


def _m49_region_names() -> set[str]:
    with (DATA_DIR / M49.filename).open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    return {row[k] for row in rows for k in ("region_name", "subregion_name", "intermediate_name") if row[k]}


def test_every_region_name_the_reference_lists_load_is_marked_for_translation() -> None:
    assert _m49_region_names() | set(ITU_REGION_NAMES.values()) <= set(REGION_NAMES)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "kenya", "africa"),
    [("en", "Kenya", "Sub-Saharan Africa"), ("fr", "Kenya", "Afrique subsaharienne"), ("es", "Kenia", None)],
)
def test_names_come_in_the_active_language(language: str, kenya: str, africa: str | None) -> None:
    region = Region.objects.get(kind=Region.Kind.M49_SUBREGION, name="Sub-Saharan Africa")
    with translation.override(language):
        assert Country.objects.get(iso2="KE").local_name == kenya
        assert str(Country.objects.get(iso2="KE")) == kenya
        if africa:
            assert region.local_name == africa


def test_a_name_spelt_the_same_is_still_the_translation_and_unknown_codes_keep_the_stored_name() -> None:
    with translation.override("es"):
        assert country_name("BO", "Bolivia (Plurinational State of)") == "Bolivia"
        assert country_name("XK", "Kosovo") == "Kosovo"
    with translation.override("zh-hans"):
        assert country_name("CN", "China") == "中国"
