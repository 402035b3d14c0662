"""``/pledges/download.<csv|xlsx|jsonl>``: every published pledge the explorer lists for the same parameters.

The parameters are exactly the explorer's (docs/explorer.md); the rows are ``pledge_filter``'s,
in its order. Public, cookie-free open data: any site may fetch it (``Access-Control-Allow-Origin: *``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from p2c.opendata.exports import csv_stream, jsonl_stream, xlsx_file
from p2c.pledges.filters import pledge_filter

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/jsonl; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def download_filename(fmt: str) -> str:
    """``partner2connect-pledges-2026-11-29.csv``: the date of the download (UTC)."""
    return f"partner2connect-pledges-{timezone.now():%Y-%m-%d}.{fmt}"


def _url_of(request: HttpRequest) -> Callable[[str], str]:
    """A function giving a pledge page's absolute address (built once, not per row)."""
    head, tail = request.build_absolute_uri(reverse("pledges:detail", args=["REFERENCE"])).split("REFERENCE")
    return lambda reference: f"{head}{reference}{tail}"


@require_safe
def pledges_download(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The filtered published pledges as CSV or JSON Lines (streamed) or XLSX (built on disk, then streamed)."""
    if fmt not in CONTENT_TYPES:
        raise Http404
    result = pledge_filter(request.GET)
    url_of = _url_of(request)
    filename = download_filename(fmt)
    response: HttpResponseBase
    if fmt == "xlsx":
        response = FileResponse(
            xlsx_file(result, url_of=url_of), as_attachment=True, filename=filename, content_type=CONTENT_TYPES[fmt]
        )
    else:
        stream = csv_stream if fmt == "csv" else jsonl_stream
        response = StreamingHttpResponse(stream(result, url_of=url_of), content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"  # public, cookie-free open data
    response["X-Content-Type-Options"] = "nosniff"
    return response
