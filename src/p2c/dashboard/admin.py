"""The dashboard's tables in the admin: readable, to check when and how the figures last changed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from p2c.dashboard.models import (
    DashboardDemand,
    DataVersion,
    ExplorerDemand,
    PledgeFigure,
    WarmedDashboard,
    WarmedResults,
)


class _Kept(admin.ModelAdmin[Any]):
    """Rows only the platform adds and removes."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _ReadOnly(_Kept):
    """Rows only the platform writes."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DataVersion)
class DataVersionAdmin(_Kept):
    """Shows the current data version and when it changed; it is only ever changed by the platform."""

    list_display = ["number", "changed_at"]
    search_fields = ["number"]
    list_filter = ["changed_at"]
    readonly_fields = ["number", "changed_at"]


@admin.register(PledgeFigure)
class PledgeFigureAdmin(_ReadOnly):
    """What each published pledge names in the dashboard's breakdowns (``p2c dashboard-figures`` rebuilds them)."""

    list_display = ["pledge", "tags", "sdgs", "target_groups", "countries"]
    list_select_related = ["pledge"]
    search_fields = ["pledge__reference", "countries"]
    list_filter = ["pledge__published_at"]


@admin.register(WarmedDashboard)
class WarmedDashboardAdmin(_ReadOnly):
    """The dashboard pages computed in the background for the latest data version."""

    list_display = ["version", "language", "state", "day", "computed_at"]
    search_fields = ["version"]
    list_filter = ["language", "day"]
    exclude = ["content"]


@admin.register(DashboardDemand)
class DashboardDemandAdmin(_ReadOnly):
    """The filtered dashboards visitors asked for lately, which the background task renders again after a change."""

    list_display = ["query", "language", "requested_at"]
    search_fields = ["query"]
    list_filter = ["language"]


@admin.register(WarmedResults)
class WarmedResultsAdmin(_ReadOnly):
    """The explorer's totals and first pages computed in the background for the latest data version."""

    list_display = ["version", "state", "day", "count", "usd", "computed_at"]
    search_fields = ["version", "state"]
    list_filter = ["day"]


@admin.register(ExplorerDemand)
class ExplorerDemandAdmin(_ReadOnly):
    """The searches and filters visitors asked for lately, which the background task computes again after a change."""

    list_display = ["query", "requested_at"]
    search_fields = ["query"]
    list_filter = ["requested_at"]
