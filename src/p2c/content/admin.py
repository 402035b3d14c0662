"""Admin for events, pages and milestones."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from p2c.content.models import Event, Milestone, Page
from p2c.content.wordpress import clean_html


@admin.register(Event)
class EventAdmin(admin.ModelAdmin[Event]):
    """Events and campaigns where pledges are announced."""

    list_display = ["name", "starts_on", "location", "is_campaign"]
    list_filter = ["is_campaign", "starts_on"]
    search_fields = ["name", "location"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Page)
class PageAdmin(admin.ModelAdmin[Page]):
    """Pages of prose; the one marked "served at /about/" is the About page. HTML is sanitised on save."""

    list_display = ["title", "slug", "is_about", "source_modified_at", "updated_at"]
    list_filter = ["is_about", "language"]
    search_fields = ["title", "slug", "content_html"]
    readonly_fields = ["source_url", "source_id", "source_published_at", "source_modified_at"]

    def save_model(self, request: HttpRequest, obj: Page, form: Any, change: bool) -> None:
        obj.content_html = clean_html(obj.content_html)
        if obj.is_about:
            Page.objects.filter(is_about=True).exclude(pk=obj.pk).update(is_about=False)
        super().save_model(request, obj, form, change)


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin[Milestone]):
    """Curated milestones are added here; thresholds crossed are recorded automatically."""

    list_display = ["achieved_on", "title", "kind", "metric", "threshold"]
    list_filter = ["kind", "metric", "precision"]
    search_fields = ["title", "description"]
    date_hierarchy = "achieved_on"
