"""Public entity pages: the searchable list and one entity's profile and pledges."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def entity_list(request: HttpRequest) -> HttpResponse:
    """Which organisations pledge?"""
    raise Http404  # built in this change


def entity_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """What has this organisation pledged and delivered?"""
    raise Http404  # built in this change
