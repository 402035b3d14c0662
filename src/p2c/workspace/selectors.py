"""Reads for the pledger's workspace: my entities' pledges, one pledge as its members see it, form choices.

Every function returns what its page shows, fetched in a fixed number of queries whatever the
number of pledges (the views build no queries; see tests/workspace/test_queries.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from p2c.content.models import Event
from p2c.core.models import AuditEvent
from p2c.entities.manage_selectors import memberships_of, pending_requests_for
from p2c.entities.models import Entity, Membership
from p2c.geo.models import Country, Region
from p2c.geo.selectors import GROUPINGS, countries_with_regions, country_directory
from p2c.pledges.models import SDG, FocusArea, Pillar, Pledge, PledgePartner, PledgeType, TargetGroup
from p2c.pledges.revisions import OPEN_STATES

State = Pledge.State
# Review actions whose comment the pledger must read: what to change, or why it was not accepted.
REVIEW_COMMENT_ACTIONS = ("changes_requested", "rejected")
# The order of pledges on /my/: what needs the pledger first, then what waits, then the rest.
STATE_ORDER = [
    State.CHANGES_REQUESTED,
    State.DRAFT,
    State.SUBMITTED,
    State.PUBLISHED,
    State.REJECTED,
    State.WITHDRAWN,
    State.APPLIED,
]


def active_entities(user: Any) -> QuerySet[Entity]:
    """The entities ``user`` may pledge for (active memberships, any role), by name."""
    return Entity.objects.filter(memberships__user=user, memberships__status=Membership.Status.ACTIVE).order_by("name")


def _state_rank() -> Case:
    return Case(
        *(When(state=state, then=Value(rank)) for rank, state in enumerate(STATE_ORDER)),
        default=Value(len(STATE_ORDER)),
        output_field=IntegerField(),
    )


def _pledge_type() -> ContentType:
    return ContentType.objects.get_for_model(Pledge)


def review_comments(pledge_ids: list[int]) -> dict[int, AuditEvent]:
    """The latest "changes requested" or "rejected" event of each pledge in ``pledge_ids`` (one query)."""
    if not pledge_ids:
        return {}
    events = AuditEvent.objects.filter(
        content_type=_pledge_type(),
        object_id__in=[str(pk) for pk in pledge_ids],
        action__in=REVIEW_COMMENT_ACTIONS,
    ).order_by("created_at", "id")
    return {int(event.object_id): event for event in events}


@dataclass
class EntityPledges:
    """One entity the user belongs to, and its pledges (revisions hang under the pledge they revise)."""

    entity: Entity
    pledges: list[Pledge] = field(default_factory=list)


@dataclass(frozen=True)
class Workspace:
    """Everything /my/ shows: my entities with their pledges, requests to answer, my own pending requests."""

    entities: list[EntityPledges]
    requests_to_answer: list[Membership]
    my_requests: list[Membership]


def workspace_for(user: Any) -> Workspace:
    """The pledges of every entity ``user`` is an active member of, in every state, with what the page needs.

    Each pledge carries ``open_revisions`` (the revision being edited or reviewed, if any) and
    ``review_comment`` (the latest AuditEvent asking for changes or rejecting it, if any), on the
    revisions too. Six queries, whatever the number of pledges.
    """
    entities = list(active_entities(user))
    pledges = (
        Pledge.objects.filter(lead_entity__in=entities, revision_of__isnull=True)
        .prefetch_related(
            Prefetch(
                "revisions",
                queryset=Pledge.objects.filter(state__in=OPEN_STATES).order_by("-id"),
                to_attr="open_revisions",
            )
        )
        .order_by(_state_rank(), "-updated_at", "-id")
    )
    by_entity = {entity.pk: EntityPledges(entity) for entity in entities}
    listed = list(pledges)
    comments = review_comments([p.pk for p in listed] + [r.pk for p in listed for r in p.open_revisions])
    for pledge in listed:
        pledge.review_comment = comments.get(pledge.pk)  # type: ignore[attr-defined]
        for revision in pledge.open_revisions:
            revision.review_comment = comments.get(revision.pk)  # type: ignore[attr-defined]
        by_entity[pledge.lead_entity_id].pledges.append(pledge)
    return Workspace(
        entities=list(by_entity.values()),
        requests_to_answer=list(pending_requests_for(user)),
        my_requests=[m for m in memberships_of(user) if m.status == Membership.Status.REQUESTED],
    )


# --- One pledge, as the members of its lead entity see it ----------------------------------------


def member_pledge(user: Any, reference: str, *, full: bool = False) -> Pledge | None:
    """The pledge with ``reference`` if ``user`` is an active member of its lead entity, else ``None``.

    Anyone else (reviewers and other entities' members included) gets ``None``: the workspace does
    not say whether a pledge exists. ``full`` also fetches everything the pledge's page and form show.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    pledges = Pledge.objects.filter(
        reference=reference.upper(),
        lead_entity__memberships__user=user,
        lead_entity__memberships__status=Membership.Status.ACTIVE,
    ).select_related("lead_entity", "revision_of")
    if full:
        pledges = pledges.select_related("event").prefetch_related(
            Prefetch("partnerships", queryset=PledgePartner.objects.select_related("entity").order_by("id")),
            "focus_areas",
            Prefetch("pillars", queryset=Pillar.objects.select_related("focus_area")),
            "pledge_types",
            "sdgs",
            "target_groups",
            Prefetch("regions", queryset=Region.objects.order_by("kind", "name")),
            Prefetch("countries", queryset=Country.objects.order_by("name")),
            "targets",
            Prefetch("revisions", queryset=Pledge.objects.order_by("-id"), to_attr="all_revisions"),
        )
    return pledges.first()


