"""Writes to entities and memberships. Each function checks who may act, validates, runs in one
transaction, writes an AuditEvent and queues its emails for after the commit.

Rules kept here, whatever the caller:
- only a person with a verified email address creates an entity or asks to join one;
- only an active focal point edits the profile or manages members;
- an entity always keeps at least one active focal point (the entity row is locked while
  memberships change, so two focal points demoting each other at once cannot both succeed);
- a profile edit made from a stale copy is refused (``ConcurrentEditError``), never applied over
  someone else's change.

Refusals: ``PermissionDenied`` when the person may not do this at all; ``ValidationError`` (with
a message for the person) when the action is not possible now; ``LikelyDuplicatesError`` when
a new entity resembles existing ones and the person has not confirmed it is different.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from p2c.accounts.selectors import has_verified_email
from p2c.core.email import Recipient, absolute_url, emails_queue
from p2c.core.services import audit_event_record, changed_field_values
from p2c.entities.matching import Match, exact_name_taken, likely_duplicates
from p2c.entities.models import Entity, EntityType, Membership
from p2c.geo.models import Country

PROFILE_FIELDS = ("name", "acronym", "entity_type", "home_country", "website", "description")
ACTIVE = Membership.Status.ACTIVE
FOCAL_POINT = Membership.Role.FOCAL_POINT


class ConcurrentEditError(Exception):
    """Someone else saved this entity's profile since the copy the person started from."""


class LikelyDuplicatesError(Exception):
    """The new entity's name resembles existing entities; the person must confirm it is a different one."""

    def __init__(self, matches: list[Match]) -> None:
        super().__init__(_("This organisation may already be registered."))
        self.matches = matches


# --- Who may act ---------------------------------------------------------------------------------


def is_focal_point(user: Any, entity: Entity) -> bool:
    """Whether ``user`` is an active focal point of ``entity``."""
    return (
        bool(user.is_authenticated)
        and Membership.objects.filter(user=user, entity=entity, status=ACTIVE, role=FOCAL_POINT).exists()
    )


def _require_verified(user: Any) -> None:
    if not has_verified_email(user):
        raise PermissionDenied(_("Confirm your email address first."))


def _require_focal_point(user: Any, entity: Entity) -> None:
    if not is_focal_point(user, entity):
        raise PermissionDenied(_("Only a focal point of this organisation can do this."))


def _locked(entity: Entity) -> Entity:
    """The entity row, locked until the transaction ends (PostgreSQL; SQLite's IMMEDIATE transactions serialise)."""
    return Entity.objects.select_for_update().get(pk=entity.pk)


def _locked_membership(membership: Membership) -> Membership:
    """The membership, re-read after locking its entity (always entity first, so lock order is the same everywhere)."""
    gone = ValidationError(_("This membership no longer exists; someone changed it meanwhile."), code="gone")
    entity_id = Membership.objects.filter(pk=membership.pk).values_list("entity_id", flat=True).first()
    if entity_id is None:
        raise gone
    list(Entity.objects.select_for_update().filter(pk=entity_id).values_list("pk", flat=True))
    locked = (
        Membership.objects.select_for_update(of=("self",)).select_related("user", "entity").filter(pk=membership.pk)
    )
    found = locked.first()
    if found is None:
        raise gone
    return found


def _focal_point_count(entity: Entity) -> int:
    return Membership.objects.filter(entity=entity, status=ACTIVE, role=FOCAL_POINT).count()


# --- Entities ------------------------------------------------------------------------------------


# Words that name pages under /my/entities/ and so cannot be an entity's slug there.
RESERVED_SLUGS = frozenset({"new", "join"})


def _unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = (slugify(name) or "entity")[:200]
    slug, n = base, 1
    taken = Entity.objects.exclude(pk=exclude_pk) if exclude_pk else Entity.objects.all()
    while slug in RESERVED_SLUGS or taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _name_taken_error(name: str, *, exclude_pk: int | None = None) -> ValidationError | None:
    existing = exact_name_taken(name, exclude_pk=exclude_pk)
    if existing is None:
        return None
    return ValidationError(
        {"name": _("“%(name)s” is already registered. Ask to join it instead.") % {"name": existing.name}},
        code="name_taken",
    )


def _profile_values(entity: Entity) -> dict[str, Any]:
    return {
        "name": entity.name,
        "acronym": entity.acronym,
        "entity_type": entity.entity_type.code if entity.entity_type_id else None,
        "home_country": entity.home_country_id,
        "website": entity.website,
        "description": entity.description,
    }


