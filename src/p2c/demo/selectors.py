"""Reads about demo data: which rows are fictitious (recognised by their markers, as there is no flag)."""

from __future__ import annotations

from django.db.models import QuerySet

from p2c.content.models import Event
from p2c.demo.names import DEMO_SLUG_PREFIX, DEMO_WEBSITE_TLD
from p2c.entities.models import Entity
from p2c.pledges.models import Pledge


def demo_entities() -> QuerySet[Entity]:
    """Entities created by ``p2c demo-data``: demo slug prefix and a website under ``.example``."""
    return Entity.objects.filter(slug__startswith=DEMO_SLUG_PREFIX, website__contains=f"{DEMO_WEBSITE_TLD}/")


def demo_events() -> QuerySet[Event]:
    """Events created by ``p2c demo-data`` (demo slug prefix)."""
    return Event.objects.filter(slug__startswith=DEMO_SLUG_PREFIX)


def demo_pledges() -> QuerySet[Pledge]:
    """Pledges led by a demo entity."""
    return Pledge.objects.filter(lead_entity__in=demo_entities())


def real_pledges() -> QuerySet[Pledge]:
    """Pledges that are not demo data (led by an entity without the demo markers)."""
    return Pledge.objects.exclude(lead_entity__in=demo_entities())
