"""Emails about review transitions, queued after the transition commits (see docs/workflow.md).

A transition registers ``on_commit(pledge, event)``; once its transaction has committed, the
recipients are read, the templates ``emails/pledge_<event>_{subject,message}.txt`` and
``_message.html`` are rendered in each recipient's language (``User.language``, with links to that
language's pages), and one email per recipient goes to the background worker
(``p2c.core.email.emails_queue``). The callback is *robust*: if rendering or queueing fails the
error is logged and the transition, already committed, stands. Sending is retried by the worker.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from p2c.accounts.models import User
from p2c.core.email import Recipient, absolute_url, emails_queue
from p2c.entities.models import Membership
from p2c.pledges.models import Pledge

logger = logging.getLogger(__name__)

# Who each email goes to: the secretariat's reviewers, or the lead entity's members.
EVENTS = {
    "submitted": "reviewers",
    "changes_requested": "members",
    "published": "members",
    "rejected": "members",
}


def pledge_path(pledge: Pledge, *, for_reviewers: bool = False) -> str:
    """Where an email sends its reader: the review page for reviewers; otherwise the public page
    once published, or the pledge's page in the pledger's workspace."""
    if for_reviewers:
        return reverse("review:detail", args=[pledge.reference])
    if pledge.state == Pledge.State.PUBLISHED:
        return reverse("pledges:detail", args=[pledge.reference])
    return reverse("workspace:pledge", args=[pledge.reference])


def pledge_url(pledge: Pledge, *, for_reviewers: bool = False) -> str:
    """``pledge_path`` as an absolute link for emails (in the active language)."""
    return absolute_url(pledge_path(pledge, for_reviewers=for_reviewers))


def reviewer_recipients(*, exclude_entity_id: int | None = None) -> list[Recipient]:
    """Active users who may review pledges (``pledges.review_pledge``, directly, by group or as superuser),
    as (address, language).

    Members of ``exclude_entity_id`` are left out: they may not review their own entity's pledges.
    """
    permission = Permission.objects.get(codename="review_pledge", content_type__app_label="pledges")
    users = User.objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(user_permissions=permission) | Q(groups__permissions=permission)
    )
    if exclude_entity_id is not None:
        users = users.exclude(memberships__entity_id=exclude_entity_id, memberships__status=Membership.Status.ACTIVE)
    return sorted(set(users.values_list("email", "language")))


def member_recipients(entity_id: int) -> list[Recipient]:
    """The active members and focal points of an entity, as (address, language)."""
    return sorted(
        set(
            Membership.objects.filter(
                entity_id=entity_id, status=Membership.Status.ACTIVE, user__is_active=True
            ).values_list("user__email", "user__language")
        )
    )


def pledge_event_notify(
    *, pledge_id: int, event: str, actor_id: int | None = None, comment: str = "", revised: bool = False
) -> int:
    """Queue the emails for ``event`` on pledge ``pledge_id``; returns how many were queued.

    ``revised`` says that a published pledge was just changed by publishing its revision.
    """
    pledge = Pledge.objects.select_related("lead_entity", "revision_of").get(pk=pledge_id)
    for_reviewers = EVENTS[event] == "reviewers"
    if for_reviewers:
        recipients = reviewer_recipients(exclude_entity_id=pledge.lead_entity_id)
    else:
        recipients = member_recipients(pledge.lead_entity_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None

    def context() -> dict[str, Any]:  # in each recipient's language: the link leads to its pages
        return {
            "pledge": pledge,
            "entity": pledge.lead_entity,
            "actor": actor,
            "comment": comment,
            "revised": revised,
            "url": pledge_url(pledge, for_reviewers=for_reviewers),
        }

    return emails_queue(template_prefix=f"emails/pledge_{event}", recipients=recipients, context=context)


def on_commit(
    pledge: Pledge, event: str, *, actor_id: int | None = None, comment: str = "", revised: bool = False
) -> None:
    """Queue ``event``'s emails once the current transaction commits; never fails the transition."""
    if event not in EVENTS:
        raise ValueError(f"Unknown pledge event: {event}")
    pledge_id = pledge.pk

    def send() -> None:
        pledge_event_notify(pledge_id=pledge_id, event=event, actor_id=actor_id, comment=comment, revised=revised)

    transaction.on_commit(send, robust=True)
