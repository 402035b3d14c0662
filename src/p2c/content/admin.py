"""Admin for events."""

from __future__ import annotations

from django.contrib import admin

from p2c.content.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin[Event]):
    """Events and campaigns where pledges are announced."""

    list_display = ["name", "starts_on", "location", "is_campaign"]
    list_filter = ["is_campaign", "starts_on"]
    search_fields = ["name", "location"]
    prepopulated_fields = {"slug": ["name"]}
