"""Writes to pledges' content. Every function validates, runs in one transaction and writes an AuditEvent.

A pledge's content (fields, money, classifications, geography, targets, partners) is written only
here: ``pledge_draft_create`` and ``pledge_update``. Its review state changes only through
``p2c.pledges.transitions``; changes to a published pledge go through a revision
(``p2c.pledges.revisions``). Optimistic locking: every write names the ``version`` it started
from and is refused with ``ConcurrentEditError`` if someone saved since.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from p2c.core.money import money_errors, parse_amount, usd_conversion
from p2c.core.services import audit_event_record
from p2c.entities.models import Entity, Membership
from p2c.pledges.models import Pledge, PledgePartner, PledgeTarget
from p2c.pledges.references import reference_reserve
from p2c.pledges.snapshots import changed_keys, pledge_snapshot

EDITABLE_FIELDS = (
    "title",
    "summary",
    "description",
    "language",
    "scope",
    "pledged_on",
    "start_date",
    "end_date",
    "additionality",
    "seeking_partners",
    "event",
)
MONEY_FIELDS = ("amount", "currency", "usd_estimate", "usd_rate", "usd_rate_date", "usd_source")
MONEY_KEYS = ("amount", "currency", "pledger_usd")
RELATION_FIELDS = ("focus_areas", "pillars", "pledge_types", "sdgs", "target_groups", "regions", "countries")
LIST_KEYS = ("targets", "partners")
# The states in which the pledger may change a pledge's content.
EDITABLE_STATES = frozenset({Pledge.State.DRAFT, Pledge.State.CHANGES_REQUESTED})


class ConcurrentEditError(Exception):
    """Someone else saved this pledge since the version the user started from."""


class NotEditableError(ValidationError):
    """The pledge's state does not allow its content to change (submitted, published, final)."""


@dataclass(frozen=True)
class TargetSpec:
    """One structured target as typed in the form or sent by the API."""

    indicator: str
    unit: str
    target_value: Decimal | None
    target_year: int | None
    baseline: Decimal | None = None


@dataclass(frozen=True)
class PartnerSpec:
    """Another entity taking part in the pledge, and its role (``PledgePartner.Role``)."""

    entity: Entity
    role: str = PledgePartner.Role.CO_PLEDGER


def is_lead_member(user: Any, pledge: Pledge) -> bool:
    """Whether ``user`` is an active member (or focal point) of the pledge's lead entity."""
    return bool(getattr(user, "is_authenticated", False)) and (
        Membership.objects.filter(
            user_id=user.pk, entity_id=pledge.lead_entity_id, status=Membership.Status.ACTIVE
        ).exists()
    )


def require_lead_member(user: Any, pledge: Pledge) -> None:
    """Refuse with ``PermissionDenied`` anyone who is not an active member of the lead entity."""
    if not is_lead_member(user, pledge):
        raise PermissionDenied(_("Only a member of %(entity)s can do this.") % {"entity": pledge.lead_entity.name})


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
        pledge.amount, pledge.currency, pledge.usd_estimate = None, currency, None
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


def _check_keys(changes: Mapping[str, Any], where: str) -> None:
    unknown = set(changes) - {*EDITABLE_FIELDS, *MONEY_KEYS, *RELATION_FIELDS, *LIST_KEYS}
    if unknown:
        raise TypeError(f"Not editable through {where}: {sorted(unknown)}")


def _target_rows(pledge: Pledge, specs: Iterable[TargetSpec], errors: dict[str, list[str]]) -> list[PledgeTarget]:
    rows = []
    for number, spec in enumerate(specs, start=1):
        row = PledgeTarget(
            pledge=pledge,
            indicator=(spec.indicator or "").strip(),
            unit=(spec.unit or "").strip(),
            baseline=spec.baseline,
            target_value=spec.target_value,
            target_year=spec.target_year,  # type: ignore[misc]
            order=number,
        )
        try:
            row.full_clean(exclude=["pledge"])
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                label = _("Target %(number)d") % {"number": number}
                errors.setdefault("targets", []).extend(f"{label}, {field.replace('_', ' ')}: {m}" for m in messages)
        rows.append(row)
    return rows


def _partner_rows(pledge: Pledge, specs: Iterable[PartnerSpec], errors: dict[str, list[str]]) -> list[PledgePartner]:
    rows, seen = [], set()
    roles = set(PledgePartner.Role.values)
    for spec in specs:
        if spec.entity.pk == pledge.lead_entity_id:
            errors.setdefault("partners", []).append(
                _("%(entity)s leads this pledge, so it cannot also be a partner.") % {"entity": spec.entity.name}
            )
        elif spec.entity.pk in seen:
            errors.setdefault("partners", []).append(
                _("%(entity)s is listed twice as a partner.") % {"entity": spec.entity.name}
            )
        elif spec.role not in roles:
            errors.setdefault("partners", []).append(_("Choose the role of %(entity)s.") % {"entity": spec.entity.name})
        seen.add(spec.entity.pk)
        rows.append(PledgePartner(pledge=pledge, entity=spec.entity, role=spec.role))
    return rows


