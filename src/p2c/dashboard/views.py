"""The dashboard at /dashboard/ and the CSV download of each chart's numbers.

Both take the explorer's filter parameters (``pledge_filter``): the same URL query that lists the
pledges in the explorer shows their figures here.
"""

from __future__ import annotations

import csv

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from p2c.dashboard.aggregates import dashboard_aggregates
from p2c.dashboard.page import csv_rows, dashboard_body, unfiltered
from p2c.pledges.filters import pledge_filter


def dashboard(request: HttpRequest) -> HttpResponse:
    """The whole picture, and every slice of it, each figure one click from its pledges."""
    description, content = dashboard_body(request)
    return render(request, "dashboard/dashboard.html", {"description": description, "content": content})


def dashboard_csv(request: HttpRequest, chart: str) -> HttpResponse:
    """The numbers of one chart, for the same filters, as CSV (UTF-8, comma-separated, header row)."""
    result = pledge_filter(request.GET)
    rows = csv_rows(chart, result, dashboard_aggregates(result, warmed=unfiltered(request.GET)))
    if rows is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="p2c-dashboard-{chart}.csv"'
    csv.writer(response).writerows(rows)
    return response
