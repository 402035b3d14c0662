"""Admin for pledges and the taxonomy (the secretariat edits the taxonomy here)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from p2c.pledges.models import (
    SDG,
    FocusArea,
    Pillar,
    Pledge,
    PledgeFacets,
    PledgePartner,
    PledgeTarget,
    PledgeType,
    ReferenceCounter,
    TargetGroup,
)


class PillarInline(admin.TabularInline[Pillar, FocusArea]):
    model = Pillar
    extra = 0


@admin.register(FocusArea)
class FocusAreaAdmin(admin.ModelAdmin[FocusArea]):
    """The Action Framework's focus areas, with their pillars."""

    list_display = ["name", "code", "tagline", "colour", "order"]
    search_fields = ["name", "code", "tagline"]
    list_filter = ["order"]
    inlines = [PillarInline]


@admin.register(Pillar)
class PillarAdmin(admin.ModelAdmin[Pillar]):
    """Areas of intervention within focus areas."""

    list_display = ["name", "focus_area", "code", "order"]
    list_filter = ["focus_area"]
    search_fields = ["name", "code"]


@admin.register(PledgeType)
class PledgeTypeAdmin(admin.ModelAdmin[PledgeType]):
    """Financial, programmatic, policy, advocacy."""

    list_display = ["name", "code", "order"]
    search_fields = ["name", "code"]
    list_filter = ["order"]


@admin.register(SDG)
class SDGAdmin(admin.ModelAdmin[SDG]):
    """The 17 Sustainable Development Goals."""

    list_display = ["number", "short_title", "colour"]
    search_fields = ["short_title"]
    list_filter = ["number"]


@admin.register(TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin[TargetGroup]):
    """Groups of people pledges are meant to benefit."""

    list_display = ["name", "code", "order"]
    search_fields = ["name", "code"]
    list_filter = ["order"]


class PledgePartnerInline(admin.TabularInline[PledgePartner, Pledge]):
    model = PledgePartner
    extra = 0
    autocomplete_fields = ["entity"]


class PledgeTargetInline(admin.TabularInline[PledgeTarget, Pledge]):
    model = PledgeTarget
    extra = 0


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin[Pledge]):
    """Pledges; review transitions belong to the review screens, so state is read-only here."""

    list_display = ["reference", "title", "lead_entity", "state", "usd_estimate", "published_at"]
    list_filter = ["state", "scope", "focus_areas", "pledge_types", "additionality", "seeking_partners"]
    search_fields = ["reference", "external_reference", "title", "lead_entity__name"]
    list_select_related = ["lead_entity"]
    autocomplete_fields = ["lead_entity", "countries", "regions", "event"]
    filter_horizontal = ["focus_areas", "pillars", "pledge_types", "sdgs", "target_groups"]
    readonly_fields = [
        "reference",
        "state",
        "version",
        "usd_estimate",
        "usd_rate",
        "usd_rate_date",
        "usd_source",
        "submitted_at",
        "published_at",
        "created_at",
        "updated_at",
    ]
    date_hierarchy = "published_at"
    inlines = [PledgePartnerInline, PledgeTargetInline]


@admin.register(PledgePartner)
class PledgePartnerAdmin(admin.ModelAdmin[PledgePartner]):
    """Who takes part in which pledge, and how."""

    list_display = ["pledge", "entity", "role"]
    list_filter = ["role"]
    search_fields = ["pledge__reference", "pledge__title", "entity__name"]
    list_select_related = ["pledge", "entity"]
    autocomplete_fields = ["pledge", "entity"]


@admin.register(PledgeTarget)
class PledgeTargetAdmin(admin.ModelAdmin[PledgeTarget]):
    """Structured targets of pledges."""

    list_display = ["pledge", "indicator", "unit", "baseline", "target_value", "target_year"]
    list_filter = ["target_year", "unit"]
    search_fields = ["indicator", "unit", "pledge__reference", "pledge__title"]
    list_select_related = ["pledge"]
    autocomplete_fields = ["pledge"]


@admin.register(ReferenceCounter)
class ReferenceCounterAdmin(admin.ModelAdmin[ReferenceCounter]):
    """The last reference number handed out per year (read-only: numbers are never reused)."""

    list_display = ["year", "last_number"]
    list_filter = ["year"]
    search_fields = ["year"]
    readonly_fields = ["year", "last_number"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(PledgeFacets)
class PledgeFacetsAdmin(admin.ModelAdmin[PledgeFacets]):
    """The explorer's facet tokens of each published pledge (read-only: ``p2c.pledges.facets`` keeps them)."""

    list_display = ["pledge", "tokens"]
    search_fields = ["tokens", "pledge__reference", "pledge__title"]
    list_filter = ["pledge__published_at"]
    list_select_related = ["pledge"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PledgeFacets | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: PledgeFacets | None = None) -> bool:
        return False
