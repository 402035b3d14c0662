"""Pages of the API app: the API's documentation, and an organisation's API tokens.

- ``/api/v1/docs`` — every endpoint, read from the OpenAPI schema, server-rendered (no scripts, no CDN).
- ``/my/entities/<slug>/api-tokens/`` — a focal point creates tokens (the secret is shown once) and
  revokes them. Anonymous → sign-in page; unconfirmed email → 403; not an active member → 404;
  a member who is not a focal point → 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from p2c.accounts.decorators import verified_email_required
from p2c.api.api import openapi_schema
from p2c.api.forms import TokenCreateForm
from p2c.api.models import ApiToken
from p2c.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from p2c.api.services import api_token_create, api_token_revoke
from p2c.entities.manage_selectors import active_membership
from p2c.entities.models import Entity, Membership

METHODS = ("get", "post", "patch", "put", "delete")


@dataclass
class Field:
    """A parameter or a field of a JSON body, as the docs page shows it."""

    name: str
    where: str
    kind: str
    description: SafeString
    required: bool = False


@dataclass
class Operation:
    """One endpoint as the docs page lists it."""

    method: str
    path: str
    summary: str
    description: SafeString
    parameters: list[Field]
    body: list[Field]
    statuses: list[str]
    needs_token: bool
    anchor: str


@dataclass
class Section:
    tag: str
    operations: list[Operation] = field(default_factory=list)


def inline_code(text: str) -> SafeString:
    """``text`` escaped, with its `backquoted` parts as ``<code>``."""
    parts = text.split("`")
    pairs = (
        (parts[i], format_html("<code>{}</code>", parts[i + 1]) if i + 1 < len(parts) else "")
        for i in range(0, len(parts), 2)
    )
    return format_html_join("", "{}{}", pairs)


def _kind(schema: dict[str, Any]) -> str:
    """A short description of a JSON schema's type: ``string (date)``, ``list of string``, ``new, expanded``."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(_kind(option) for option in schema["anyOf"] if option.get("type") != "null")
    if "enum" in schema:
        return ", ".join(str(value) for value in schema["enum"])
    if schema.get("type") == "array":
        return f"list of {_kind(schema.get('items', {}))}"
    kind = str(schema.get("type", ""))
    return f"{kind} ({schema['format']})" if "format" in schema else kind


def _body(schema: dict[str, Any], operation: dict[str, Any]) -> list[Field]:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    ref = str(content.get("schema", {}).get("$ref", ""))
    if not ref:
        return []
    body = schema.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1], {})
    required = set(body.get("required", []))
    return [
        Field(name, "body", _kind(prop), inline_code(prop.get("description", "")), name in required)
        for name, prop in body.get("properties", {}).items()
    ]


def _sections(schema: dict[str, Any]) -> list[Section]:
    sections: dict[str, Section] = {}
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            tag = (op.get("tags") or ["API"])[0]
            parameters = [
                Field(
                    p["name"],
                    p["in"],
                    _kind(p.get("schema", {})),
                    inline_code(p.get("description", "")),
                    bool(p.get("required")),
                )
                for p in op.get("parameters", [])
                if p.get("in") in ("query", "path")
            ]
            sections.setdefault(tag, Section(tag)).operations.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=op.get("summary", ""),
                    description=inline_code(op.get("description", "")),
                    parameters=parameters,
                    body=_body(schema, op),
                    statuses=sorted(op.get("responses", {})),
                    needs_token=bool(op.get("security")),
                    anchor=f"{method}{path}".replace("/", "-").replace("{", "").replace("}", ""),
                )
            )
    return list(sections.values())


@require_GET
def docs(request: HttpRequest) -> HttpResponse:
    """How do I use the API? Every endpoint with its parameters, from the OpenAPI schema."""
    schema = openapi_schema()
    context = {
        "sections": _sections(schema),
        "schema_url": request.build_absolute_uri("/api/v1/openapi.json"),
        "base_url": request.build_absolute_uri("/api/v1/"),
        "default_limit": DEFAULT_LIMIT,
        "max_limit": MAX_LIMIT,
    }
    return render(request, "api/docs.html", context)


# --- API tokens ----------------------------------------------------------------------------------


def _focal_entity(request: HttpRequest, slug: str) -> Entity:
    """The organisation, if the person is its active focal point: 404 for non-members, 403 for members."""
    mine = active_membership(request.user, slug)
    if mine is None:
        raise Http404
    if mine.role != Membership.Role.FOCAL_POINT:
        raise PermissionDenied(_("Only a focal point of this organisation can manage its API tokens."))
    return mine.entity


def _page(request: HttpRequest, entity: Entity, form: TokenCreateForm, **extra: Any) -> HttpResponse:
    tokens = ApiToken.objects.filter(entity=entity).select_related("created_by", "revoked_by")
    context = {"entity": entity, "form": form, "tokens": tokens, **extra}
    return render(request, "api/tokens.html", context)


@never_cache
@verified_email_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest, slug: str) -> HttpResponse:
    """Which programs may act for my organisation through the API? Create a token, see who holds which."""
    entity = _focal_entity(request, slug)
    if request.method == "GET":
        return _page(request, entity, TokenCreateForm())
    form = TokenCreateForm(request.POST)
    if form.is_valid():
        try:
            token, secret = api_token_create(
                acting_user=request.user,
                entity=entity,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
            )
        except ValidationError as exc:
            for name, problems in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            # Shown in this response only (no redirect: the secret must not be kept anywhere to show it again).
            return _page(request, entity, TokenCreateForm(), created=token, secret=secret)
    return _page(request, entity, form)


@verified_email_required
@require_POST
def token_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Revoke a token: any program using it is refused from the next request on."""
    entity = _focal_entity(request, slug)
    token = get_object_or_404(ApiToken, pk=pk, entity=entity)
    api_token_revoke(acting_user=request.user, token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api_tokens:list", slug=entity.slug)
