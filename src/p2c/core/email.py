"""Queueing email: sent by the background worker once the surrounding transaction has committed."""

from __future__ import annotations

from django.db import transaction


def email_queue(*, subject: str, to: list[str], text: str, html: str = "") -> None:
    """Send an email after the current transaction commits (at once when there is none)."""
    from p2c.core.tasks import email_send

    transaction.on_commit(lambda: email_send.enqueue(subject=subject, to=to, text=text, html=html))
