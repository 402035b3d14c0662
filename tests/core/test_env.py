"""Settings come from the environment; production mode is hardened and refuses to guess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from p2c.env import ConfigurationError, env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


def test_env_bool_understands_the_usual_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    for raw, expected in [("1", True), ("yes", True), ("On", True), ("0", False), ("false", False), ("", False)]:
        monkeypatch.setenv("P2C_FLAG", raw)
        assert env_bool("P2C_FLAG") is expected
    monkeypatch.setenv("P2C_FLAG", "perhaps")
    with pytest.raises(ConfigurationError, match="P2C_FLAG"):
        env_bool("P2C_FLAG")


def test_env_int_and_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("P2C_N", "12")
    assert env_int("P2C_N", 3) == 12
    monkeypatch.setenv("P2C_N", "twelve")
    with pytest.raises(ConfigurationError, match="whole number"):
        env_int("P2C_N", 3)
    monkeypatch.setenv("P2C_HOSTS", "a.example, b.example,,")
    assert env_list("P2C_HOSTS", []) == ["a.example", "b.example"]


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    unset = {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(ROOT / "manage.py"), *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_mode_passes_the_deployment_checklist(tmp_path: Path) -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "P2C_ENV": "production",
            "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
            "ALLOWED_HOSTS": "pledges.example.org",
            "P2C_VAR_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_requires_a_secret_key(tmp_path: Path) -> None:
    result = _manage(
        "check",
        env={"P2C_ENV": "production", "ALLOWED_HOSTS": "pledges.example.org", "P2C_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_embedded_mode_generates_and_keeps_a_secret_key(tmp_path: Path) -> None:
    env = {"P2C_VAR_DIR": str(tmp_path)}
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = _manage("shell", "-c", code, env=env)
    second = _manage("shell", "-c", code, env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert len(first.stdout.strip()) > 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_immediate_transactions() -> None:
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
