"""``/api/v1/countries``: every country with its regions, UN groupings, income group and published pledge count."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Router

from p2c.api.pagination import PageParamError, cursor_decode, cursor_encode, next_url, page_limit, page_params_schema
from p2c.api.schemas import CountryDetail, CountryList, Detail, ValidationErrors
from p2c.api.selectors import countries_ordered, country_detail, country_rows
from p2c.geo.models import Country, Region
from p2c.geo.selectors import GROUPINGS

router = Router(tags=["Countries"])


def _param(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": {"type": "string"}}


def _known(request: HttpRequest, errors: dict[str, list[str]]) -> dict[str, str]:
    """The country filters given, each checked against the reference data (unknown ones reported and left out)."""
    given = {
        name: request.GET.get(name, "").strip() for name in ("grouping", "m49_region", "itu_region", "income_group")
    }
    given["grouping"] = given["grouping"].lower()
    given["itu_region"] = given["itu_region"].lower()
    given["income_group"] = given["income_group"].upper()
    if given["m49_region"].isdigit():
        given["m49_region"] = given["m49_region"].zfill(3)
    checks = {
        "grouping": given["grouping"] in GROUPINGS,
        "m49_region": Region.objects.filter(code=given["m49_region"]).exclude(kind=Region.Kind.ITU_REGION).exists(),
        "itu_region": Region.objects.filter(code=given["itu_region"], kind=Region.Kind.ITU_REGION).exists(),
        "income_group": given["income_group"] in Country.IncomeGroup.values,
    }
    for name, value in list(given.items()):
        if value and not checks[name]:
            errors[name] = [_("There is no %(name)s “%(value)s”.") % {"name": name.replace("_", " "), "value": value}]
            given[name] = ""
    return given


@router.get(
    "/countries",
    response={200: CountryList, 422: ValidationErrors},
    summary="Countries with their groupings",
    description=(
        "Every country and territory, by ISO code: UN M49 region, sub-region and intermediate region, ITU region, "
        "World Bank income group, LDC/LLDC/SIDS membership, and how many published pledges name it."
    ),
    openapi_extra={
        "parameters": [
            _param("grouping", "`ldc`, `lldc` or `sids`: only countries on that list."),
            _param("m49_region", "UN M49 code of a region, sub-region or intermediate region (`002`, `014`)."),
            _param("itu_region", "ITU region slug (`africa`, `arab-states`, …)."),
            _param("income_group", "World Bank income group: `L`, `LM`, `UM` or `H`."),
            *page_params_schema(),
        ]
    },
)
def country_list(request: HttpRequest) -> dict[str, Any]:
    """Which countries are there, in which groupings, and how many published pledges name each?"""
    limit = page_limit(request)
    errors: dict[str, list[str]] = {}
    countries = countries_ordered(**_known(request, errors))
    cursor = request.GET.get("cursor") or None
    if cursor:
        last = cursor_decode(cursor, "iso2", length=1)[0]
        if not isinstance(last, str):
            raise PageParamError({"cursor": [_("This cursor is not one the API made.")]})
        countries = countries.filter(iso2__gt=last)
    rows = list(countries[: limit + 1])
    following = None
    if len(rows) > limit:
        rows = rows[:limit]
        following = cursor_encode("iso2", [rows[-1].iso2])
    return {"errors": errors, "next": next_url(request, following), "results": country_rows(request, rows)}


@router.get(
    "/countries/{iso2}",
    response={200: CountryDetail, 404: Detail},
    summary="One country with its published pledges",
    description="The pledges naming it, those reaching it through a region it belongs to, and global ones.",
)
def country_one(
    request: HttpRequest, iso2: str = Path(..., description="ISO 3166 alpha-2 code, any letter case.")
) -> dict[str, Any]:
    """Who pledges to help this country, and how much?"""
    found = country_detail(request, iso2)
    if found is None:
        raise Http404(_("There is no country with this ISO alpha-2 code."))
    return found
