"""Cursor pagination: ``?limit=`` rows a page, and an opaque ``cursor`` that says where the next page starts.

A cursor is URL-safe base64 of a small JSON list: the name of the order it belongs to, then the
sort key of the last row returned and its id (a *keyset*). The next page is "the rows after that
key", so pages stay stable while rows are inserted: nothing is skipped or repeated, whatever is
published meanwhile. Best-match order (``sort=relevance``, a search) is computed, not stored, so
there the cursor holds a position (an offset) instead: see docs/api.md.

Clients never build cursors: they follow the ``next`` URL of each page until it is ``null``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class PageParamError(Exception):
    """``limit`` or ``cursor`` cannot be used; ``errors`` names the parameter."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def cursor_encode(order: str, key: Sequence[Any]) -> str:
    """An opaque cursor for the row with sort key ``key`` (ending with the row's id) in ``order``."""
    raw = json.dumps([order, *key], separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str, order: str, *, length: int) -> list[Any]:
    """The key a cursor made by ``cursor_encode(order, key)`` holds (``length`` items), or ``PageParamError``."""
    message = _("This cursor is not one the API made: follow the “next” link of the previous page.")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        found = json.loads(raw.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise PageParamError({"cursor": [message]}) from None
    if not isinstance(found, list) or len(found) != length + 1:
        raise PageParamError({"cursor": [message]})
    if found[0] != order:
        raise PageParamError(
            {"cursor": [_("This cursor belongs to another sort order: start again without a cursor.")]}
        )
    return found[1:]


def page_limit(request: HttpRequest) -> int:
    """``?limit=`` (1 to ``MAX_LIMIT``; ``DEFAULT_LIMIT`` when missing), or ``PageParamError``."""
    raw = request.GET.get("limit", "").strip()
    if not raw:
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise PageParamError({"limit": [_("The limit must be a whole number from 1 to %(max)d.") % {"max": MAX_LIMIT}]})
    return int(raw)


def next_url(request: HttpRequest, cursor: str | None) -> str | None:
    """The absolute URL of the next page: this request's URL with ``cursor`` replaced; ``None`` at the end."""
    if cursor is None:
        return None
    params = request.GET.copy()
    params["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def page_params_schema() -> list[dict[str, Any]]:
    """The OpenAPI description of ``limit`` and ``cursor``, for operations that read them from ``request.GET``."""
    return [
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": f"Rows a page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}).",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        },
        {
            "name": "cursor",
            "in": "query",
            "required": False,
            "description": "Where the page starts: copy it from the `next` URL of the previous page.",
            "schema": {"type": "string"},
        },
    ]
