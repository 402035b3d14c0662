"""Changing a published pledge: a revision is reviewed while the published version stays public.

A revision is a ``Pledge`` row with ``revision_of`` set to the published pledge, a reference such
as ``P2C-2026-0042-R1``, and a copy of its content. The pledger edits and submits it like a draft;
reviewers publish, send back or reject it like any submission. It is never public itself: when a
reviewer publishes it, ``revision_apply`` copies its content onto the published pledge in the same
transaction (one new ``version``, one ``revised`` AuditEvent listing the changed fields) and the
revision ends in state ``applied``. Until then the published pledge is unchanged.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from p2c.core.services import audit_event_record
from p2c.pledges.models import Pledge, PledgePartner, PledgeTarget
from p2c.pledges.services import (
    EDITABLE_FIELDS,
    MONEY_FIELDS,
    RELATION_FIELDS,
    pledge_lock,
    require_lead_member,
)
from p2c.pledges.snapshots import changed_keys, pledge_snapshot

OPEN_STATES = frozenset({Pledge.State.DRAFT, Pledge.State.SUBMITTED, Pledge.State.CHANGES_REQUESTED})


def open_revision(pledge: Pledge) -> Pledge | None:
    """The revision of ``pledge`` still being edited or reviewed, if any (there is at most one)."""
    return pledge.revisions.filter(state__in=OPEN_STATES).order_by("-id").first()


def content_copy(source: Pledge, target: Pledge) -> None:
    """Copy every editable field, relation, target and partner of ``source`` onto ``target`` (saved)."""
    for field in (*EDITABLE_FIELDS, *MONEY_FIELDS):
        setattr(target, field, getattr(source, field))
    target.save()
    for field in RELATION_FIELDS:
        getattr(target, field).set(list(getattr(source, field).all()))
    target.targets.all().delete()
    PledgeTarget.objects.bulk_create(
        PledgeTarget(
            pledge=target,
            indicator=t.indicator,
            unit=t.unit,
            baseline=t.baseline,
            target_value=t.target_value,
            target_year=t.target_year,
            order=t.order,
        )
        for t in source.targets.all()
    )
    target.partnerships.all().delete()
    PledgePartner.objects.bulk_create(
        PledgePartner(pledge=target, entity_id=p.entity_id, role=p.role) for p in source.partnerships.all()
    )
    from p2c.pledges.search import entity_names_refresh_on_commit

    entity_names_refresh_on_commit([target.pk])


@transaction.atomic
def pledge_revision_open(*, pledge: Pledge, acting_user: Any, expected_version: int | None = None) -> Pledge:
    """The open revision of a published pledge, created as a draft copy of it when there is none.

    Only a member of the lead entity may do this; only a published pledge can be revised. With
    ``expected_version`` (the version the person looked at), a pledge changed since is refused
    with ``ConcurrentEditError``.
    """
    require_lead_member(acting_user, pledge)
    current = pledge_lock(pledge, pledge.version if expected_version is None else expected_version)
    if current.state != Pledge.State.PUBLISHED or current.is_revision:
        raise ValidationError(_("Only a published pledge can be revised."), code="not_published")
    existing = open_revision(current)
    if existing is not None:
        return existing
    number = current.revisions.count() + 1
    revision = Pledge(
        reference=f"{current.reference}-R{number}",
        lead_entity=current.lead_entity,
        revision_of=current,
        created_by=acting_user,
        state=Pledge.State.DRAFT,
    )
    content_copy(current, revision)
    audit_event_record(target=revision, action="created", actor=acting_user, to_state=revision.state)
    audit_event_record(
        target=current,
        action="revision_started",
        actor=acting_user,
        comment=_("Revision %(reference)s started.") % {"reference": revision.reference},
    )
    return revision


def revision_apply(*, revision: Pledge, acting_user: Any, comment: str = "") -> Pledge:
    """Copy a revision being published onto its published pledge. Call inside the publishing transaction."""
    if revision.revision_of_id is None:
        raise ValueError(f"{revision.reference} is not a revision")
    original = Pledge.objects.select_for_update().get(pk=revision.revision_of_id)
    if original.state != Pledge.State.PUBLISHED:
        raise ValidationError(
            _("%(reference)s is no longer published, so this revision cannot be applied.")
            % {"reference": original.reference},
            code="not_published",
        )
    before = pledge_snapshot(original)
    original.version += 1
    content_copy(revision, original)
    audit_event_record(
        target=original,
        action="revised",
        actor=acting_user,
        from_state=original.state,
        to_state=original.state,
        comment=comment or _("Revision %(reference)s published.") % {"reference": revision.reference},
        changed_fields=changed_keys(before, pledge_snapshot(original)),
    )
    return original
