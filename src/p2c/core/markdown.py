"""Markdown that pledgers write, rendered to HTML that is safe to show to everyone.

Two layers, so that a mistake in one is caught by the other:

1. ``markdown-it-py`` in CommonMark mode with raw HTML **off**: ``<script>`` or ``<img onerror>``
   typed into a description comes out as visible text, never as markup. Its link validator
   refuses ``javascript:``, ``vbscript:``, ``file:`` and ``data:`` destinations, even when they
   are hidden behind character references (``&#106;avascript:``) or mixed case.
2. ``nh3`` (the Rust ``ammonia`` sanitiser) then keeps only an allow-list of tags and attributes,
   only ``http``, ``https`` and ``mailto`` links (and relative ones), and sets
   ``rel="nofollow noopener"`` on every link.

Images are not embedded (they would load third-party content and weigh on slow connections):
``![alt](url)`` becomes a plain link labelled with its alternative text. Headings are moved down
two levels (``#`` becomes ``<h3>``) so that a description never competes with the page's own
``<h1>`` and ``<h2>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

ALLOWED_TAGS = frozenset(
    {
        "a",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "strong",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"
HEADING_SHIFT = 2


def _shifted(tag: str) -> int:
    return min(6, int(tag[1]) + HEADING_SHIFT)


def _heading_open(self: RendererHTML, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return f"<h{_shifted(tokens[idx].tag)}>"


def _heading_close(self: RendererHTML, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return f"</h{_shifted(tokens[idx].tag)}>\n"


def _image_as_link(self: RendererHTML, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """``![alt](url)`` as a link to the image labelled with its text: nothing third-party loads."""
    token = tokens[idx]
    href = escapeHtml(str(token.attrGet("src") or ""))
    label = escapeHtml(self.renderInlineAsText(token.children or [], options, env)) or href
    return f'<a href="{href}">{label}</a>'


@cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable(["table", "strikethrough"])
    parser.add_render_rule("heading_open", _heading_open)
    parser.add_render_rule("heading_close", _heading_close)
    parser.add_render_rule("image", _image_as_link)
    return parser


def markdown_to_html(text: str | None) -> SafeString:
    """``text`` (Markdown written by anyone) as sanitised HTML, ready for a template."""
    if not text:
        return SafeString("")
    rendered = _parser().render(str(text))
    cleaned = nh3.clean(
        rendered,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - the output of the nh3 allow-list sanitiser above
