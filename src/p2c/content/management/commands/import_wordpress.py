"""``p2c import-wordpress [--as-about] FILE…``: import WordPress REST API page documents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from p2c.content.services import page_import
from p2c.content.wordpress import WordPressImportError, page_read


class Command(BaseCommand):
    help = (
        "Import WordPress REST API page documents (e.g. /wp-json/wp/v2/pages/15 saved as JSON) as pages at "
        "/pages/<slug>/. Importing the same page again updates it. All files or none are imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument("--as-about", action="store_true", help="Serve the (last) imported page at /about/.")

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[Path] = options["files"]
        try:
            pages = [page_read(path) for path in files]
        except WordPressImportError as exc:
            raise CommandError(f"{exc} Nothing was imported.") from exc
        with transaction.atomic():
            for number, imported in enumerate(pages, start=1):
                as_about = options["as_about"] and number == len(pages)
                page, created = page_import(imported=imported, as_about=as_about)
                verb = "Imported" if created else "Updated"
                where = "/about/" if page.is_about else f"/pages/{page.slug}/"
                self.stdout.write(
                    self.style.SUCCESS(f"{verb} “{page.title}” at {where} ({len(imported.timeline)} milestones).")
                )
