"""Template context every page needs: the site name, whether demo data is loaded, the language switch."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from p2c.core.languages import language_choices
from p2c.core.selectors import demo_data_description


def platform(request: HttpRequest) -> dict[str, Any]:
    """Site name and the demo banner text (empty when no demo data is loaded)."""
    return {"site_name": settings.P2C_SITE_NAME, "demo_banner": demo_data_description()}


def languages(request: HttpRequest) -> dict[str, Any]:
    """The language switch: each of the six languages, named in itself, linking to this page in it."""
    return {"language_choices": language_choices(request)}
