"""Reads of countries and groupings."""

from __future__ import annotations

import pytest
from pytest_django import DjangoAssertNumQueries

from p2c.geo.models import Region
from p2c.geo.selectors import countries_in_region, countries_with_regions, country_groupings_counts

pytestmark = pytest.mark.django_db


def test_grouping_counts_in_one_query(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    with django_assert_num_queries(1):
        counts = country_groupings_counts()
    assert counts == {
        "countries": 249,
        "ldc": 44,
        "lldc": 32,
        "sids": 58,
        "sids_members": 38,
        "sids_associates": 20,
        "income_L": 26,
        "income_LM": 50,
        "income_UM": 53,
        "income_H": 86,
    }


def test_countries_in_an_itu_region() -> None:
    cis = Region.objects.get(kind=Region.Kind.ITU_REGION, code="cis")
    assert list(countries_in_region(cis).values_list("iso2", flat=True)) == [
        "AM",  # Armenia
        "AZ",  # Azerbaijan
        "BY",  # Belarus
        "KZ",  # Kazakhstan
        "KG",  # Kyrgyzstan
        "RU",  # Russian Federation
        "TJ",  # Tajikistan
        "TM",  # Turkmenistan
        "UZ",  # Uzbekistan
    ]


def test_countries_in_m49_regions_of_each_level() -> None:
    africa = Region.objects.get(kind=Region.Kind.M49_REGION, code="002")
    northern_africa = Region.objects.get(kind=Region.Kind.M49_SUBREGION, code="015")
    caribbean = Region.objects.get(kind=Region.Kind.M49_INTERMEDIATE, code="029")
    assert countries_in_region(africa).count() == 60  # 54 UN members and 6 territories
    assert set(countries_in_region(northern_africa).values_list("iso2", flat=True)) == {
        "DZ",
        "EG",
        "LY",
        "MA",
        "SD",
        "TN",
        "EH",
    }
    assert countries_in_region(caribbean).filter(iso2="HT").exists()


def test_countries_with_regions_needs_no_further_queries(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    with django_assert_num_queries(1):
        names = [
            (c.name, c.m49_region and c.m49_region.name, c.itu_region and c.itu_region.name)
            for c in countries_with_regions()
        ]
    assert ("Nepal", "Asia", "Asia & Pacific") in names