# What each AuditEvent action of a pledge means, in the pledger's words.
ACTION_LABELS = {
    "created": _("Created"),
    "updated": _("Edited"),
    "submitted": _("Submitted for review"),
    "published": _("Published"),
    "changes_requested": _("Changes requested"),
    "rejected": _("Not accepted"),
    "withdrawn": _("Withdrawn"),
    "revision_started": _("Changes proposed"),
    "revised": _("Proposed changes published"),
}


def state_label(value: str) -> str:
    """A review state's name (``submitted`` → "Submitted")."""
    return str(State(value).label) if value in State.values else value


@dataclass(frozen=True)
class HistoryEntry:
    """One AuditEvent of a pledge, as the pledger reads it."""

    event: AuditEvent
    by_member: bool  # the actor is a member of the lead entity (else: the secretariat or the system)

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.event.action, self.event.action.replace("_", " ").capitalize()))

    @property
    def from_label(self) -> str:
        return state_label(self.event.from_state)

    @property
    def to_label(self) -> str:
        return state_label(self.event.to_state)

    @property
    def changed(self) -> list[str]:
        """The labels of the fields an edit changed."""
        from p2c.pledges.snapshots import SNAPSHOT_LABELS

        return [str(SNAPSHOT_LABELS[key]) for key in SNAPSHOT_LABELS if key in (self.event.changed_fields or {})]


def pledge_history(pledge: Pledge) -> list[HistoryEntry]:
    """What happened to ``pledge``, newest first: who, when, from which state to which, and the comment."""
    events = list(
        AuditEvent.objects.filter(content_type=_pledge_type(), object_id=str(pledge.pk))
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
    actor_ids = {e.actor_id for e in events if e.actor_id}
    members = set(
        Membership.objects.filter(entity_id=pledge.lead_entity_id, user_id__in=actor_ids).values_list(
            "user_id", flat=True
        )
    )
    return [HistoryEntry(event, event.actor_id in members) for event in events]


def latest_review_comment(history: list[HistoryEntry]) -> AuditEvent | None:
    """The newest request for changes or rejection in a pledge's history."""
    return next((h.event for h in history if h.event.action in REVIEW_COMMENT_ACTIONS), None)


# --- What the pledge form offers -------------------------------------------------------------------


@dataclass(frozen=True)
class FormChoices:
    """Every list the pledge form shows, each read once."""

    focus_areas: list[FocusArea]
    pillars: list[Pillar]
    pledge_types: list[PledgeType]
    sdgs: list[SDG]
    target_groups: list[TargetGroup]
    regions: list[Region]
    countries: list[Country]
    events: list[Event]
    entity_names: list[str]


def form_choices() -> FormChoices:
    """The taxonomy, regions, countries (with their M49 region), events and entity names: nine queries."""
    return FormChoices(
        focus_areas=list(FocusArea.objects.all()),
        pillars=list(Pillar.objects.select_related("focus_area")),
        pledge_types=list(PledgeType.objects.all()),
        sdgs=list(SDG.objects.all()),
        target_groups=list(TargetGroup.objects.all()),
        regions=list(Region.objects.order_by("kind", "name")),
        countries=list(countries_with_regions().order_by("name")),
        events=list(Event.objects.order_by("-starts_on")),
        entity_names=list(Entity.objects.order_by("name").values_list("name", flat=True)),
    )


def shortcut_countries(*, grouping: str, m49_region: str) -> list[Country]:
    """The countries of a grouping (``ldc``, ``lldc``, ``sids`` or ``""`` for all) in an M49 region (or all)."""
    if grouping and grouping not in GROUPINGS:
        return []
    return list(country_directory(grouping=grouping, m49_region=m49_region).order_by("name"))


def entity_named(text: str) -> Entity | None:
    """The registered entity ``text`` names: its exact name (any case), its unique acronym or its slug.

    "Name (ACRONYM)", as entities are written elsewhere on the site, is understood too.
    """
    text = " ".join(text.split())
    if not text:
        return None
    found = Entity.objects.filter(name__iexact=text).first()
    if found is not None:
        return found
    by_acronym = list(Entity.objects.filter(acronym__iexact=text)[:2])
    if len(by_acronym) == 1:
        return by_acronym[0]
    if text.endswith(")") and " (" in text:
        name, _sep, acronym = text[:-1].rpartition(" (")
        found = Entity.objects.filter(name__iexact=name, acronym__iexact=acronym).first()
        if found is not None:
            return found
    return Entity.objects.filter(slug=text.lower()).first()


def missing_for_submission(pledge: Pledge) -> list[tuple[str, str, str]]:
    """What a submission of ``pledge`` still needs, as (field, label, message), in form order."""
    from p2c.pledges.snapshots import SNAPSHOT_LABELS
    from p2c.pledges.transitions import submission_errors

    labels = {"lead_entity": _("Lead entity"), **SNAPSHOT_LABELS, "currency": _("Currency")}
    errors = submission_errors(pledge)
    order = list(labels)
    return [
        (key, str(labels.get(key, key)), message)
        for key in sorted(errors, key=lambda k: order.index(k) if k in order else len(order))
        for message in errors[key]
    ]
