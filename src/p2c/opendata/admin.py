"""Import batches in the admin: who uploaded what, and what became of it (read only)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from p2c.opendata.models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin[ImportBatch]):
    """Uploaded files of pledges and their outcome; changed only through /secretariat/import/."""

    list_display = ["filename", "mode", "status", "uploaded_by", "created_at"]
    list_filter = ["status", "mode", "created_at"]
    search_fields = ["filename", "sha256", "uploaded_by__email"]
    list_select_related = ["uploaded_by"]
    exclude = ["content"]
    readonly_fields = ["filename", "size", "sha256", "mode", "status", "uploaded_by", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ImportBatch | None = None) -> bool:
        return False
