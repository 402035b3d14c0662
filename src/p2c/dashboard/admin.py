"""The dashboard's data version in the admin: readable, to check when the figures last changed."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from p2c.dashboard.models import DataVersion


@admin.register(DataVersion)
class DataVersionAdmin(admin.ModelAdmin[DataVersion]):
    """Shows the current data version and when it changed; it is only ever changed by the platform."""

    list_display = ["number", "changed_at"]
    search_fields = ["number"]
    list_filter = ["changed_at"]
    readonly_fields = ["number", "changed_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: DataVersion | None = None) -> bool:
        return False
