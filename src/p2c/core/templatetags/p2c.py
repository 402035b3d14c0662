"""Template filters and tags every page uses: money in words, Markdown, the site name, the current nav item.

``{% load p2c %}``. Money filters take a number (``Decimal``, ``int``, ``float`` or a numeric
string) and return text; anything else (``None``, ``""``) gives an empty string, so a pledge
without a USD estimate simply shows nothing.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template
from django.conf import settings
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language_from_path, gettext, gettext_noop

from p2c.core.languages import path_prefix
from p2c.core.markdown import markdown_to_html

register = template.Library()

# (threshold, translatable pattern) from the largest down. The pattern keeps the number and
# the word together so that translators can reorder them ("82,4 milliards USD").
_SCALES: list[tuple[Decimal, str]] = [
    (Decimal(10) ** 12, gettext_noop("USD %(amount)s trillion")),
    (Decimal(10) ** 9, gettext_noop("USD %(amount)s billion")),
    (Decimal(10) ** 6, gettext_noop("USD %(amount)s million")),
]


def _to_decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _number(value: Decimal, decimal_pos: int) -> str:
    return formats.number_format(value, decimal_pos=decimal_pos, use_l10n=True, force_grouping=True)


@register.filter
def usd(value: Any) -> str:
    """The exact amount in whole US dollars with grouping: ``USD 82,412,345,678``."""
    number = _to_decimal(value)
    if number is None:
        return ""
    whole = number.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return gettext("USD %(amount)s") % {"amount": _number(whole, 0)}


def _usd_short_parts(number: Decimal) -> tuple[str, str]:
    """The translated pattern (with ``%(amount)s``) and the formatted number for ``usd_short``."""
    for threshold, pattern in _SCALES:
        if abs(number) >= threshold:
            scaled = (number / threshold).quantize(Decimal("0.1"), rounding=ROUND_DOWN)
            decimal_pos = 0 if scaled == scaled.to_integral_value() else 1
            return gettext(pattern), _number(scaled, decimal_pos)
    whole = number.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return gettext("USD %(amount)s"), _number(whole, 0)


@register.filter
def usd_short(value: Any) -> str:
    """The amount in words a headline can carry: ``USD 82.4 billion``, ``USD 3 million``.

    One decimal at most, cut rather than rounded, so a short figure never claims more than was
    pledged (USD 99.97 billion is "USD 99.9 billion", not the "USD 100 billion" target).
    Amounts under a million are shown exactly.
    """
    number = _to_decimal(value)
    if number is None:
        return ""
    pattern, amount = _usd_short_parts(number)
    return pattern % {"amount": amount}


@register.filter
def usd_headline(value: Any) -> str:
    """``usd_short`` as HTML with the number in ``<span class="figure-number">`` for a big counter.

    "USD" and the scale word can then be set smaller than the number, so that
    "USD 82.4 billion" fits a narrow column. The text reads exactly as ``usd_short``.
    """
    number = _to_decimal(value)
    if number is None:
        return ""
    pattern, amount = _usd_short_parts(number)
    before, _sep, after = pattern.partition("%(amount)s")
    return format_html('{}<span class="figure-number">{}</span>{}', before, amount, after)


@register.simple_tag
def language_prefix() -> str:
    """``""`` in English, ``/fr`` in French…: put before a page's path, ``{% language_prefix %}/pledges/``."""
    return path_prefix()


@register.filter
def is_current(path: Any, prefix: str) -> bool:
    """Whether a navigation link to ``prefix`` is the page at ``path`` (``/`` only matches itself).

    Language prefixes are ignored on both sides: ``/fr/pledges/?…`` is under ``/pledges/``.
    """
    if not isinstance(path, str) or not path:
        return False
    path, prefix = _without_language(path), _without_language(prefix)
    if prefix == "/":
        return path == "/"
    return path.startswith(prefix)


def _without_language(path: str) -> str:
    code = get_language_from_path(path)
    return path[len(code) + 1 :] if code else path


@register.simple_tag
def site_name() -> str:
    """The site's name from settings: works without a request or context processors (500 page)."""
    return str(getattr(settings, "P2C_SITE_NAME", "Partner2Connect"))


@register.filter
def markdown(value: Any) -> SafeString:
    """Markdown written by a user as sanitised HTML (see ``p2c.core.markdown``); ``None`` gives ``""``."""
    if value is None:
        return SafeString("")
    return markdown_to_html(str(value))


@register.filter
def decimal_plain(value: Any) -> str:
    """An exact decimal without trailing zeros or exponent: ``1.0823000000`` gives ``1.0823``."""
    number = _to_decimal(value)
    if number is None:
        return ""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@register.filter
def hex_colour(value: Any) -> str:
    """``value`` if it is a ``#rrggbb`` colour, else ``""``: safe to put in a ``style`` attribute."""
    return value if isinstance(value, str) and _HEX_COLOUR.match(value) else ""
