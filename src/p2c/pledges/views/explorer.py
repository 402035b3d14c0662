"""The explorer: search and filter every published pledge."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def pledge_explorer(request: HttpRequest) -> HttpResponse:
    """Which pledges match what I care about — and how much do they add up to?"""
    raise Http404  # built in this change
