"""Reads for the review screens: the queue with its filters, one pledge under review, its history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from p2c.core.models import AuditEvent
from p2c.entities.models import EntityType
from p2c.pledges.models import Pledge

State = Pledge.State
StrOrPromise = str | Promise

# The queue's state filter: its value in the URL, its label and the states it selects.
QUEUE_STATES: dict[str, tuple[StrOrPromise, frozenset[str]]] = {
    "submitted": (_("Waiting for review"), frozenset({State.SUBMITTED})),
    "changes_requested": (_("Changes requested (back with the pledger)"), frozenset({State.CHANGES_REQUESTED})),
    "rejected": (_("Rejected"), frozenset({State.REJECTED})),
    "open": (_("All open (waiting or back with the pledger)"), frozenset({State.SUBMITTED, State.CHANGES_REQUESTED})),
}
DEFAULT_STATE = "submitted"
# The queue's age filter: submitted more than this many days ago.
QUEUE_AGES: dict[str, tuple[StrOrPromise, int]] = {
    "7": (_("Waiting more than 7 days"), 7),
    "30": (_("Waiting more than 30 days"), 30),
}


@dataclass(frozen=True)
class QueueFilters:
    """What the queue shows, read from the query string; anything malformed falls back to the default."""

    state: str = DEFAULT_STATE
    age: str = ""
    entity_type: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str], entity_type_codes: frozenset[str]) -> QueueFilters:
        state = query.get("state", "")
        age = query.get("age", "")
        entity_type = query.get("entity_type", "")
        return cls(
            state=state if state in QUEUE_STATES else DEFAULT_STATE,
            age=age if age in QUEUE_AGES else "",
            entity_type=entity_type if entity_type in entity_type_codes else "",
        )

    def as_query(self) -> dict[str, str]:
        """The filters in force, as query parameters (for pagination links)."""
        return {k: v for k, v in (("state", self.state), ("age", self.age), ("entity_type", self.entity_type)) if v}


def entity_types() -> list[EntityType]:
    """Every entity type, for the queue's filter."""
    return list(EntityType.objects.all())


def review_queue(filters: QueueFilters, *, now: dt.datetime | None = None) -> QuerySet[Pledge]:
    """Pledges matching ``filters``, oldest submission first, with what each row shows already joined."""
    pledges = Pledge.objects.filter(state__in=QUEUE_STATES[filters.state][1])
    if filters.age:
        cutoff = (now or timezone.now()) - dt.timedelta(days=QUEUE_AGES[filters.age][1])
        pledges = pledges.filter(submitted_at__lt=cutoff)
    if filters.entity_type:
        pledges = pledges.filter(lead_entity__entity_type__code=filters.entity_type)
    return pledges.select_related("lead_entity__entity_type", "revision_of").order_by("submitted_at", "id")


def pledge_under_review(reference: str) -> Pledge | None:
    """The pledge with this reference as a reviewer may see it; ``None`` for a draft never submitted.

    A draft (or a draft withdrawn before it was ever submitted) is the pledger's private work.
    """
    pledge = (
        Pledge.objects.select_related(
            "lead_entity__entity_type", "lead_entity__home_country", "revision_of", "event", "created_by"
        )
        .filter(reference=reference)
        .first()
    )
    if pledge is None:
        return None
    if pledge.submitted_at is None and pledge.state in (State.DRAFT, State.WITHDRAWN):
        return None
    return pledge


def pledge_history(pledge: Pledge) -> list[AuditEvent]:
    """Everything that happened to ``pledge``, oldest first, with who did it."""
    return list(
        AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(Pledge), object_id=str(pledge.pk))
        .select_related("actor")
        .order_by("created_at", "id")
    )