@transaction.atomic
def entity_create(
    *,
    acting_user: Any,
    name: str,
    entity_type: EntityType,
    acronym: str = "",
    home_country: Country | None = None,
    website: str = "",
    description: str = "",
    confirmed_not_duplicate: bool = False,
) -> Entity:
    """Register an organisation; ``acting_user`` becomes its focal point.

    Refused with ``LikelyDuplicatesError`` while the name resembles existing entities, unless
    ``confirmed_not_duplicate``; an identical name (ignoring case) is always refused.
    """
    _require_verified(acting_user)
    name = " ".join(name.split())
    acronym = acronym.strip()
    entity = Entity(
        name=name,
        acronym=acronym,
        entity_type=entity_type,
        home_country=home_country,
        website=website.strip(),
        description=description.strip(),
        slug=_unique_slug(name),
    )
    # Unique-name checks come from _name_taken_error, with a message that says what to do instead.
    entity.full_clean(validate_constraints=False)
    taken = _name_taken_error(name)
    if taken is not None:
        raise taken
    if not confirmed_not_duplicate:
        matches = likely_duplicates(name=name, acronym=acronym)
        if matches:
            raise LikelyDuplicatesError(matches)
    entity.save()
    membership = Membership.objects.create(user=acting_user, entity=entity, role=FOCAL_POINT, status=ACTIVE)
    audit_event_record(
        target=entity,
        action="entity_created",
        actor=acting_user,
        comment=_("Confirmed as different from similar names.") if confirmed_not_duplicate else "",
        changed_fields={field: [None, value] for field, value in _profile_values(entity).items() if value},
    )
    audit_event_record(
        target=membership, action="membership_created", actor=acting_user, to_state=f"{ACTIVE}:{FOCAL_POINT}"
    )
    return entity


@transaction.atomic
def entity_update(*, entity: Entity, acting_user: Any, expected_updated_at: dt.datetime, **changes: Any) -> Entity:
    """Change the profile if nobody saved it since ``expected_updated_at``; otherwise ``ConcurrentEditError``.

    ``changes`` are profile fields (name, acronym, entity_type, home_country, website,
    description). The slug stays as it was, so links to the entity keep working.
    """
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable through entity_update: {sorted(unknown)}")
    current = _locked(entity)
    _require_focal_point(acting_user, current)
    if current.updated_at != expected_updated_at:
        raise ConcurrentEditError(
            _(
                "Someone else saved this profile while you were editing it. Your changes are below, not saved: "
                "compare them with the current profile, then save again."
            )
        )
    before = _profile_values(current)
    for field, value in changes.items():
        if isinstance(value, str):
            value = " ".join(value.split()) if field == "name" else value.strip()
        setattr(current, field, value)
    current.full_clean(validate_constraints=False)
    taken = _name_taken_error(current.name, exclude_pk=current.pk)
    if taken is not None:
        raise taken
    changed = changed_field_values(before, _profile_values(current), PROFILE_FIELDS)
    if not changed:
        return current
    current.save()
    audit_event_record(target=current, action="entity_updated", actor=acting_user, changed_fields=changed)
    return current


# --- Memberships ---------------------------------------------------------------------------------


def _membership_email(
    template: str,
    *,
    to: list[Recipient],
    context: dict[str, Any],
    entity: Entity,
    together: bool = False,
    manage_anchor: str = "",
) -> None:
    """Queue ``emails/<template>_{subject.txt,message.txt,message.html}`` for after the commit, in each
    recipient's language, with ``manage_url`` and ``join_url`` leading to that language's pages.

    ``together``: one email per language with all its addresses (the focal points of one entity).
    """

    def links() -> dict[str, Any]:
        return {
            **context,
            "entity": entity,
            "manage_url": absolute_url(reverse("entities_manage:manage", args=[entity.slug])) + manage_anchor,
            "join_url": absolute_url(reverse("entities_manage:join")),
        }

    emails_queue(template_prefix=f"emails/{template}", recipients=to, context=links, together=together)


@transaction.atomic
def membership_request(*, acting_user: Any, entity: Entity, note: str = "") -> Membership:
    """Ask to join ``entity`` as a member; its focal points are emailed. ``note`` goes into the email."""
    _require_verified(acting_user)
    entity = _locked(entity)
    existing = Membership.objects.filter(user=acting_user, entity=entity).first()
    if existing is not None:
        raise ValidationError(
            {
                ACTIVE: _("You are already a member of %(entity)s."),
                Membership.Status.REQUESTED: _(
                    "You have already asked to join %(entity)s; its focal point will answer."
                ),
                Membership.Status.DECLINED: _(
                    "Your request to join %(entity)s was declined. Contact its focal point or the secretariat."
                ),
            }[Membership.Status(existing.status)]
            % {"entity": entity.name},
            code="already",
        )
    note = note.strip()[:1000]
    membership = Membership(
        user=acting_user, entity=entity, role=Membership.Role.MEMBER, status=Membership.Status.REQUESTED
    )
    membership.full_clean()
    membership.save()
    audit_event_record(
        target=membership,
        action="membership_requested",
        actor=acting_user,
        to_state=Membership.Status.REQUESTED,
        comment=note,
    )
    focal_points = list(
        Membership.objects.filter(entity=entity, status=ACTIVE, role=FOCAL_POINT).values_list(
            "user__email", "user__language"
        )
    )
    if focal_points:
        _membership_email(
            "membership_requested",
            to=focal_points,
            entity=entity,
            context={"requester": acting_user, "note": note},
            together=True,
            manage_anchor="#requests",
        )
    return membership


