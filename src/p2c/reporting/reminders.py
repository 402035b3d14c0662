"""Reminders to report: one digest per entity, at three moments of a cycle, each sent once at most.

Run once a day (``p2c send-reminders``, or the task ``p2c.reporting.tasks.reminders_send_task``;
docs/reporting.md says how to schedule it). For the open cycle, today's reminder is:

- ``opened`` from the day reports open, until two weeks before the deadline;
- ``closing`` in the last two weeks before the deadline (``closes_on``), the deadline included;
- ``overdue`` after the deadline, while the cycle is still open (late reports are still taken).

Only the kind of the day is sent: a job that did not run for a while does not catch up on
earlier kinds (the later one says everything the earlier would have). Each entity with at least
one pledge still to report (owing a report, none submitted or accepted yet) gets one digest,
emailed to each of its active members in their language (``User.language``), listing each of
those pledges with a link straight to its report form. Entities with nothing to report, or no
active member, get nothing (and are tried again on the next run).

**Never twice**: for each entity, a ``ReminderSent`` row (entity, cycle, kind — unique) is inserted
in the same transaction that queues the emails, which go out only once it commits. A second run,
even at the same moment from another process, finds the row (or fails to insert it and skips the
entity), so it sends nothing. At most once rather than at least once: if the process died
between the commit and the queueing, that digest would be lost rather than sent twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from p2c.core.email import absolute_url, emails_queue
from p2c.entities.models import Entity
from p2c.pledges.notifications import member_recipients
from p2c.reporting.models import ProgressReport, ReminderSent, ReportingCycle
from p2c.reporting.notifications import report_form_url
from p2c.reporting.services import open_cycle, pledges_owing_reports

logger = logging.getLogger(__name__)
Kind = ReminderSent.Kind
CLOSING_DAYS = 14


def reminder_kind(cycle: ReportingCycle, today: dt.date) -> str | None:
    """Which reminder ``cycle`` calls for on ``today``; ``None`` before it opens or once it is closed."""
    if not cycle.is_open or today < cycle.opens_on:
        return None
    if today > cycle.closes_on:
        return Kind.OVERDUE
    if today >= cycle.closes_on - dt.timedelta(days=CLOSING_DAYS):
        return Kind.CLOSING
    return Kind.OPENED


@dataclass(frozen=True)
class PendingPledge:
    """A pledge still to report on, as a reminder lists it."""

    reference: str
    title: str
    report_state: str  # "" (not started), "draft" or "clarification_requested"

    @property
    def url(self) -> str:
        """Its report form, as a link for emails, in the active language (the recipient's)."""
        return report_form_url(self.reference)


def pending_by_entity(cycle: ReportingCycle) -> dict[int, list[PendingPledge]]:
    """``{entity id: pledges it still has to report on}``: owing a report, none submitted or accepted (3 queries)."""
    done = ProgressReport.objects.filter(
        cycle=cycle, state__in=[ProgressReport.State.SUBMITTED, ProgressReport.State.ACCEPTED]
    ).values("pledge_id")
    rows = list(
        pledges_owing_reports(cycle)
        .exclude(id__in=done)
        .order_by("lead_entity_id", "reference")
        .values_list("id", "lead_entity_id", "reference", "title")
    )
    started = dict(
        ProgressReport.objects.filter(
            cycle=cycle,
            pledge_id__in=[row[0] for row in rows],
            state__in=[ProgressReport.State.DRAFT, ProgressReport.State.CLARIFICATION_REQUESTED],
        ).values_list("pledge_id", "state")
    )
    found: dict[int, list[PendingPledge]] = defaultdict(list)
    for pledge_id, entity_id, reference, title in rows:
        found[entity_id].append(PendingPledge(reference, title, started.get(pledge_id, "")))
    return dict(found)


def _with_links(context: dict[str, Any]) -> dict[str, Any]:
    """A digest's ``context`` and its links, in the active language (the recipient's)."""
    return {**context, "list_url": absolute_url(reverse("reporting:my_reports"))}


@dataclass
class ReminderRun:
    """What one run did: the cycle and kind of the day, digests sent, entities already reminded."""

    today: dt.date
    cycle: ReportingCycle | None = None
    kind: str | None = None
    entities: list[str] = field(default_factory=list)  # names of the entities sent a digest
    emails: int = 0
    already_sent: int = 0
    without_members: int = 0

    def summary(self) -> str:
        """One line for the command's output and the logs."""
        if self.cycle is None:
            return f"{self.today}: no reporting cycle is open; nothing to send."
        if self.kind is None:
            return f"{self.today}: the {self.cycle.year} cycle opens on {self.cycle.opens_on}; nothing to send yet."
        return (
            f"{self.today}: {self.kind} reminders for the {self.cycle.year} cycle: {len(self.entities)} entities, "
            f"{self.emails} emails queued; {self.already_sent} already reminded, "
            f"{self.without_members} without active members."
        )


def reminders_send(*, today: dt.date | None = None) -> ReminderRun:
    """Send today's reminder digests for the open cycle, to every entity not yet sent this kind (see module doc)."""
    today = today or timezone.localdate()
    run = ReminderRun(today=today, cycle=open_cycle())
    if run.cycle is None:
        return run
    cycle = run.cycle
    run.kind = reminder_kind(cycle, today)
    if run.kind is None:
        return run
    pending = pending_by_entity(cycle)
    already = set(ReminderSent.objects.filter(cycle=cycle, kind=run.kind).values_list("entity_id", flat=True))
    entities = Entity.objects.in_bulk([entity_id for entity_id in pending if entity_id not in already])
    run.already_sent = len(set(pending) & already)
    for entity_id in sorted(entities):
        entity, items = entities[entity_id], pending[entity_id]
        recipients = member_recipients(entity_id)
        if not recipients:
            run.without_members += 1
            continue
        context: dict[str, Any] = {
            "kind": run.kind,
            "cycle": cycle,
            "entity": entity,
            "pledges": items,  # each one's ``url`` is in the active language
            "count": len(items),
            "days_left": (cycle.closes_on - today).days,
        }
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    entity=entity,
                    cycle=cycle,
                    kind=run.kind,
                    sent_on=today,
                    recipients=len(recipients),
                    pledges=len(items),
                )
                emails = emails_queue(
                    template_prefix="reporting/emails/reminder",
                    recipients=recipients,
                    context=partial(_with_links, context),
                )
        except IntegrityError:  # another run reminded this entity meanwhile
            run.already_sent += 1
            continue
        run.entities.append(entity.name)
        run.emails += emails
    logger.info("%s", run.summary())
    return run
