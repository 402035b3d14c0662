"""Admin for the audit trail (read-only) and the platform state."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from p2c.core.models import AuditEvent, PlatformState


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """The audit trail can be searched and read, never changed."""

    list_display = ["created_at", "actor", "action", "object_repr", "from_state", "to_state"]
    list_filter = ["action", "content_type", "to_state"]
    search_fields = ["object_repr", "comment", "actor__email"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False


@admin.register(PlatformState)
class PlatformStateAdmin(admin.ModelAdmin[PlatformState]):
    """Shows whether demo data is loaded."""

    list_display = ["__str__", "demo_data_loaded_at", "demo_data_description"]
    readonly_fields = ["demo_data_loaded_at"]
    search_fields = ["demo_data_description"]
    list_filter = ["demo_data_loaded_at"]
