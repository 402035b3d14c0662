"""Shared test set-up: reference data and taxonomy in the test database, plain static files."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

# The browser fixtures (one Chromium for the whole session, whichever directory asks for it).
pytest_plugins = ["tests.browser.support"]


def pytest_configure(config: pytest.Config) -> None:
    """Static directory for WhiteNoise (tests serve from the sources) and the translation catalogues built."""
    from pathlib import Path

    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    # Translated pages need the built catalogues, also when pytest runs without `make test`.
    from p2c.core.catalogues import catalogues_compile

    catalogues_compile()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Load countries, regions and the taxonomy once per test database, as `make run` does."""
    from p2c.core.setup import reference_data_load_all

    with django_db_blocker.unblock():
        reference_data_load_all()


@pytest.fixture(autouse=True)
def _reference_data_present(request: pytest.FixtureRequest, django_db_blocker: Any) -> None:
    """Transactional tests end by emptying every table; put the reference data back before the next test."""
    if request.node.get_closest_marker("django_db") is None:
        return
    from p2c.core.setup import reference_data_load_all
    from p2c.geo.models import Country

    with django_db_blocker.unblock():
        if not Country.objects.exists():
            reference_data_load_all()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """A real hasher costs ~0.85 s a user here; tests check behaviour, not hash strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_files(settings: Any) -> None:
    """Tests serve static files from the source tree, without a collectstatic manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def smtp_sink(settings: Any) -> Iterator[Any]:
    """A real SMTP server; Django's mail API (and worker subprocesses given ``worker_env``) send to it."""
    from tests.smtp_sink import SmtpSink

    sink = SmtpSink()
    sink.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    yield sink
    sink.stop()


def database_url() -> str:
    """A DATABASE_URL for the test database, so subprocesses (task workers) use the same one."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """A request for a translated page leaves its language active in the thread: start the next test in English."""
    yield
    from django.utils import translation

    translation.activate("en")
