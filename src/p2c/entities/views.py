"""Public entity pages: the searchable list and one entity's profile and pledges."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from p2c.entities.selectors import entity_directory, entity_types, public_entity
from p2c.pledges.links import breakdown_rows, explorer_url, total_row
from p2c.pledges.selectors import (
    entities_figures,
    entity_figures,
    focus_area_breakdown,
    latest_cards,
    latest_partner_cards,
    pledges_led_by,
    pledges_of_entity,
)
from p2c.reporting.pages import accountability_summary

ENTITIES_PER_PAGE = 50
CARDS = 6
SEARCH_MAX_LENGTH = 100


def entity_list(request: HttpRequest) -> HttpResponse:
    """Which organisations pledge? Searchable by name or acronym, filterable by type, paginated."""
    search = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    entity_type = request.GET.get("entity_type", "").strip()
    page = Paginator(entity_directory(search=search, entity_type=entity_type), ENTITIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    figures = entities_figures([entity.pk for entity in page])
    context = {
        "page": page,
        "rows": [(entity, figures[entity.pk]) for entity in page],
        "search": search,
        "entity_type": entity_type,
        "entity_types": entity_types(),
        "page_query": urlencode([(k, v) for k, v in (("q", search), ("entity_type", entity_type)) if v]),
    }
    return render(request, "entities/list.html", context)


def entity_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """What has this organisation pledged and delivered?"""
    entity = public_entity(slug)
    if entity is None:
        raise Http404
    pledges = pledges_of_entity(entity)
    figures = entity_figures(entity)
    context = {
        "entity": entity,
        "figures": figures,
        "explorer_url": explorer_url(entity=entity.slug),
        "areas": breakdown_rows(focus_area_breakdown(pledges), "focus_area", entity=entity.slug),
        "areas_total": total_row(figures.totals, entity=entity.slug),
        "led": latest_cards(pledges_led_by(entity), limit=CARDS),
        "partnered": latest_partner_cards(entity, limit=CARDS),
        "account": accountability_summary(pledges, request=request, entity=entity.slug),
    }
    return render(request, "entities/detail.html", context)
