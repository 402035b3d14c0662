"""Template helpers of the pledge form: ``{% load workspace %}``."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def field_warnings(bound_field: Any) -> list[str]:
    """The warnings (messages that do not stop saving) of a form field, if its form keeps any."""
    warnings = getattr(bound_field.form, "warnings", None) or {}
    return list(warnings.get(bound_field.name, []))