def _decide(*, acting_user: Any, membership: Membership, accept: bool, reason: str = "") -> Membership:
    membership = _locked_membership(membership)
    _require_focal_point(acting_user, membership.entity)
    if membership.status != Membership.Status.REQUESTED:
        raise ValidationError(
            _("%(person)s's request was already answered (%(status)s).")
            % {"person": membership.user, "status": membership.get_status_display()},
            code="answered",
        )
    membership.status = ACTIVE if accept else Membership.Status.DECLINED
    membership.role = Membership.Role.MEMBER
    membership.full_clean()
    membership.save(update_fields=["status", "role"])
    audit_event_record(
        target=membership,
        action="membership_accepted" if accept else "membership_declined",
        actor=acting_user,
        from_state=Membership.Status.REQUESTED,
        to_state=membership.status,
        comment=reason,
    )
    entity = membership.entity
    _membership_email(
        "membership_accepted" if accept else "membership_declined",
        to=[(membership.user.email, membership.user.language)],
        entity=entity,
        context={"person": membership.user, "reason": reason},
    )
    return membership


@transaction.atomic
def membership_accept(*, acting_user: Any, membership: Membership) -> Membership:
    """A focal point accepts a request: the person becomes an active member and is emailed."""
    return _decide(acting_user=acting_user, membership=membership, accept=True)


@transaction.atomic
def membership_decline(*, acting_user: Any, membership: Membership, reason: str = "") -> Membership:
    """A focal point declines a request; the person is emailed (with ``reason``, if given)."""
    return _decide(acting_user=acting_user, membership=membership, accept=False, reason=reason.strip()[:1000])


@transaction.atomic
def membership_promote(*, acting_user: Any, membership: Membership) -> Membership:
    """A focal point makes an active member a focal point too."""
    membership = _locked_membership(membership)
    _require_focal_point(acting_user, membership.entity)
    if membership.status != ACTIVE:
        raise ValidationError(_("Only active members can become focal points."), code="not_active")
    if membership.role == FOCAL_POINT:
        raise ValidationError(_("%(person)s is already a focal point.") % {"person": membership.user}, code="already")
    membership.role = FOCAL_POINT
    membership.save(update_fields=["role"])
    audit_event_record(
        target=membership,
        action="membership_promoted",
        actor=acting_user,
        from_state=Membership.Role.MEMBER,
        to_state=FOCAL_POINT,
    )
    return membership


@transaction.atomic
def membership_demote(*, acting_user: Any, membership: Membership) -> Membership:
    """A focal point makes a focal point (possibly themselves) an ordinary member; never the last one."""
    membership = _locked_membership(membership)
    _require_focal_point(acting_user, membership.entity)
    if membership.role != FOCAL_POINT or membership.status != ACTIVE:
        raise ValidationError(_("%(person)s is not a focal point.") % {"person": membership.user}, code="not_focal")
    if _focal_point_count(membership.entity) <= 1:
        raise ValidationError(
            _("An organisation needs at least one focal point. Make someone else focal point first."),
            code="last_focal_point",
        )
    membership.role = Membership.Role.MEMBER
    membership.save(update_fields=["role"])
    audit_event_record(
        target=membership,
        action="membership_demoted",
        actor=acting_user,
        from_state=FOCAL_POINT,
        to_state=Membership.Role.MEMBER,
    )
    return membership


@transaction.atomic
def membership_remove(*, acting_user: Any, membership: Membership) -> None:
    """Remove a membership: a focal point removes anyone; a person may leave or withdraw their own request.

    Never removes the last active focal point.
    """
    membership = _locked_membership(membership)
    entity = membership.entity
    own = membership.user_id == acting_user.pk
    if not own:
        _require_focal_point(acting_user, entity)
    if membership.status == ACTIVE and membership.role == FOCAL_POINT and _focal_point_count(entity) <= 1:
        raise ValidationError(
            _("An organisation needs at least one focal point. Make someone else focal point first."),
            code="last_focal_point",
        )
    audit_event_record(
        target=entity,
        action="membership_left" if own else "membership_removed",
        actor=acting_user,
        from_state=f"{membership.status}:{membership.role}",
        comment=str(membership.user.email),
    )
    membership.delete()
