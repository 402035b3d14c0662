"""Admin for pledges and the taxonomy (the secretariat edits the taxonomy here)."""

from __future__ import annotations

from django.contrib import admin

from p2c.pledges.models import SDG, FocusArea, Pillar, Pledge, PledgePartner, PledgeTarget, PledgeType, TargetGroup


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
    search_fields = ["reference", "title", "lead_entity__name"]
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
