"""Who calls the write API: ``Authorization: Bearer p2c_<prefix>_<secret>``, checked on every request.

A token is found by its prefix and compared by the SHA-256 hash of the whole token (in constant
time). It works while it is not revoked and while the person who created it is still an active
member of its organisation: the API then acts as that person, through the same services as the web
form. Each token may make ``P2C_API_RATE_READS_PER_MINUTE`` reads and
``P2C_API_RATE_WRITES_PER_MINUTE`` writes a minute (fixed one-minute windows counted in Django's
cache); more get ``429`` with ``Retry-After``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from p2c.accounts.models import User
from p2c.api.models import ApiToken
from p2c.entities.models import Membership

TOKEN_PATTERN = re.compile(r"^p2c_([a-z0-9]{8,16})_([A-Za-z0-9]{20,100})$")
# How often ``last_used_at`` is written: once a minute is precise enough and spares a write per request.
LAST_USED_PRECISION = timedelta(minutes=1)
WINDOW_SECONDS = 60


class TokenRefused(Exception):
    """The token cannot act; ``status`` is 401 (not a valid token) or 403 (valid, but may not do this)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class RateLimited(Exception):
    """The token made too many requests in this minute; ``retry_after`` seconds until the next window."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def token_hash(token: str) -> str:
    """The SHA-256 hex digest kept instead of the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_find(raw: str) -> ApiToken | None:
    """The token ``raw`` is, revoked or not; ``None`` when it is not one (wrong format, unknown, wrong secret)."""
    match = TOKEN_PATTERN.match(raw.strip())
    if match is None:
        return None
    token = ApiToken.objects.select_related("entity", "created_by").filter(prefix=match.group(1)).first()
    if token is None or not hmac.compare_digest(token.secret_hash, token_hash(raw.strip())):
        return None
    return token


def token_check(token: ApiToken) -> None:
    """Refuse a revoked token, or one whose creator no longer acts for its organisation."""
    if not token.is_active:
        raise TokenRefused(401, _("This token was revoked. A focal point of your organisation can create a new one."))
    user = token.created_by
    acts = (
        user is not None
        and user.is_active
        and Membership.objects.filter(user=user, entity=token.entity, status=Membership.Status.ACTIVE).exists()
    )
    if not acts:
        raise TokenRefused(
            403,
            _(
                "This token no longer works: the person who created it is no longer an active member of "
                "%(entity)s. A focal point can create a new token."
            )
            % {"entity": token.entity.name},
        )


def rate_limit(token: ApiToken, *, write: bool) -> None:
    """Count this request in the token's window; ``RateLimited`` past the limit."""
    limit = settings.P2C_API_RATE_WRITES_PER_MINUTE if write else settings.P2C_API_RATE_READS_PER_MINUTE
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"p2c:api:rate:{token.pk}:{'w' if write else 'r'}:{window}"
    cache.add(key, 0, WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS * 2)
        count = 1
    if count > limit:
        raise RateLimited(max(1, int((window + 1) * WINDOW_SECONDS - now) + 1))


def _touch(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


class TokenAuth(HttpBearer):
    """Bearer-token authentication for ``/api/v1/my/…``: finds, checks, rate-limits and records the token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_find(token)
        if found is None:
            raise TokenRefused(401, _("This is not a valid API token."))
        token_check(found)
        write = request.method not in ("GET", "HEAD", "OPTIONS")
        if write and not found.can_write:
            raise TokenRefused(
                403, _("This token may only read: create a token with the “write” scope to change pledges.")
            )
        rate_limit(found, write=write)
        _touch(found)
        return found


def token_of(request: HttpRequest) -> ApiToken:
    """The token the request was authenticated with (only in operations behind ``TokenAuth``)."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return token


def acting_user(token: ApiToken) -> User:
    """The person a checked token acts as: the one who created it (``token_check`` made sure they still may)."""
    if token.created_by is None:  # pragma: no cover - token_check refuses such a token
        raise TokenRefused(403, _("This token no longer works: create a new one."))
    return token.created_by
