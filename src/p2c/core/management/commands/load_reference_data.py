"""``p2c load-reference-data``: load or refresh countries, regions, groupings and the taxonomy."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from p2c.core.setup import reference_data_load_all


class Command(BaseCommand):
    help = "Load or refresh reference data (countries, regions, UN groupings) and the seed taxonomy. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = reference_data_load_all()
        summary = ", ".join(f"{name.replace('_', ' ')}: {count}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded ({summary})."))
