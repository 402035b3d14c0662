"""The ``p2c`` console command: Django's manage.py for this platform (``p2c migrate``, ``p2c run``, …)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command, e.g. ``p2c demo-data --pledges 1000``; dashes in the name are allowed."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "p2c.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    args[0] = "p2c"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
