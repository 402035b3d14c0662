"""Template tags of the open-data app: the explorer's download links."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template

register = template.Library()


@register.inclusion_tag("opendata/_download_links.html", takes_context=True)
def download_links(context: dict[str, Any], count: int) -> dict[str, Any]:
    """ "Download these N pledges: CSV · XLSX · JSON Lines", for the explorer's current parameters.

    The links carry the page's query string without ``page`` (a download holds every match).
    """
    request = context.get("request")
    params = request.GET.lists() if request is not None else []
    pairs = [(key, value) for key, values in params for value in values if key != "page" and value.strip()]
    return {"count": count, "query": f"?{urlencode(pairs)}" if pairs else ""}
