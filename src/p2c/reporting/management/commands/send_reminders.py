"""``p2c send-reminders``: email today's reminder digests for the open reporting cycle (run it daily)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from p2c.reporting.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Email reminders to report on pledges: when a cycle opens, two weeks before its deadline and after it, "
        "one digest per entity, never the same one twice. Safe to run as often as you like (daily from cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Run as if today were this day (YYYY-MM-DD); default: today.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date must be a date such as 2027-03-17.") from exc
        run = reminders_send(today=today)
        self.stdout.write(run.summary())
