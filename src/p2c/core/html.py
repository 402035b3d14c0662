"""HTML built from translated messages."""

from __future__ import annotations

from typing import Any

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def format_html_message(message: str, **values: Any) -> SafeString:
    """``format_html`` for a translated message with ``%(name)s`` placeholders (which gettext checks).

    The message is ours (the source or its catalogue), markup included; every value is escaped.
    """
    return mark_safe(message % {name: conditional_escape(value) for name, value in values.items()})  # noqa: S308 - the values are escaped; the message is our catalogue's
