"""Emails about progress reports, queued after the transition commits (as ``p2c.pledges.notifications``).

Templates: ``reporting/emails/report_<event>_{subject.txt,message.txt,message.html}``, rendered in
each recipient's language (``User.language``), with links to that language's pages. One email per
recipient goes to the background worker (``p2c.core.email.emails_queue``); a failure to render or
queue is logged and never undoes the transition, which has already committed.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse

from p2c.accounts.models import User
from p2c.core.email import absolute_url, emails_queue
from p2c.pledges.notifications import member_recipients, reviewer_recipients
from p2c.reporting.models import ProgressReport

# Who each email goes to.
EVENTS = {
    "submitted": "reviewers",
    "clarification_requested": "members",
    "accepted": "members",
}


def report_form_url(reference: str) -> str:
    """The report form of a pledge (the open cycle's report), as a link for emails (in the active language)."""
    return absolute_url(reverse("reporting:report_form", args=[reference]))


def report_event_notify(*, report_id: int, event: str, actor_id: int | None = None, comment: str = "") -> int:
    """Queue the emails for ``event`` on report ``report_id``; returns how many were queued."""
    report = ProgressReport.objects.select_related("pledge__lead_entity", "cycle").get(pk=report_id)
    pledge = report.pledge
    if EVENTS[event] == "reviewers":
        recipients = reviewer_recipients(exclude_entity_id=pledge.lead_entity_id)
    else:
        recipients = member_recipients(pledge.lead_entity_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None

    def url() -> str:  # in the recipient's language, so it leads to its pages
        if EVENTS[event] == "reviewers":
            return absolute_url(reverse("reporting:review_report", args=[report.pk]))
        if event == "accepted":
            return absolute_url(reverse("pledges:detail", args=[pledge.reference])) + "#delivery"
        return report_form_url(pledge.reference)

    def context() -> dict[str, Any]:
        return {
            "report": report,
            "pledge": pledge,
            "cycle": report.cycle,
            "entity": pledge.lead_entity,
            "actor": actor,
            "comment": comment,
            "url": url(),
        }

    return emails_queue(template_prefix=f"reporting/emails/report_{event}", recipients=recipients, context=context)


def on_commit(report: ProgressReport, event: str, *, actor_id: int | None = None, comment: str = "") -> None:
    """Queue ``event``'s emails once the current transaction commits; never fails the transition."""
    if event not in EVENTS:
        raise ValueError(f"Unknown report event: {event}")
    report_id = report.pk

    def send() -> None:
        report_event_notify(report_id=report_id, event=event, actor_id=actor_id, comment=comment)

    transaction.on_commit(send, robust=True)
