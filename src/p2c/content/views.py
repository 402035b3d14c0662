"""Public editorial pages: imported pages, the About page and the timeline of milestones."""

from __future__ import annotations

from itertools import groupby

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from p2c.content.models import Page
from p2c.content.selectors import about_page, timeline_milestones


def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One page of prose, in the site's own layout."""
    return render(request, "content/page.html", {"page": get_object_or_404(Page, slug=slug)})


def about(request: HttpRequest) -> HttpResponse:
    """The coalition's story: the page the secretariat chose as About."""
    page = about_page()
    if page is None:
        raise Http404
    return render(request, "content/page.html", {"page": page})


def timeline(request: HttpRequest) -> HttpResponse:
    """The coalition's milestones, year by year."""
    years = [(year, list(items)) for year, items in groupby(timeline_milestones(), key=lambda m: m.achieved_on.year)]
    return render(request, "content/timeline.html", {"years": years})
