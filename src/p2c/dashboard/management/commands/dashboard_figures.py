"""``p2c dashboard-figures``: rebuild the dashboard's per-pledge rows, or check them against the relation tables."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.http import QueryDict

from p2c.dashboard.aggregates import compute, compute_directly
from p2c.dashboard.figures import figures_rebuild
from p2c.dashboard.freshness import data_version_bump
from p2c.pledges.filters import pledge_filter


class Command(BaseCommand):
    help = (
        "Rebuild the per-pledge rows of the dashboard (after writes that sent no signals), or, with --check, "
        "compare the figures they give with those counted from the relation tables."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            nargs="*",
            metavar="QUERY",
            help="compare instead of rebuilding: every published pledge, and each explorer query given "
            "(such as 'focus_area=access&grouping=ldc')",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"] is None:
            with transaction.atomic():
                count = figures_rebuild()
                data_version_bump()
            self.stdout.write(f"Rebuilt the dashboard figures of {count} published pledges.")
            return
        different = []
        for query in ["", *options["check"]]:
            result = pledge_filter(QueryDict(query))
            same = compute(result) == compute_directly(result)
            self.stdout.write(f"{'same' if same else 'DIFFERENT'}: {query or '(every published pledge)'}")
            if not same:
                different.append(query)
        if different:
            raise CommandError("The per-pledge rows are out of date: run `p2c dashboard-figures` to rebuild them.")
