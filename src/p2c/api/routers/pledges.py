"""``/api/v1/pledges``: published pledges, filtered exactly as the explorer filters them (``pledge_filter``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Path, Router

from p2c.api.pagination import PageParamError, cursor_decode, cursor_encode, next_url, page_limit, page_params_schema
from p2c.api.schemas import Detail, PledgeDocument, PledgeList, ValidationErrors
from p2c.api.selectors import keyset_after, published_documents, published_pledge_document, usd_text
from p2c.pledges.filters import CHOICE_FILTERS, FILTER_PARAMS, SORTS, FilterResult, pledge_filter, pledge_results_page
from p2c.pledges.filters import pledge_totals as filter_totals

REFERENCE = "The pledge's reference, e.g. `P2C-2026-0042` (any letter case)."
router = Router(tags=["Pledges"])

SINGLE_PARAMS = {
    "q": "Search: pledges containing every word (reference, title, summary, description, entity names).",
    "usd_min": "Estimated value at least this many US dollars (pledges without an estimate are left out).",
    "usd_max": "Estimated value at most this many US dollars (pledges without an estimate are left out).",
    "seeking_partners": "`1`: only pledges whose lead entity is looking for partners.",
}


def explorer_params_schema(*, sort: bool = True) -> list[dict[str, Any]]:
    """The explorer's parameters (docs/explorer.md) as OpenAPI query parameters, from the one filter definition."""
    labels = {spec.param: spec.label for spec in CHOICE_FILTERS}
    params: list[dict[str, Any]] = []
    with translation.override("en"):
        for name in FILTER_PARAMS:
            if name in labels:
                params.append(
                    {
                        "name": name,
                        "in": "query",
                        "required": False,
                        "description": f"{labels[name]}. Repeat the parameter for several values: they OR together.",
                        "schema": {"type": "array", "items": {"type": "string"}},
                        "style": "form",
                        "explode": True,
                    }
                )
            else:
                params.append(
                    {
                        "name": name,
                        "in": "query",
                        "required": False,
                        "description": SINGLE_PARAMS.get(name, name),
                        "schema": {"type": "string"},
                    }
                )
        if sort:
            params.append(
                {
                    "name": "sort",
                    "in": "query",
                    "required": False,
                    "description": "Order: "
                    + ", ".join(f"`{code}` ({label})" for code, label in SORTS.items())
                    + ". Default: `relevance` with a search, `newest` otherwise.",
                    "schema": {"type": "string"},
                }
            )
    return params


FILTERS_NOTE = (
    "Parameters and values that cannot be used are reported in `errors` and left out; every valid one "
    "still applies (never an error status). Different parameters AND together."
)

# --- Keyset pagination of each sort order ---------------------------------------------------------


def _datetime(value: Any) -> dt.datetime:
    return dt.datetime.fromisoformat(str(value))


def _after(sort: str, cursor: str) -> Q:
    """The rows after the cursor's row in ``sort`` order (newest, title, value)."""
    key = cursor_decode(cursor, sort, length=2)
    try:
        last_id = int(key[1])
        if sort == "newest":
            return keyset_after([("published_at", True), ("id", True)], [_datetime(key[0]), last_id])
        if sort == "title":
            return keyset_after([("title", False), ("id", False)], [str(key[0]), last_id])
        if key[0] is None:  # value, among the pledges without an estimate (last, by id descending)
            return Q(usd_estimate__isnull=True, id__lt=last_id)
        usd = Decimal(str(key[0]))
        return Q(usd_estimate__lt=usd) | Q(usd_estimate=usd, id__lt=last_id) | Q(usd_estimate__isnull=True)
    except (TypeError, ValueError, InvalidOperation):
        raise PageParamError({"cursor": [_("This cursor is not one the API made.")]}) from None


SORT_FIELD = {"newest": "published_at", "title": "title", "value": "usd_estimate"}


def _cursor_of(sort: str, row: tuple[int, Any]) -> str:
    last_id, value = row
    if isinstance(value, dt.datetime):
        value = value.isoformat()
    elif isinstance(value, Decimal):
        value = str(value)
    return cursor_encode(sort, [value, last_id])


def _keyset_page(result: FilterResult, cursor: str | None, limit: int) -> tuple[list[int], str | None]:
    queryset = result.queryset
    if cursor:
        queryset = queryset.filter(_after(result.sort, cursor))
    rows = list(queryset.values_list("id", SORT_FIELD[result.sort])[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return [row[0] for row in rows], (_cursor_of(result.sort, rows[-1]) if more and rows else None)


def _relevance_page(result: FilterResult, cursor: str | None, limit: int) -> tuple[list[int], str | None, Any]:
    """Best match first is computed, not stored: the cursor holds an offset (a multiple of ``limit`` here)."""
    offset = 0
    if cursor:
        try:
            offset = int(cursor_decode(cursor, "relevance", length=1)[0])
        except (TypeError, ValueError):
            raise PageParamError({"cursor": [_("This cursor is not one the API made.")]}) from None
        if offset < 0 or offset % limit:
            raise PageParamError({"cursor": [_("Keep the same limit while you follow the “next” links.")]})
    number = offset // limit + 1
    page = pledge_results_page(result, str(number), per_page=limit)
    if page.number != number:  # past the end
        return [], None, page.totals
    ids = [pledge.pk for pledge in page.pledges]
    more = page.number < page.num_pages
    return ids, (cursor_encode("relevance", [offset + limit]) if more else None), page.totals


@router.get(
    "/pledges",
    response={200: PledgeList, 422: ValidationErrors},
    summary="Published pledges, filtered as in the explorer",
    description="Every parameter of the explorer (docs/explorer.md), with cursor pagination. " + FILTERS_NOTE,
    openapi_extra={"parameters": [*explorer_params_schema(), *page_params_schema()]},
)
def pledge_list(request: HttpRequest) -> dict[str, Any]:
    """Which published pledges match these filters, how many in all, and their estimated value?"""
    limit = page_limit(request)
    cursor = request.GET.get("cursor") or None
    result = pledge_filter(request.GET)
    if result.sort == "relevance":
        ids, following, totals = _relevance_page(result, cursor, limit)
    else:
        ids, following = _keyset_page(result, cursor, limit)
        totals = filter_totals(result.queryset)
    return {
        "count": totals.count,
        "total_usd": usd_text(totals.usd),
        "valued": totals.valued,
        "filters": result.values,
        "errors": result.errors,
        "next": next_url(request, following),
        "results": published_documents(request, ids),
    }


@router.get(
    "/pledges/{reference}",
    response={200: PledgeDocument, 404: Detail},
    summary="One published pledge",
    description="The same document as `/pledges/<reference>.json` (docs/pledge-json.md). Any other state: 404.",
)
def pledge_detail(request: HttpRequest, reference: str = Path(..., description=REFERENCE)) -> dict[str, Any]:
    """What exactly was promised, by whom, for whom, by when?"""
    document = published_pledge_document(request, reference)
    if document is None:
        raise Http404(_("No published pledge has this reference."))
    return document
