"""Reads about the platform itself."""

from __future__ import annotations

from django.core.cache import cache

from p2c.core.models import PlatformState

DEMO_CACHE_KEY = "p2c:demo-data-description"


def demo_data_description() -> str:
    """What demo data is loaded, or an empty string; cached, cleared whenever it changes."""
    cached = cache.get(DEMO_CACHE_KEY)
    if cached is None:
        state = PlatformState.objects.filter(id=1).first()
        cached = state.demo_data_description if state and state.demo_data_loaded_at else ""
        cache.set(DEMO_CACHE_KEY, cached, 300)
    return str(cached)
