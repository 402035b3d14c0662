"""Reads of entities for the public pages.

An entity is public once it takes part in at least one published pledge, as lead entity or as a
partner (any role). Entities that only have drafts, submitted, rejected or withdrawn pledges are
not listed and have no public page: they have not been through review, and showing them would
tell the world that an organisation is preparing a pledge.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from p2c.entities.models import Entity, EntityType
from p2c.pledges.models import Pledge, PledgePartner


def public_entities() -> QuerySet[Entity]:
    """Entities taking part in at least one published pledge, as lead or partner."""
    published = Pledge.State.PUBLISHED
    leads = Pledge.objects.filter(lead_entity=OuterRef("pk"), state=published)
    # Nested rather than joined: whatever the planner knows, it looks the entity's partnerships
    # up by entity, then each pledge by primary key (a join can make SQLite without statistics
    # scan every published pledge for every entity).
    published_pledge = Pledge.objects.filter(pk=OuterRef("pledge_id"), state=published)
    partners = PledgePartner.objects.filter(entity=OuterRef("pk")).filter(Exists(published_pledge))
    return Entity.objects.filter(Exists(leads) | Exists(partners))


def entity_directory(*, search: str = "", entity_type: str = "") -> QuerySet[Entity]:
    """Public entities by name (ignoring case), optionally matching ``search`` (name or acronym) and of one type."""
    # Lower-case name order walks the unique index on LOWER(name): a page stops after its rows.
    entities = public_entities().select_related("entity_type", "home_country").order_by(Lower("name"), "id")
    search = search.strip()
    if search:
        entities = entities.filter(Q(name__icontains=search) | Q(acronym__icontains=search))
    if entity_type:
        entities = entities.filter(entity_type__code=entity_type)
    return entities


def public_entity(slug: str) -> Entity | None:
    """The public entity with this slug, with its type and home country; ``None`` if not public."""
    return public_entities().select_related("entity_type", "home_country").filter(slug=slug).first()


def entity_types() -> QuerySet[EntityType]:
    """Every entity type, in the secretariat's order (for the list's filter)."""
    return EntityType.objects.all()
