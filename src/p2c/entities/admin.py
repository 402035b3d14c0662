"""Admin for entities, their types and memberships."""

from __future__ import annotations

from django.contrib import admin

from p2c.entities.models import Entity, EntityType, Membership


@admin.register(EntityType)
class EntityTypeAdmin(admin.ModelAdmin[EntityType]):
    """The sectors pledgers belong to; editable by the secretariat."""

    list_display = ["name", "code", "order"]
    list_editable = ["order"]
    search_fields = ["name", "code"]
    list_filter = ["order"]


class MembershipInline(admin.TabularInline[Membership, Entity]):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin[Entity]):
    """Organisations that pledge."""

    list_display = ["name", "acronym", "entity_type", "home_country", "verified"]
    list_filter = ["entity_type", "verified", "home_country__itu_region"]
    search_fields = ["name", "acronym", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["home_country"]
    list_select_related = ["entity_type", "home_country"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    """Who acts for which entity."""

    list_display = ["user", "entity", "role", "status", "created_at"]
    list_filter = ["role", "status"]
    search_fields = ["user__email", "entity__name"]
    autocomplete_fields = ["user", "entity"]
    list_select_related = ["user", "entity"]
