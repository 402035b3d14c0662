"""Admin for countries, regions and reference lists."""

from __future__ import annotations

from django.contrib import admin

from p2c.geo.models import Country, ReferenceList, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    """UN M49 and ITU regions."""

    list_display = ["name", "kind", "code"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin[Country]):
    """ISO 3166-1 countries with their regions and groupings."""

    list_display = ["name", "iso2", "iso3", "m49_region", "itu_region", "income_group", "is_ldc", "is_lldc", "is_sids"]
    list_filter = ["is_ldc", "is_lldc", "is_sids", "income_group", "itu_region", "m49_region"]
    search_fields = ["name", "iso2", "iso3", "numeric"]
    list_select_related = ["m49_region", "itu_region"]


@admin.register(ReferenceList)
class ReferenceListAdmin(admin.ModelAdmin[ReferenceList]):
    """Where each reference list comes from, and its date."""

    list_display = ["name", "as_of", "member_count", "source", "loaded_at"]
    search_fields = ["name", "source"]
    list_filter = ["as_of"]
