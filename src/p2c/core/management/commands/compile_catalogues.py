"""``p2c compile-catalogues``: build the translation ``.mo`` files from the ``.po`` files."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from p2c.core.catalogues import catalogues_compile


class Command(BaseCommand):
    help = "Build the .mo translation files that are older than their .po files (all of them with --force)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Rebuild every .mo file.")

    def handle(self, *args: Any, **options: Any) -> None:
        written = catalogues_compile(force=options["force"])
        if options["verbosity"] > 0:
            self.stdout.write(f"{len(written)} catalogue(s) compiled.")
