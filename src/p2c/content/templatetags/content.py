"""Template filters for editorial content."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from p2c.content.wordpress import clean_html

register = template.Library()


@register.filter
def sanitised(fragment: str) -> SafeString:
    """Page HTML through the allow-list again at display time: stored content is never trusted as is."""
    return mark_safe(clean_html(fragment))  # noqa: S308 - nh3 has just removed everything not allow-listed
