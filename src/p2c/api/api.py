"""The API at ``/api/v1/``: one ``NinjaAPI``, its routers, and how every refusal is answered (docs/api.md).

Errors have two shapes: ``{"errors": {field: [message, …]}}`` (422) when something sent is wrong,
naming each field or parameter; ``{"detail": message}`` otherwise (400, 401, 403, 404, 409, 429).
"""

from __future__ import annotations

import functools
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from p2c.api.auth import RateLimited, TokenRefused
from p2c.api.pagination import PageParamError
from p2c.api.routers import countries, dashboard, entities, my_pledges, pledges, reports, taxonomy
from p2c.api.writes import InputErrors

DESCRIPTION = """Published pledges, the organisations behind them, countries, the taxonomy and the dashboard's
figures, for anyone, without a key; and, with an organisation's API token, its own draft pledges.
Guide with curl examples: docs/api.md, or the page at /api/v1/docs."""


class Renderer(JSONRenderer):
    """Compact JSON, with non-ASCII text as it is (UTF-8) rather than escaped."""

    json_dumps_params = {"ensure_ascii": False, "separators": (",", ":")}


api = NinjaAPI(
    title="Partner2Connect pledges API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    renderer=Renderer(),
    docs_url=None,  # our own page (p2c.api.views.docs): Swagger UI would load its scripts from a CDN
    openapi_extra={
        "info": {"license": {"name": "Data: CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}}
    },
)
for module in (pledges, entities, countries, taxonomy, dashboard, reports, my_pledges):
    api.add_router("", module.router)


def _detail(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return api.create_response(request, {"detail": message}, status=status)


def _errors(request: HttpRequest, errors: dict[str, list[str]]) -> HttpResponse:
    return api.create_response(request, {"errors": errors}, status=422)


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """Pydantic's refusals (a wrong type in the JSON body, a missing ``version``) keyed by field, dotted."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        where = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload", "query", "path")]
        errors.setdefault(".".join(where) or "non_field_errors", []).append(str(error.get("msg", "")))
    return _errors(request, errors)


@api.exception_handler(PageParamError)
def _page_params(request: HttpRequest, exc: PageParamError) -> HttpResponse:
    return _errors(request, exc.errors)


@api.exception_handler(InputErrors)
def _input(request: HttpRequest, exc: InputErrors) -> HttpResponse:
    return _errors(request, exc.errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _detail(request, _("Send your API token in the header “Authorization: Bearer p2c_…”."), 401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(TokenRefused)
def _refused(request: HttpRequest, exc: TokenRefused) -> HttpResponse:
    response = _detail(request, exc.message, exc.status)
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api", error="invalid_token"'
    return response


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = _detail(
        request,
        _("Too many requests with this token: try again in %(seconds)d seconds.") % {"seconds": exc.retry_after},
        429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _detail(request, str(exc) or _("Not found."), 404)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _detail(request, str(exc) or _("You may not do this."), 403)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = _("The body is not valid JSON.") if exc.status_code == 400 else str(exc)
    return _detail(request, message, exc.status_code)


@functools.cache
def openapi_schema() -> dict[str, Any]:
    """The OpenAPI 3.1 document, as ``/api/v1/openapi.json`` serves it (built once: it changes with the code only)."""
    return dict(api.get_openapi_schema())
