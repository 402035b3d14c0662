"""Background tasks of progress reporting. Thin: they call a service."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from p2c.reporting.reminders import reminders_send


@task()
def reminders_send_task(*, today: str = "") -> int:
    """Send today's reminder digests (``p2c send-reminders`` does the same); returns how many emails were queued.

    ``today`` (ISO date) is for running the job for another day; by default, today.
    """
    return reminders_send(today=dt.date.fromisoformat(today) if today else None).emails
