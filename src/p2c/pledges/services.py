"""Writes to pledges. Every function validates, runs in one transaction and writes an AuditEvent.

Review transitions (submit, publish, request changes, reject, withdraw) arrive with the lifecycle
issue; this module holds what they build on: creating and editing drafts, money and optimistic locking.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from p2c.core.money import money_errors, parse_amount, usd_conversion
from p2c.core.services import audit_event_record, changed_field_values
from p2c.entities.models import Entity
from p2c.pledges.models import Pledge
from p2c.pledges.references import reference_reserve

EDITABLE_FIELDS = (
    "title",
    "summary",
    "description",
    "scope",
    "pledged_on",
    "start_date",
    "end_date",
    "additionality",
    "seeking_partners",
    "event",
)
MONEY_FIELDS = ("amount", "currency", "usd_estimate", "usd_rate", "usd_rate_date", "usd_source")


class ConcurrentEditError(Exception):
    """Someone else saved this pledge since the version the user started from."""


def pledge_money_apply(
    pledge: Pledge,
    *,
    amount: Decimal | str | None,
    currency: str,
    pledger_usd: Decimal | str | None = None,
    is_financial: bool = False,
) -> None:
    """Validate an amount and set it with its USD estimate, rate and rate date (not saved).

    Raises ``ValidationError`` keyed by ``amount``, ``currency`` or ``usd_estimate``.
    """
    parsed: dict[str, Decimal | None] = {}
    for field, raw in (("amount", amount), ("usd_estimate", pledger_usd)):
        if raw is None or raw == "":
            parsed[field] = None
            continue
        try:
            parsed[field] = parse_amount(raw)
        except ValueError as exc:
            raise ValidationError({field: str(exc)}) from exc
    currency = (currency or "").strip().upper()
    errors = money_errors(
        amount=parsed["amount"],
        currency=currency,
        usd_estimate=parsed["usd_estimate"],
        on_date=pledge.pledged_on,
        is_financial=is_financial,
    )
    if errors:
        raise ValidationError(errors)
    value = parsed["amount"]
    if value is None:
        pledge.amount, pledge.currency, pledge.usd_estimate = None, "", None
        pledge.usd_rate, pledge.usd_rate_date, pledge.usd_source = None, None, ""
        return
    conversion = usd_conversion(
        amount=value, currency=currency, on_date=pledge.pledged_on, pledger_usd=parsed["usd_estimate"]
    )
    if conversion is None:  # money_errors already refused this case
        raise ValidationError({"usd_estimate": _("Give your own estimate of the amount in USD.")})
    pledge.amount, pledge.currency = value, currency
    pledge.usd_estimate, pledge.usd_rate = conversion.usd, conversion.rate
    pledge.usd_rate_date, pledge.usd_source = conversion.rate_date, conversion.source


@transaction.atomic
def pledge_draft_create(*, acting_user: Any, lead_entity: Entity, title: str, **fields: Any) -> Pledge:
    """Create a draft pledge for ``lead_entity`` with a new public reference."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable through pledge_draft_create: {sorted(unknown)}")
    now = timezone.now()
    pledge = Pledge(lead_entity=lead_entity, title=title, created_by=acting_user, created_at=now, **fields)
    pledge.reference = "pending"
    pledge.full_clean(exclude=["reference"])
    pledge.reference = reference_reserve(year=now.year)[0]
    pledge.save()
    audit_event_record(target=pledge, action="created", actor=acting_user, to_state=pledge.state)
    return pledge


@transaction.atomic
def pledge_update(*, pledge: Pledge, acting_user: Any, expected_version: int, **changes: Any) -> Pledge:
    """Change a pledge's fields if nobody saved it since ``expected_version``; otherwise refuse.

    Money is passed as ``amount``, ``currency`` and (for currencies the ECB does not publish)
    ``pledger_usd``; the USD estimate is recomputed.
    """
    money_keys = {"amount", "currency", "pledger_usd"}
    unknown = set(changes) - set(EDITABLE_FIELDS) - money_keys
    if unknown:
        raise TypeError(f"Not editable through pledge_update: {sorted(unknown)}")
    current = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if current.version != expected_version:
        raise ConcurrentEditError(
            _("This pledge was changed by someone else since you opened it. Reload it to see their changes.")
        )
    tracked = (*EDITABLE_FIELDS, *MONEY_FIELDS)
    before = {f: getattr(current, f) for f in tracked}
    for field in EDITABLE_FIELDS:
        if field in changes:
            setattr(current, field, changes[field])
    if money_keys & set(changes):
        pledge_money_apply(
            current,
            amount=changes.get("amount", current.amount),
            currency=changes.get("currency", current.currency),
            pledger_usd=changes.get("pledger_usd"),
            is_financial=current.pledge_types.filter(code="financial").exists(),
        )
    current.full_clean()
    changed = changed_field_values(before, {f: getattr(current, f) for f in tracked}, tracked)
    # The row lock (PostgreSQL) or the IMMEDIATE transaction (SQLite) serialises writers, so the
    # version read above is still current here.
    current.version = expected_version + 1
    current.save()
    audit_event_record(target=current, action="updated", actor=acting_user, changed_fields=changed)
    return current
