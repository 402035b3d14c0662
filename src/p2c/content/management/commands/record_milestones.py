"""``p2c record-milestones``: record thresholds of published pledges and USD crossed so far."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from p2c.content.services import milestones_record


class Command(BaseCommand):
    help = "Record every threshold (pledges, estimated USD) that published pledges have crossed. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        new = milestones_record()
        self.stdout.write(self.style.SUCCESS(f"{len(new)} new milestones recorded."))
