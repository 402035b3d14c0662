"""Reads of countries, regions and groupings."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet

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


# --- Public country pages -----------------------------------------------------------------------

# The groupings a visitor can filter by, as the explorer spells them (``?grouping=ldc``).
GROUPINGS = {"ldc": "is_ldc", "lldc": "is_lldc", "sids": "is_sids"}


def country_for_page(iso2: str) -> Country | None:
    """The country with this (upper-case) ISO alpha-2 code, with its regions; ``None`` if unknown."""
    return countries_with_regions().filter(iso2=iso2).first()


def country_directory(*, grouping: str = "", m49_region: str = "", itu_region: str = "") -> QuerySet[Country]:
    """Countries by M49 region (those in none last), then name; optionally one grouping or region only.

    ``grouping`` is ``ldc``, ``lldc`` or ``sids``;
    ``m49_region`` is an M49 code of any level (region, sub-region or intermediate region);
    ``itu_region`` is an ITU region's slug.
    """
    countries = countries_with_regions().order_by(F("m49_region__name").asc(nulls_last=True), "name")
    if grouping in GROUPINGS:
        countries = countries.filter(**{GROUPINGS[grouping]: True})
    if m49_region:
        countries = countries.filter(
            Q(m49_region__code=m49_region)
            | Q(m49_subregion__code=m49_region)
            | Q(m49_intermediate_region__code=m49_region)
        )
    if itu_region:
        countries = countries.filter(itu_region__code=itu_region)
    return countries


def regions_of_kind(kind: str) -> QuerySet[Region]:
    """Every region of one kind, by name (for filters)."""
    return Region.objects.filter(kind=kind).order_by("name")
