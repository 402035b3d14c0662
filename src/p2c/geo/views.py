"""Public country pages: the list with groupings and counts, and one country's page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def country_list(request: HttpRequest) -> HttpResponse:
    """Which countries do pledges reach?"""
    raise Http404  # built in this change


def country_detail(request: HttpRequest, iso2: str) -> HttpResponse:
    """Who is pledging to help this country, in what, and how much?"""
    raise Http404  # built in this change
