"""Personas and pledges for the review screens: Amina pledges for Kijiji Telecom, Rui and Rosa review."""

from __future__ import annotations

from typing import Any

from django.test import Client

from p2c.accounts.models import User
from p2c.core.models import AuditEvent
from p2c.core.setup import reviewers_group_ensure
from p2c.entities.models import Entity
from p2c.geo.models import Country
from p2c.pledges.models import Pledge
from p2c.pledges.revisions import pledge_revision_open
from p2c.pledges.services import pledge_update
from p2c.pledges.transitions import pledge_submit
from tests.accounts.helpers import verified_user
from tests.pledges.test_transitions import complete_pledge, olga, rui

__all__ = ["client_for", "complete_pledge", "olga", "revision_submitted", "rosa", "rui", "transition_events"]


def rosa() -> User:
    """Rosa, a second secretariat reviewer."""
    user = verified_user(email="rosa@secretariat.example", full_name="Rosa")
    user.groups.add(reviewers_group_ensure())
    return User.objects.get(pk=user.pk)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def revision_submitted(entity: Entity, amina: User, **changes: Any) -> tuple[Pledge, Pledge]:
    """A published pledge of ``entity`` and a submitted revision of it with ``changes``
    (by default a new title and Uganda added to the countries)."""
    published = complete_pledge(entity, state=Pledge.State.PUBLISHED)
    revision = pledge_revision_open(pledge=published, acting_user=amina)
    changes = changes or {
        "title": "Connect 300 rural schools in Kenya and Uganda",
        "countries": list(Country.objects.filter(iso2__in=["KE", "UG"])),
    }
    revision = pledge_update(pledge=revision, acting_user=amina, expected_version=revision.version, **changes)
    revision = pledge_submit(pledge=revision, acting_user=amina, expected_version=revision.version)
    published.refresh_from_db()
    return published, revision


def transition_events(pledge: Pledge) -> list[AuditEvent]:
    """The AuditEvents of review decisions on ``pledge``, oldest first."""
    return list(
        AuditEvent.objects.filter(
            content_type__model="pledge",
            object_id=str(pledge.pk),
            action__in=["published", "changes_requested", "rejected"],
        ).order_by("id")
    )