def pledge_content_apply(pledge: Pledge, changes: Mapping[str, Any]) -> None:
    """Set everything in ``changes`` on ``pledge`` and save it, or save nothing and raise one ValidationError.

    It checks values, not people, states or versions: ``pledge_draft_create`` and ``pledge_update``
    check those first. Call it directly only where the caller has checked them itself (the
    secretariat's bulk import, ``p2c.opendata.imports``).
    """
    errors: dict[str, list[str]] = {}
    for field in EDITABLE_FIELDS:
        if field in changes:
            setattr(pledge, field, changes[field])
    if set(MONEY_KEYS) & set(changes) or ("pledged_on" in changes and pledge.amount is not None):
        # The rate is the pledge date's. A draft may lack the amount a financial pledge needs:
        # submission_errors() checks that.
        try:
            pledge_money_apply(
                pledge,
                amount=changes.get("amount", pledge.amount),
                currency=changes.get("currency", pledge.currency),
                pledger_usd=changes.get(
                    "pledger_usd", pledge.usd_estimate if pledge.usd_source == Pledge.UsdSource.PLEDGER else None
                ),
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    try:
        pledge.full_clean(exclude=["reference", *(f for f in errors)])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    targets = _target_rows(pledge, changes["targets"], errors) if "targets" in changes else None
    partners = _partner_rows(pledge, changes["partners"], errors) if "partners" in changes else None
    if errors:
        raise ValidationError({field: list(dict.fromkeys(messages)) for field, messages in errors.items()})
    pledge.save()
    for field in RELATION_FIELDS:
        if field in changes:
            getattr(pledge, field).set(list(changes[field]))
    if targets is not None:
        pledge.targets.all().delete()
        PledgeTarget.objects.bulk_create(targets)
    if partners is not None:
        from p2c.pledges.search import entity_names_refresh_on_commit

        pledge.partnerships.all().delete()
        PledgePartner.objects.bulk_create(partners)
        entity_names_refresh_on_commit([pledge.pk])


@transaction.atomic
def pledge_draft_create(*, acting_user: Any, lead_entity: Entity, title: str = "", **changes: Any) -> Pledge:
    """Create a draft pledge for ``lead_entity`` with a new public reference.

    ``changes`` may hold anything ``pledge_update`` accepts; any of it may be missing (a draft need
    not be complete), but what is given must be valid.
    """
    _check_keys(changes, "pledge_draft_create")
    now = timezone.now()
    pledge = Pledge(lead_entity=lead_entity, title=title, created_by=acting_user, created_at=now)
    require_lead_member(acting_user, pledge)
    pledge.reference = reference_reserve(year=now.year)[0]
    pledge_content_apply(pledge, changes)
    audit_event_record(
        target=pledge,
        action="created",
        actor=acting_user,
        to_state=pledge.state,
        changed_fields=changed_keys({}, pledge_snapshot(pledge)),
    )
    return pledge


def pledge_lock(pledge: Pledge, expected_version: int) -> Pledge:
    """The pledge's row, locked until the transaction ends, if still at ``expected_version``."""
    current = Pledge.objects.select_for_update().select_related("lead_entity").get(pk=pledge.pk)
    if current.version != expected_version:
        raise ConcurrentEditError(
            _("This pledge was changed by someone else since you opened it. Reload it to see what changed.")
        )
    return current


@transaction.atomic
def pledge_update(*, pledge: Pledge, acting_user: Any, expected_version: int, **changes: Any) -> Pledge:
    """Change a draft's content if nobody saved it since ``expected_version``; otherwise refuse.

    Keys: the ``EDITABLE_FIELDS``; money as ``amount``, ``currency`` and (for currencies the ECB does
    not publish) ``pledger_usd``; the ``RELATION_FIELDS`` as iterables of objects; ``targets`` as
    ``TargetSpec``s and ``partners`` as ``PartnerSpec``s, each replacing the whole list. Only drafts
    and pledges sent back for changes can be edited; a published pledge is changed through a
    revision (``p2c.pledges.revisions.pledge_revision_open``).
    """
    _check_keys(changes, "pledge_update")
    current = Pledge.objects.select_related("lead_entity").get(pk=pledge.pk)
    require_lead_member(acting_user, current)
    current = pledge_lock(pledge, expected_version)
    if current.state not in EDITABLE_STATES:
        if current.state == Pledge.State.PUBLISHED:
            message = _("This pledge is published: propose a revision to change it.")
        elif current.state == Pledge.State.SUBMITTED:
            message = _("This pledge is being reviewed: you can change it if the reviewer asks for changes.")
        else:
            message = _("A pledge that is %(state)s cannot be changed.") % {
                "state": current.get_state_display().lower()
            }
        raise NotEditableError(message, code="not_editable")
    before = pledge_snapshot(current)
    # The row lock (PostgreSQL) or the IMMEDIATE transaction (SQLite) serialises writers, so the
    # version read above is still current when this is saved.
    current.version = expected_version + 1
    pledge_content_apply(current, changes)
    changed = changed_keys(before, pledge_snapshot(current))
    audit_event_record(target=current, action="updated", actor=acting_user, changed_fields=changed)
    return current
