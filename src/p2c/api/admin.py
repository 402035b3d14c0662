"""Admin for API tokens: read-only, so that a secret is only ever made through the focal point's page."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from p2c.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Who holds which token, its scope and whether it is in use; tokens are created and revoked by focal points."""

    list_display = ["name", "prefix", "entity", "scope", "created_by", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "entity__name", "created_by__email"]
    list_select_related = ["entity", "created_by"]
    readonly_fields = [
        "entity",
        "name",
        "prefix",
        "scope",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    exclude = ["secret_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
