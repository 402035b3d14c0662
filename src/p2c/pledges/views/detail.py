"""The public page of one published pledge, and its JSON download."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext

from p2c.pledges.documents import pledge_document
from p2c.pledges.models import Pledge
from p2c.pledges.selectors import published_pledge


def _published_or_404(reference: str) -> Pledge:
    pledge = published_pledge(reference)
    if pledge is None:
        raise Http404
    return pledge


def _preview_text(pledge: Pledge) -> str:
    """What link previews and search results show: the summary, or who pledged what."""
    if pledge.summary:
        return Truncator(pledge.summary).chars(200)
    return gettext("A pledge by %(entity)s to help connect the people still offline: %(title)s") % {
        "entity": pledge.lead_entity.name,
        "title": pledge.title,
    }


def pledge_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """What exactly was promised, by whom, for whom, by when — and what has been delivered?"""
    if reference != reference.upper():  # references are capitals; whether it exists is the target's business
        return redirect("pledges:detail", reference=reference.upper(), permanent=True)
    pledge = _published_or_404(reference)
    return render(
        request,
        "pledges/detail.html",
        {
            "pledge": pledge,
            "canonical_url": request.build_absolute_uri(request.path),
            "preview_text": _preview_text(pledge),
            "json_url": reverse("pledges:detail_json", args=[pledge.reference]),
        },
    )


def pledge_detail_json(request: HttpRequest, reference: str) -> JsonResponse:
    """The published pledge as the JSON document described in docs/pledge-json.md."""
    pledge = _published_or_404(reference)
    document = pledge_document(
        pledge,
        url=request.build_absolute_uri(reverse("pledges:detail", args=[pledge.reference])),
        entity_url=lambda slug: request.build_absolute_uri(reverse("entities:detail", args=[slug])),
    )
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'inline; filename="{pledge.reference}.json"'
    response["Access-Control-Allow-Origin"] = "*"  # public, cookie-free open data
    return response
