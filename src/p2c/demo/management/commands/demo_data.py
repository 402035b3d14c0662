"""``p2c demo-data --pledges N [--seed S] [--replace]``: load fictitious entities and pledges."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from p2c.demo.services import DEFAULT_CHUNK_SIZE, DemoDataError, demo_data_clear, demo_data_load


class Command(BaseCommand):
    help = (
        "Load clearly fictitious demo data: organisations, events and pledges with realistic spreads, "
        "deterministic for a seed. Refuses when real pledges exist or demo data is already loaded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pledges", type=int, default=1200, help=("How many pledges (default 1200)."))
        parser.add_argument("--seed", type=int, default=1, help=("Random seed (default 1)."))
        parser.add_argument("--replace", action="store_true", help=("Remove previously loaded demo data first."))
        parser.add_argument("--clear", action="store_true", help=("Only remove demo data and the demo banner."))
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=DEFAULT_CHUNK_SIZE,
            help=("Pledges written per transaction (default %(default)s)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            if options["clear"]:
                removed = demo_data_clear()
                if options["verbosity"] >= 1:
                    self.stdout.write(
                        self.style.SUCCESS(
                            _("Demo data removed: %(pledges)d pledges, %(entities)d entities, %(events)d events.")
                            % removed
                        )
                    )
                return
            result = demo_data_load(
                pledges=options["pledges"],
                seed=options["seed"],
                replace=options["replace"],
                chunk_size=options["chunk_size"],
                progress=self._progress if options["verbosity"] >= 1 else None,
            )
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] < 1:
            return
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Demo data loaded in %(seconds).1f s: %(pledges)d pledges (%(published)d published, "
                    "USD %(billions).1f bn), %(entities)d entities, %(events)d events."
                )
                % {
                    "seconds": time.monotonic() - started,
                    "pledges": result.pledges,
                    "published": result.published,
                    "billions": result.published_usd / 1_000_000_000,
                    "entities": result.entities,
                    "events": result.events,
                }
            )
        )

    def _progress(self, done: int, total: int) -> None:
        step = max(total // 10, 1)
        if done == total or done // step != (done - 1) // step:
            self.stdout.write(_("%(done)d of %(total)d pledges written") % {"done": done, "total": total})
