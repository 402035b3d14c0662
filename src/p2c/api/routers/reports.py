"""``/api/v1/reports``: accepted progress reports of published pledges (what was delivered).

Only reports a reviewer accepted, of pledges that are published, are public (docs/reporting.md);
drafts, submitted reports and reports sent back for clarification never appear.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router

from p2c.api.pagination import PageParamError, cursor_decode, cursor_encode, next_url, page_limit, page_params_schema
from p2c.api.schemas import ReportList, ValidationErrors
from p2c.api.selectors import keyset_after, usd_text
from p2c.pledges.models import Pledge
from p2c.reporting.models import ProgressReport, TargetActual

router = Router(tags=["Progress reports"])
ORDER = "accepted"


def public_reports() -> QuerySet[ProgressReport]:
    """Accepted reports of published pledges, most recently accepted first."""
    return (
        ProgressReport.objects.filter(state=ProgressReport.State.ACCEPTED, pledge__state=Pledge.State.PUBLISHED)
        .select_related("cycle", "pledge")
        .prefetch_related(Prefetch("actuals", queryset=TargetActual.objects.order_by("order", "id")))
        .order_by("-accepted_at", "-id")
    )


def _number(value: Any) -> str | None:
    return None if value is None else format(value, "f")


def report_row(request: HttpRequest, report: ProgressReport) -> dict[str, Any]:
    """One report as the API shows it."""
    pledge = report.pledge
    return {
        "id": report.pk,
        "pledge": pledge.reference,
        "pledge_url": request.build_absolute_uri(reverse("pledges:detail", args=[pledge.reference])),
        "cycle": report.cycle.year,
        "period_start": report.cycle.period_start.isoformat(),
        "period_end": report.cycle.period_end.isoformat(),
        "delivery_status": report.delivery_status,
        "percent_complete": report.percent_complete,
        "usd_disbursed": usd_text(report.usd_disbursed) if report.usd_disbursed is not None else None,
        "usd_pledged": usd_text(pledge.usd_estimate) if pledge.usd_estimate is not None else None,
        "narrative": report.narrative,
        "evidence_links": list(report.evidence_links or []),
        "accepted_at": report.accepted_at.isoformat() if report.accepted_at else None,
        "is_latest": report.is_latest,
        "targets": [
            {
                "indicator": actual.indicator,
                "unit": actual.unit,
                "baseline": _number(actual.baseline),
                "target_value": _number(actual.target_value),
                "target_year": actual.target_year,
                "actual_value": _number(actual.actual_value),
            }
            for actual in report.actuals.all()
        ],
    }


@router.get(
    "/reports",
    response={200: ReportList, 422: ValidationErrors},
    summary="Accepted progress reports of published pledges",
    description=(
        "What pledgers reported they delivered, once a reviewer accepted it: status, percent complete, "
        "USD disbursed against USD pledged, the actual value of each target, the narrative and evidence. "
        "Most recently accepted first."
    ),
    openapi_extra={
        "parameters": [
            {
                "name": "pledge",
                "in": "query",
                "required": False,
                "description": "Only the reports of this pledge (its reference, e.g. P2C-2026-0042).",
                "schema": {"type": "string"},
            },
            {
                "name": "cycle",
                "in": "query",
                "required": False,
                "description": "Only the reports of this cycle (its year); a malformed year is reported in `errors`.",
                "schema": {"type": "string"},
            },
            *page_params_schema(),
        ]
    },
)
def report_list(request: HttpRequest) -> dict[str, Any]:
    """What has been delivered so far?"""
    limit = page_limit(request)
    errors: dict[str, list[str]] = {}
    reports = public_reports()
    reference = request.GET.get("pledge", "").strip().upper()[:30]
    if reference:
        reports = reports.filter(pledge__reference=reference)
    cycle = request.GET.get("cycle", "").strip()
    if cycle:
        if cycle.isdigit() and len(cycle) == 4:
            reports = reports.filter(cycle__year=int(cycle))
        else:
            errors["cycle"] = [_("“%(value)s” is not a year such as 2026.") % {"value": cycle[:20]}]
    cursor = request.GET.get("cursor") or None
    if cursor:
        accepted_at, last_id = cursor_decode(cursor, ORDER, length=2)
        if not isinstance(accepted_at, str) or not isinstance(last_id, int):
            raise PageParamError({"cursor": [_("This cursor is not one the API made.")]})
        reports = reports.filter(keyset_after([("accepted_at", True), ("id", True)], [accepted_at, last_id]))
    rows = list(reports[: limit + 1])
    following = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        following = cursor_encode(ORDER, [last.accepted_at.isoformat() if last.accepted_at else "", last.pk])
    return {"errors": errors, "next": next_url(request, following), "results": [report_row(request, r) for r in rows]}
