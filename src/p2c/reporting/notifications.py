"""Emails about progress reports, queued after the transition commits (as ``p2c.pledges.notifications``).

Templates: ``reporting/emails/report_<event>_{subject.txt,message.txt,message.html}``. One email per
recipient goes to the background worker (``p2c.core.email.email_queue``); a failure to render or
queue is logged and never undoes the transition, which has already committed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from p2c.accounts.models import User
from p2c.core.email import email_queue
from p2c.pledges.notifications import member_emails, reviewer_emails
from p2c.reporting.models import ProgressReport

# Who each email goes to.
EVENTS = {
    "submitted": "reviewers",
    "clarification_requested": "members",
    "accepted": "members",
}


def absolute(path: str) -> str:
    """A path as a link for emails."""
    return f"{settings.P2C_BASE_URL}{path}"


def report_form_url(reference: str) -> str:
    """The report form of a pledge (the open cycle's report), as a link for emails."""
    return absolute(reverse("reporting:report_form", args=[reference]))


def report_event_notify(*, report_id: int, event: str, actor_id: int | None = None, comment: str = "") -> int:
    """Queue the emails for ``event`` on report ``report_id``; returns how many were queued."""
    report = ProgressReport.objects.select_related("pledge__lead_entity", "cycle").get(pk=report_id)
    pledge = report.pledge
    if EVENTS[event] == "reviewers":
        recipients = reviewer_emails(exclude_entity_id=pledge.lead_entity_id)
        url = absolute(reverse("reporting:review_report", args=[report.pk]))
    else:
        recipients = member_emails(pledge.lead_entity_id)
        url = (
            absolute(reverse("pledges:detail", args=[pledge.reference])) + "#delivery"
            if event == "accepted"
            else report_form_url(pledge.reference)
        )
    context: dict[str, Any] = {
        "site_name": settings.P2C_SITE_NAME,
        "report": report,
        "pledge": pledge,
        "cycle": report.cycle,
        "entity": pledge.lead_entity,
        "actor": User.objects.filter(pk=actor_id).first() if actor_id else None,
        "comment": comment,
        "url": url,
    }
    subject = " ".join(render_to_string(f"reporting/emails/report_{event}_subject.txt", context).split())
    text = render_to_string(f"reporting/emails/report_{event}_message.txt", context).strip()
    html = render_to_string(f"reporting/emails/report_{event}_message.html", context).strip()
    for address in recipients:
        email_queue(subject=f"[{settings.P2C_SITE_NAME}] {subject}", to=[address], text=text, html=html)
    return len(recipients)


def on_commit(report: ProgressReport, event: str, *, actor_id: int | None = None, comment: str = "") -> None:
    """Queue ``event``'s emails once the current transaction commits; never fails the transition."""
    if event not in EVENTS:
        raise ValueError(f"Unknown report event: {event}")
    report_id = report.pk

    def send() -> None:
        report_event_notify(report_id=report_id, event=event, actor_id=actor_id, comment=comment)

    transaction.on_commit(send, robust=True)
