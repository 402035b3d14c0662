"""HTTP caching and CORS for the public API: ``ETag``/``Last-Modified``, ``304 Not Modified``, ``HEAD``, ``OPTIONS``.

Every public ``GET`` answers with validators derived from the **data version**
(``p2c.dashboard.freshness.data_version``: a number increased in the same transaction as any change to
what is published, plus the highest pledge id), the request's path and query string, the language
and ``API_REVISION``. They are computed *before* the response (two small queries), so a client
sending ``If-None-Match`` (or ``If-Modified-Since``) gets ``304`` with no body and no further work.
A response computed while the data changes carries the older validators, so the next request
fetches it again: a stale body is never kept under a new validator.

Public responses may be read by any web page (``Access-Control-Allow-Origin: *``; no cookies are
used); ``OPTIONS`` answers a browser's preflight for ``GET``. The write endpoints under ``/my/`` get
no CORS headers (they are for servers holding a token, not browsers) and ``Cache-Control: no-store``.

NUL characters cannot be stored in any text column (PostgreSQL refuses them), so they are removed
from query strings before anything reads them, and a path holding one is not found.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language, gettext

from p2c.dashboard.freshness import data_version
from p2c.dashboard.models import DataVersion
from p2c.pledges.selectors import published_pledges

# Bump when the shape of any response changes, so that clients do not keep an old shape as current.
API_REVISION = "1"
SAFE_METHODS = ("GET", "HEAD")
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Retry-After",
}
PREFLIGHT_HEADERS = {
    **CORS_HEADERS,
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
}
# Paths (relative to /api/v1/) that are not data: their validators would say nothing.
UNVERSIONED = ("openapi.json", "docs")
PRIVATE_PREFIX = "my/"

View = Callable[..., HttpResponseBase]


def last_modified() -> dt.datetime | None:
    """When published data last changed: the data version's time or the latest publication, whichever is later.

    Bulk inserts (the demo loader) send no signals but mark the platform state, which changes the
    data version's time; the latest publication covers anything else that adds a published pledge.
    """
    changed = DataVersion.objects.filter(id=1).values_list("changed_at", flat=True).first()
    published = published_pledges().order_by("-published_at").values_list("published_at", flat=True).first()
    known = [moment for moment in (changed, published) if moment is not None]
    return max(known) if known else None


def etag_for(request: HttpRequest, version: str) -> str:
    """A strong entity tag for this URL, language and data version."""
    text = "\n".join([API_REVISION, version, get_language() or "", request.get_full_path()])
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def _relative(request: HttpRequest, prefix: str) -> str:
    return request.path_info[len(prefix) :] if request.path_info.startswith(prefix) else request.path_info


NUL = "\x00"


def _drop_nul_characters(request: HttpRequest) -> None:
    """Remove NUL characters from the query: no text column can hold them (PostgreSQL refuses them)."""
    if NUL not in request.META.get("QUERY_STRING", "") and "%00" not in request.META.get("QUERY_STRING", ""):
        return
    cleaned = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        cleaned.setlist(key.replace(NUL, ""), [value.replace(NUL, "") for value in values])
    cleaned._mutable = False
    request.GET = cleaned  # type: ignore[assignment]  # the stubs type request.GET as immutable, which it is


def public_view(view: View, prefix: str) -> View:
    """``view`` with conditional GET, HEAD, the CORS preflight and CORS headers (see the module docstring)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response: HttpResponseBase
        path = _relative(request, prefix)
        if NUL in request.path_info or any(NUL in str(value) for value in kwargs.values()):
            return JsonResponse({"detail": gettext("Not found.")}, status=404)
        _drop_nul_characters(request)
        if path.startswith(PRIVATE_PREFIX):
            response = view(request, *args, **kwargs)
            response["Cache-Control"] = "no-store"
            return response
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            for header, value in PREFLIGHT_HEADERS.items():
                response[header] = value
            return response
        head = request.method == "HEAD"
        if head:
            request.method = "GET"  # answered as GET, without the body
        etag: str | None = None
        modified: dt.datetime | None = None
        not_modified: HttpResponseBase | None = None
        if request.method == "GET" and path not in UNVERSIONED:
            etag, modified = etag_for(request, data_version()), last_modified()
            not_modified = get_conditional_response(
                request, etag=etag, last_modified=int(modified.timestamp()) if modified else None
            )
        response = not_modified if not_modified is not None else view(request, *args, **kwargs)
        if request.method == "GET" and response.status_code in (200, 304):
            if etag:
                response["ETag"] = etag
                response["Cache-Control"] = "public, no-cache"  # may be kept, but asked about every time
            if modified:
                response["Last-Modified"] = http_date(modified.timestamp())
            patch_vary_headers(response, ("Accept-Language",))
        for header, value in CORS_HEADERS.items():
            response[header] = value
        if head:
            request.method = "HEAD"
            if isinstance(response, HttpResponse):
                response.content = b""
        return response

    return wrapper


def with_public_caching(patterns: list[URLPattern | URLResolver], prefix: str) -> list[URLPattern | URLResolver]:
    """The API's URL patterns, each view wrapped by ``public_view`` (``prefix`` is where they are mounted)."""
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = public_view(pattern.callback, prefix)
    return patterns
