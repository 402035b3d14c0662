"""The home page and the health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from p2c.pledges.selectors import headline_figures, latest_published_pledges

LATEST_PLEDGES = 6


def home(request: HttpRequest) -> HttpResponse:
    """How far has the coalition come? Headline counters and the latest published pledges."""
    latest = latest_published_pledges(limit=LATEST_PLEDGES)
    return render(request, "core/home.html", {"figures": headline_figures(), "latest": latest})


def health(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers and `make run`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
