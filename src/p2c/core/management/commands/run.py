"""``p2c run``: set up, then serve the platform and run the background task worker until Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]"]


class Command(BaseCommand):
    help = "Set up the installation, then run the web server and the task worker; Ctrl-C stops both."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        parser.add_argument("--no-setup", action="store_true", help="Skip migrations, reference and demo data.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_setup"]:
            call_command("setup", stdout=self.stdout)
        host, port = options["host"], options["port"]
        env = os.environ.copy()
        if "ALLOWED_HOSTS" not in env:
            env["ALLOWED_HOSTS"] = ",".join(self._allowed_hosts(host))
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        web = [
            sys.executable,
            "-m",
            "gunicorn",
            "p2c.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(options["workers"]),
            "--threads",
            "4",
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "3",
            "--no-control-socket",  # several `make run`s on one machine would share its socket path
        ]
        worker = [sys.executable, "-m", "p2c.cli", "db_worker", "--queue-name", "*", "--no-reload"]
        children = {
            name: subprocess.Popen(cmd, env=env)  # noqa: S603 - our own commands, no user input
            for name, cmd in (("web server", web), ("task worker", worker))
        }
        shown_host = "localhost" if host in {"127.0.0.1", "0.0.0.0", "::", "::1"} else host  # noqa: S104
        self.stdout.write(self.style.SUCCESS(f"\nPartner2Connect is running at http://{shown_host}:{port}/"))
        self.stdout.write("Press Ctrl-C to stop the web server and the task worker.\n")
        self._supervise(children)

    @staticmethod
    def _allowed_hosts(host: str) -> list[str]:
        if host in {"0.0.0.0", "::"}:  # noqa: S104 - the user asked to listen everywhere
            return ["*"]
        return [*LOCAL_HOSTS, host if ":" not in host else f"[{host}]"]

    def _supervise(self, children: dict[str, subprocess.Popen[bytes]]) -> None:
        stopping = False

        def stop(signum: int, _frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    self.stderr.write(f"The {name} stopped with exit code {child.returncode}; stopping.")
                    exit_code = child.returncode or 1
                    stopping = True
            time.sleep(0.2)
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 10
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
        self.stdout.write("Stopped.")
        if exit_code:
            sys.exit(exit_code)
