"""Admin for countries, regions and reference lists.

Countries and regions come from the data files in ``geo/data/`` and are refreshed by
``reference_data_load()``: an edit made here is overwritten at the next load, so change the file.
Reference lists are provenance records and read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from p2c.geo.models import Country, ReferenceList, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    """UN M49 regions, sub-regions and intermediate regions, and ITU regions."""

    list_display = ["name", "kind", "code"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    ordering = ["kind", "code"]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin[Country]):
    """ISO 3166-1 countries with their regions, UN groupings and income group."""

    list_display = [
        "name",
        "iso2",
        "iso3",
        "numeric",
        "m49_region",
        "m49_subregion",
        "itu_region",
        "income_group",
        "is_ldc",
        "is_lldc",
        "sids_status",
    ]
    list_filter = [
        "is_ldc",
        "is_lldc",
        "sids_status",
        "income_group",
        ("itu_region", admin.RelatedOnlyFieldListFilter),
        ("m49_region", admin.RelatedOnlyFieldListFilter),
        ("m49_subregion", admin.RelatedOnlyFieldListFilter),
        ("m49_intermediate_region", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["name", "iso2", "iso3", "numeric"]
    list_select_related = ["m49_region", "m49_subregion", "itu_region"]
    fieldsets = [
        (None, {"fields": ["iso2", "iso3", "numeric", "name"]}),
        (_("Regions"), {"fields": ["m49_region", "m49_subregion", "m49_intermediate_region", "itu_region"]}),
        (_("Groupings"), {"fields": ["income_group", "is_ldc", "is_lldc", "sids_status", "is_sids"]}),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Country | None = None) -> list[str]:
        """The ISO code that identifies a country cannot change once it exists."""
        return ["iso2"] if obj is not None else []


@admin.register(ReferenceList)
class ReferenceListAdmin(admin.ModelAdmin[ReferenceList]):
    """Where each reference list comes from, its date and size: written only by the loader."""

    list_display = ["name", "code", "as_of", "member_count", "source", "licence", "loaded_at"]
    search_fields = ["name", "code", "source"]
    list_filter = ["as_of", "licence"]
    ordering = ["code"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Reference lists are created by ``reference_data_load()`` only."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Read-only: the provenance lives in ``p2c.geo.reference.SOURCES``."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Read-only: the provenance lives in ``p2c.geo.reference.SOURCES``."""
        return False
