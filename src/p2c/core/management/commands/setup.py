"""``p2c setup``: migrate, load reference data, collect static files and, on the first run, demo data."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from p2c.core import setup
from p2c.env import env_bool, env_int


class Command(BaseCommand):
    help = (
        "Prepare this installation: migrate, load reference data, collect static files; on the first run "
        "also load demo data and create the demo accounts (unless P2C_DEMO=0)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--demo-pledges",
            type=int,
            default=env_int("P2C_DEMO_PLEDGES", 1200),
            help="How many demo pledges the first run creates (default: P2C_DEMO_PLEDGES or 1200).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database migrated.")
        call_command("load_reference_data", stdout=self.stdout)
        call_command("collectstatic", interactive=False, verbosity=0)
        with_demo = env_bool("P2C_DEMO", default=True)
        if not setup.is_initialised():
            if with_demo:
                self.stdout.write(f"First run: creating {options['demo_pledges']} demo pledges…")
                call_command("demo_data", pledges=options["demo_pledges"], seed=1, stdout=self.stdout)
                call_command("record_milestones", stdout=self.stdout)
            about = setup.about_seed_path()
            if about is not None:
                call_command("import_wordpress", str(about), as_about=True, stdout=self.stdout)
            setup.mark_initialised()
        if with_demo:
            self._demo_accounts()

    def _demo_accounts(self) -> None:
        from p2c.core.selectors import demo_data_description

        if not demo_data_description():
            return
        password = setup.demo_password()
        setup.demo_accounts_ensure(password=password.value)
        shown = password.value if password.generated else "(the value of P2C_DEMO_PASSWORD)"
        self.stdout.write(
            self.style.SUCCESS(
                "Demo accounts:\n"
                f"  reviewer: {setup.DEMO_REVIEWER_EMAIL}\n"
                f"  pledger:  {setup.DEMO_PLEDGER_EMAIL} (focal point of {setup.DEMO_ENTITY_NAME})\n"
                f"  password: {shown}"
            )
        )
