"""Reads of countries, regions and groupings."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from p2c.geo.models import Country, Region

# Which Country foreign key points at a region of each kind.
_REGION_FIELD = {
    Region.Kind.M49_REGION: "m49_region",
    Region.Kind.M49_SUBREGION: "m49_subregion",
    Region.Kind.M49_INTERMEDIATE: "m49_intermediate_region",
    Region.Kind.ITU_REGION: "itu_region",
}


def countries_with_regions() -> QuerySet[Country]:
    """All countries, with their M49 and ITU regions fetched in the same query."""
    return Country.objects.select_related(*_REGION_FIELD.values())


def countries_in_region(region: Region) -> QuerySet[Country]:
    """The countries that belong to ``region`` (of whichever kind), by name."""
    return Country.objects.filter(**{_REGION_FIELD[Region.Kind(region.kind)]: region}).order_by("name")


def country_groupings_counts() -> dict[str, int]:
    """How many countries each grouping holds: LDC, LLDC, SIDS (and its split), each income group. One query."""
    income = {f"income_{g.value}": Count("pk", filter=Q(income_group=g.value)) for g in Country.IncomeGroup}
    return Country.objects.aggregate(
        countries=Count("pk"),
        ldc=Count("pk", filter=Q(is_ldc=True)),
        lldc=Count("pk", filter=Q(is_lldc=True)),
        sids=Count("pk", filter=Q(is_sids=True)),
        sids_members=Count("pk", filter=Q(sids_status=Country.SidsStatus.UN_MEMBER)),
        sids_associates=Count("pk", filter=Q(sids_status=Country.SidsStatus.ASSOCIATE)),
        **income,
    )
