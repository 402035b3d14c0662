"""The public page of one published pledge, and its JSON download."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def pledge_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """What exactly was promised, by whom, for whom, by when — and what has been delivered?"""
    raise Http404  # built in this change
