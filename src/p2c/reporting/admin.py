"""Admin for progress reporting. Cycles are opened and closed, and reports reviewed, on /review/cycles/ and
/review/reports/ (which write the audit trail); here they are read-only records."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from p2c.reporting.models import ProgressReport, ReminderSent, ReportingCycle, TargetActual


class _ReadOnly:
    """Changes go through the services (audit trail, emails, the dashboard's data version), not the admin."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReportingCycle)
class ReportingCycleAdmin(_ReadOnly, admin.ModelAdmin[ReportingCycle]):
    """Yearly reporting cycles (opened and closed on /review/cycles/)."""

    list_display = ["year", "label", "state", "period_start", "period_end", "opens_on", "closes_on"]
    list_filter = ["state"]
    search_fields = ["year", "label"]


class TargetActualInline(admin.TabularInline[TargetActual, ProgressReport]):
    model = TargetActual
    extra = 0
    can_delete = False
    readonly_fields = ["indicator", "unit", "baseline", "target_value", "target_year", "actual_value", "target"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProgressReport)
class ProgressReportAdmin(_ReadOnly, admin.ModelAdmin[ProgressReport]):
    """Progress reports (reviewed on /review/reports/)."""

    list_display = ["pledge", "cycle", "state", "delivery_status", "percent_complete", "usd_disbursed", "submitted_at"]
    list_filter = ["state", "delivery_status", "cycle", "is_latest"]
    search_fields = ["pledge__reference", "pledge__title", "pledge__lead_entity__name"]
    list_select_related = ["pledge", "cycle"]
    inlines = [TargetActualInline]


@admin.register(TargetActual)
class TargetActualAdmin(_ReadOnly, admin.ModelAdmin[TargetActual]):
    """Reported values of pledges' structured targets."""

    list_display = ["report", "indicator", "actual_value", "unit", "target_value"]
    list_filter = ["report__cycle", "unit"]
    search_fields = ["indicator", "unit", "report__pledge__reference"]
    list_select_related = ["report__pledge", "report__cycle"]


@admin.register(ReminderSent)
class ReminderSentAdmin(_ReadOnly, admin.ModelAdmin[ReminderSent]):
    """Reminder digests sent, one per entity, cycle and kind (the record that keeps them from repeating)."""

    list_display = ["entity", "cycle", "kind", "sent_on", "recipients", "pledges"]
    list_filter = ["kind", "cycle"]
    search_fields = ["entity__name"]
    list_select_related = ["entity", "cycle"]
