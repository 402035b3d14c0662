"""Public country pages: the list with groupings and counts, and one country's page."""

from __future__ import annotations

from itertools import groupby

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from p2c.geo.models import Region
from p2c.geo.reach import country_reach
from p2c.geo.selectors import GROUPINGS, country_directory, country_for_page, regions_of_kind
from p2c.pledges.links import REGION_PARAMETER, breakdown_rows, explorer_url, total_row
from p2c.pledges.selectors import pledges_naming_country, published_pledge_counts_by_country
from p2c.reporting.pages import accountability_summary

LATEST_CARDS = 6
TOP_ENTITIES = 10


def country_list(request: HttpRequest) -> HttpResponse:
    """Which countries do pledges reach? Every country by M49 region, with its groupings and pledges."""
    grouping = request.GET.get("grouping", "")
    grouping = grouping if grouping in GROUPINGS else ""
    m49_region = request.GET.get("m49_region", "").strip()[:20]
    itu_region = request.GET.get("itu_region", "").strip()[:20]
    countries = country_directory(grouping=grouping, m49_region=m49_region, itu_region=itu_region)
    counts = published_pledge_counts_by_country()
    groups = [
        (region, [(country, counts.get(country.iso2, 0)) for country in members])
        for region, members in groupby(countries, key=lambda country: country.m49_region)
    ]
    context = {
        "groups": groups,
        "shown": sum(len(members) for _region, members in groups),
        "grouping": grouping,
        "m49_region": m49_region,
        "itu_region": itu_region,
        "m49_regions": regions_of_kind(Region.Kind.M49_REGION),
        "itu_regions": regions_of_kind(Region.Kind.ITU_REGION),
        "filtered": bool(grouping or m49_region or itu_region),
    }
    return render(request, "geo/country_list.html", context)


def country_detail(request: HttpRequest, iso2: str) -> HttpResponse:
    """Who is pledging to help this country, in what, and how much?"""
    if iso2 != iso2.upper():
        return redirect("geo:country_detail", iso2=iso2.upper(), permanent=True)
    country = country_for_page(iso2)
    if country is None:
        raise Http404
    reach = country_reach(country, cards=LATEST_CARDS, entities=TOP_ENTITIES)
    code = country.iso2
    regions = [
        (region, totals, explorer_url(**{REGION_PARAMETER[Region.Kind(region.kind)]: region.code}))
        for region, totals in reach.by_region
    ]
    context = {
        "country": country,
        "reach": reach,
        "explorer_url": explorer_url(country=code),
        "areas": breakdown_rows(reach.by_focus_area, "focus_area", country=code),
        "kinds": breakdown_rows(reach.by_pledge_type, "type", country=code),
        "named_total": total_row(reach.named, country=code),
        "entities": [(entity, explorer_url(country=code, entity=entity.slug)) for entity in reach.top_entities],
        "regions": regions,
        "canonical_url": request.build_absolute_uri(request.path),
        "account": accountability_summary(pledges_naming_country(country), request=request, country=code),
    }
    return render(request, "geo/country_detail.html", context)
