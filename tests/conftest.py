"""Shared test set-up: reference data and taxonomy in the test database, named personas."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Load countries, regions and the taxonomy once per test database, as `make run` does."""
    from p2c.core.setup import reference_data_load_all

    with django_db_blocker.unblock():
        reference_data_load_all()


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()
