"""``/api/v1/entities``: the organisations the public pages show (those in at least one published pledge)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Router

from p2c.api.pagination import PageParamError, cursor_decode, cursor_encode, next_url, page_limit, page_params_schema
from p2c.api.schemas import Detail, EntityDetail, EntityList, ValidationErrors
from p2c.api.selectors import entity_detail, entity_rows, keyset_after, public_entities_ordered
from p2c.entities.models import EntityType

router = Router(tags=["Entities"])
SEARCH_MAX_LENGTH = 100


@router.get(
    "/entities",
    response={200: EntityList, 422: ValidationErrors},
    summary="Organisations with published pledges",
    description=(
        "Organisations that lead or take part in at least one published pledge, by name, with how many "
        "published pledges they take part in (each once) and their estimated value."
    ),
    openapi_extra={
        "parameters": [
            {
                "name": "q",
                "in": "query",
                "required": False,
                "description": "Part of the name or acronym.",
                "schema": {"type": "string"},
            },
            {
                "name": "entity_type",
                "in": "query",
                "required": False,
                "description": "Entity type code (see /api/v1/taxonomy); an unknown code is reported in `errors`.",
                "schema": {"type": "string"},
            },
            *page_params_schema(),
        ]
    },
)
def entity_list(request: HttpRequest) -> dict[str, Any]:
    """Which organisations pledge?"""
    limit = page_limit(request)
    errors: dict[str, list[str]] = {}
    entity_type = request.GET.get("entity_type", "").strip().lower()
    if entity_type and not EntityType.objects.filter(code=entity_type).exists():
        errors["entity_type"] = [_("There is no entity type “%(value)s”.") % {"value": entity_type}]
        entity_type = ""
    entities = public_entities_ordered(
        search=request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH], entity_type=entity_type
    )
    cursor = request.GET.get("cursor") or None
    if cursor:
        name, last_id = cursor_decode(cursor, "name", length=2)
        if not isinstance(name, str) or not isinstance(last_id, int):
            raise PageParamError({"cursor": [_("This cursor is not one the API made.")]})
        entities = entities.filter(keyset_after([("sort_name", False), ("id", False)], [name, last_id]))
    rows = list(entities[: limit + 1])
    following = None
    if len(rows) > limit:
        rows = rows[:limit]
        following = cursor_encode("name", [rows[-1].sort_name, rows[-1].pk])  # type: ignore[attr-defined]
    return {"errors": errors, "next": next_url(request, following), "results": entity_rows(request, rows)}


@router.get(
    "/entities/{slug}",
    response={200: EntityDetail, 404: Detail},
    summary="One organisation with published pledges",
    description="404 for an organisation that takes part in no published pledge, as on its public page.",
)
def entity_one(
    request: HttpRequest, slug: str = Path(..., description="The organisation's slug, as in `url`.")
) -> dict[str, Any]:
    """What has this organisation pledged: how many published pledges it leads, partners, and their value?"""
    found = entity_detail(request, slug)
    if found is None:
        raise Http404(_("No organisation with published pledges has this slug."))
    return found
