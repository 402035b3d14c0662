"""`p2c run` (what `make run` calls): sets up on first run, serves, runs the worker, stops on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

STARTED: list[subprocess.Popen[str]] = []


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(var_dir: Path, port: int, **extra: str) -> tuple[subprocess.Popen[str], list[str]]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "ALLOWED_HOSTS"}}
    env.update({"P2C_VAR_DIR": str(var_dir), "P2C_DEMO_PLEDGES": "60", "PYTHONUNBUFFERED": "1", **extra})
    process = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "p2c.cli", "run", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    STARTED.append(process)
    lines: list[str] = []
    deadline = time.monotonic() + 180
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "is running at" in line:
            break
    assert any("is running at" in line for line in lines), "".join(lines)
    return process, lines


def get(port: int, path: str) -> str:
    for _attempt in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:  # noqa: S310
                return str(response.read().decode())
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing answered at {path}")


def stop(process: subprocess.Popen[str], port: int) -> str:
    """Ctrl-C, as a terminal sends it: SIGINT to the whole process group."""
    os.killpg(process.pid, signal.SIGINT)
    output, _ = process.communicate(timeout=30)
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0, "the web server is still listening"
    return output


def pledge_count(var_dir: Path) -> int:
    with sqlite3.connect(var_dir / "p2c.sqlite3") as db:
        return int(db.execute("SELECT count(*) FROM pledges_pledge").fetchone()[0])


def other_processes_in_group(pgid: int) -> list[str]:
    result = subprocess.run(["ps", "-o", "pid=,args=", "-g", str(pgid)], capture_output=True, text=True, check=False)  # noqa: S603, S607
    return [line for line in result.stdout.splitlines() if line.strip()]


@pytest.fixture(autouse=True)
def _never_leave_servers_behind() -> Iterator[None]:
    """If a test fails half-way, stop whatever `p2c run` it started."""
    yield
    for process in STARTED:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    STARTED.clear()


def test_make_run_sets_up_serves_stops_and_reuses_the_data(tmp_path: Path) -> None:
    port = free_port()
    process, lines = start(tmp_path, port, P2C_DEMO_PASSWORD="demo-password-for-tests")
    output = "".join(lines)
    assert "First run" in output
    assert "secretariat@example.org" in output and "pledger@example.org" in output
    assert f"http://localhost:{port}/" in output
    assert get(port, "/health/") == '{"status": "ok"}'
    assert "Demo data" in get(port, "/")
    stop(process, port)
    assert pledge_count(tmp_path) == 60
    time.sleep(0.5)
    assert other_processes_in_group(process.pid) == [], "the web server or task worker outlived Ctrl-C"

    process, lines = start(tmp_path, port, P2C_DEMO_PASSWORD="demo-password-for-tests")
    assert "First run" not in "".join(lines)
    assert "Demo data" in get(port, "/")
    stop(process, port)
    assert pledge_count(tmp_path) == 60, "the second run must reuse the data, not add more"


def test_p2c_demo_0_starts_an_empty_platform(tmp_path: Path) -> None:
    port = free_port()
    process, lines = start(tmp_path, port, P2C_DEMO="0")
    output = "".join(lines)
    assert "demo" not in output.lower()
    assert "Demo data" not in get(port, "/")
    stop(process, port)
    assert pledge_count(tmp_path) == 0
