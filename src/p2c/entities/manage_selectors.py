"""Reads for the pages where people manage their organisations (``/my/entities/``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from p2c.entities.models import Entity, Membership


def memberships_of(user: Any) -> QuerySet[Membership]:
    """Everything ``user`` belongs to or asked to join: active first, then pending, then declined."""
    order = Case(
        When(status=Membership.Status.ACTIVE, then=Value(0)),
        When(status=Membership.Status.REQUESTED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        Membership.objects.filter(user=user)
        .select_related("entity__entity_type", "entity__home_country")
        .order_by(order, "entity__name")
    )


def pending_requests_for(user: Any) -> QuerySet[Membership]:
    """Requests waiting for an answer from ``user`` as focal point, oldest first."""
    managed = Membership.objects.filter(
        user=user, status=Membership.Status.ACTIVE, role=Membership.Role.FOCAL_POINT
    ).values("entity_id")
    return (
        Membership.objects.filter(entity_id__in=managed, status=Membership.Status.REQUESTED)
        .select_related("user", "entity")
        .order_by("created_at", "id")
    )


def active_membership(user: Any, slug: str) -> Membership | None:
    """``user``'s active membership of the entity with ``slug`` (with the entity), or ``None``."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(user=user, entity__slug=slug, status=Membership.Status.ACTIVE)
        .select_related("entity__entity_type", "entity__home_country")
        .first()
    )


def members_of(entity: Entity) -> QuerySet[Membership]:
    """The entity's memberships: focal points, then members, then requests and declined ones."""
    order = Case(
        When(status=Membership.Status.ACTIVE, role=Membership.Role.FOCAL_POINT, then=Value(0)),
        When(status=Membership.Status.ACTIVE, then=Value(1)),
        When(status=Membership.Status.REQUESTED, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return Membership.objects.filter(entity=entity).select_related("user").order_by(order, "user__email")
