"""``/api/v1/dashboard``: the dashboard's figures for the explorer's filters (``p2c.dashboard.aggregates``).

The pledges counted are ``pledge_filter(params).queryset``, as for ``/api/v1/pledges`` with the same
parameters, so the count and total here equal that list's ``count`` and ``total_usd``. Breakdowns
and their rules (equal split of money, overlapping counts) are the dashboard's: docs/methodology.md.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from p2c.api.routers.pledges import FILTERS_NOTE, explorer_params_schema
from p2c.api.schemas import Dashboard
from p2c.api.selectors import usd_text
from p2c.dashboard import aggregates as agg
from p2c.dashboard.page import DIMENSIONS, categories, dollars
from p2c.pledges.filters import pledge_filter

router = Router(tags=["Dashboard"])


def _part(part: agg.Part) -> dict[str, Any]:
    return {"pledges": part.pledges, "usd": usd_text(dollars(part.cents)), "valued": part.valued}


@router.get(
    "/dashboard",
    response={200: Dashboard},
    summary="The dashboard's figures, with the explorer's filters",
    description="Totals, pledging entities, LDC/LLDC/SIDS, breakdowns and pledges published by day, for the "
    "published pledges the same parameters select in `/api/v1/pledges`. " + FILTERS_NOTE,
    openapi_extra={"parameters": explorer_params_schema(sort=False)},
)
def dashboard(request: HttpRequest) -> dict[str, Any]:
    """How many pledges, how much, by whom, for whom and where — for any filter?"""
    result = pledge_filter(request.GET)
    figures = agg.dashboard_aggregates(result)
    breakdowns: dict[str, Any] = {}
    for dimension in DIMENSIONS:
        rows = categories(result, figures, dimension)
        breakdowns[dimension.slug] = {
            "param": dimension.param,
            "categories": [
                {"code": row.code, "name": row.label, "pledges": row.pledges, "usd": usd_text(dollars(row.cents))}
                for row in rows
                if not row.bucket
            ],
            "unattributed": _part(figures.breakdowns[dimension.key].unattributed),
        }
    countries = figures.breakdowns[agg.COUNTRY]
    names = result.options.countries
    breakdowns["countries"] = {
        "param": "country",
        "categories": [
            {
                "code": iso2,
                "name": names[iso2].name if iso2 in names else iso2,
                "pledges": part.pledges,
                "usd": usd_text(dollars(part.cents)),
            }
            for iso2, part in countries.parts.items()
        ],
        "unattributed": _part(countries.unattributed),
    }
    return {
        "pledges": figures.pledges,
        "usd": usd_text(dollars(figures.cents)),
        "valued": figures.valued,
        "entities": figures.entities,
        "governments": figures.governments,
        "countries": figures.countries,
        "groupings": {code: _part(part) for code, part in figures.groupings.items()},
        "breakdowns": breakdowns,
        "days": [
            {"day": day.isoformat(), "pledges": n, "usd": usd_text(dollars(cents))} for day, n, cents in figures.days
        ],
        "filters": {name: values for name, values in result.values.items() if name != "sort"},
        "errors": {name: messages for name, messages in result.errors.items() if name != "sort"},
    }
