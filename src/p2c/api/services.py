"""Writes of API tokens: a focal point creates one (its secret is returned once) or revokes one.

Both run in one transaction and write an ``AuditEvent`` on the token. The secret is never stored:
only its SHA-256 hash (``p2c.api.auth.token_hash``).
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from p2c.api.auth import token_hash
from p2c.api.models import ApiToken
from p2c.core.services import audit_event_record
from p2c.entities.models import Entity, Membership

SECRET_ALPHABET = string.ascii_letters + string.digits
SECRET_LENGTH = 40  # about 238 bits of randomness
PREFIX_BYTES = 5  # ten hexadecimal characters
NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length or 100


def is_focal_point(user: Any, entity: Entity) -> bool:
    """Whether ``user`` is an active focal point of ``entity``."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and Membership.objects.filter(
            user_id=user.pk,
            entity=entity,
            status=Membership.Status.ACTIVE,
            role=Membership.Role.FOCAL_POINT,
        ).exists()
    )


def _require_focal_point(user: Any, entity: Entity) -> None:
    if not is_focal_point(user, entity):
        raise PermissionDenied(_("Only a focal point of this organisation can do this."))


@transaction.atomic
def api_token_create(*, acting_user: Any, entity: Entity, name: str, scope: str) -> tuple[ApiToken, str]:
    """A new token for ``entity``, acting as ``acting_user`` (a focal point); returns it and its secret, shown once."""
    _require_focal_point(acting_user, entity)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Say what the token is for, e.g. “CRM export”.")})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError({"name": _("Keep the name under %(max)d characters.") % {"max": NAME_MAX_LENGTH}})
    if scope not in ApiToken.Scope.values:
        raise ValidationError({"scope": _("Choose what the token may do.")})
    prefix = secrets.token_hex(PREFIX_BYTES)
    while ApiToken.objects.filter(prefix=prefix).exists():  # pragma: no cover - one chance in a trillion
        prefix = secrets.token_hex(PREFIX_BYTES)
    secret = "".join(secrets.choice(SECRET_ALPHABET) for _i in range(SECRET_LENGTH))
    raw = f"p2c_{prefix}_{secret}"
    token = ApiToken.objects.create(
        entity=entity, name=name, prefix=prefix, secret_hash=token_hash(raw), scope=scope, created_by=acting_user
    )
    audit_event_record(
        target=token,
        action="created",
        actor=acting_user,
        changed_fields={"name": [None, name], "scope": [None, scope], "entity": [None, entity.slug]},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, acting_user: Any, token: ApiToken) -> ApiToken:
    """Revoke ``token`` for good (a focal point of its organisation); revoking twice changes nothing."""
    _require_focal_point(acting_user, token.entity)
    current = ApiToken.objects.select_for_update().get(pk=token.pk)
    if current.revoked_at is not None:
        return current
    current.revoked_at, current.revoked_by = timezone.now(), acting_user
    current.save(update_fields=["revoked_at", "revoked_by"])
    audit_event_record(target=current, action="revoked", actor=acting_user)
    return current
