"""Markdown from pledgers becomes safe HTML: formatting kept, scripts and hostile links never."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString

from p2c.core.markdown import markdown_to_html
from p2c.core.templatetags.p2c import decimal_plain, hex_colour


def test_formatting_lists_tables_and_links_are_kept() -> None:
    html = markdown_to_html(
        "Intro with **bold**, *italic* and `code`.\n\n"
        "- one\n- two\n\n"
        "3. three\n4. four\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "> quoted\n\n"
        "[site](https://example.org/x?a=1&b=2) <https://example.org> [mail](mailto:team@example.org)"
    )
    assert "<strong>bold</strong>" in html and "<em>italic</em>" in html and "<code>code</code>" in html
    assert "<ul>\n<li>one</li>" in html
    assert '<ol start="3">' in html
    assert "<table>" in html and "<td>1</td>" in html
    assert "<blockquote>" in html
    assert '<a href="https://example.org/x?a=1&amp;b=2" rel="nofollow noopener">site</a>' in html
    assert '<a href="https://example.org" rel="nofollow noopener">https://example.org</a>' in html
    assert '<a href="mailto:team@example.org" rel="nofollow noopener">mail</a>' in html
    assert isinstance(html, SafeString)


def test_headings_step_down_below_the_pages_own() -> None:
    html = markdown_to_html("# Big\n\n## Smaller\n\n###### Tiny")
    assert "<h3>Big</h3>" in html and "<h4>Smaller</h4>" in html and "<h6>Tiny</h6>" in html
    assert "<h1" not in html and "<h2" not in html


def test_images_become_links_and_load_nothing() -> None:
    html = markdown_to_html("![A map of the sites](https://example.org/map.png)")
    assert "<img" not in html
    assert '<a href="https://example.org/map.png" rel="nofollow noopener">A map of the sites</a>' in html


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        '<img src=x onerror="alert(1)">',
        "<svg onload=alert(1)>",
        "<svg><script>alert(1)</script></svg>",
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        "<iframe src=https://evil.example></iframe>",
        '<div style="background:url(javascript:alert(1))">x</div>',
        "<style>body{display:none}</style>",
        "<!-- comment --><b onclick=alert(1)>x</b>",
        '<form action="https://evil.example"><input name=password></form>',
    ],
)
def test_raw_html_is_shown_as_text_never_as_markup(payload: str) -> None:
    html = markdown_to_html(payload)
    assert not re.search(r"<(script|img|svg|a|iframe|div|style|b|form|input)\b", html, re.I), html
    assert "&lt;" in html  # visible, as typed


@pytest.mark.parametrize(
    "payload",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](  javascript:alert(1) )",
        "[x](&#106;avascript:alert(1))",
        "[x](&#x6A;avascript&#58;alert(1))",
        "[x](java&#x09;script:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](file:///etc/passwd)",
        "<javascript:alert(1)>",
        "![x](javascript:alert(1))",
        "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        "[x]: javascript:alert(1)\n\n[link][x]",
    ],
)
def test_links_to_scripts_or_data_are_never_made(payload: str) -> None:
    html = markdown_to_html(payload)
    hrefs = re.findall(r'href="([^"]*)"', html)
    for href in hrefs:  # an allowed scheme, or none at all (a relative address, harmless)
        scheme = re.match(r"^([a-z][a-z0-9+.-]*):", href, re.I)
        assert scheme is None or scheme.group(1).lower() in {"http", "https", "mailto"}, html


def test_attributes_outside_the_allow_list_are_dropped() -> None:
    html = markdown_to_html('[x](https://example.org "title")')
    assert html.strip() == '<p><a href="https://example.org" title="title" rel="nofollow noopener">x</a></p>'


def test_empty_and_missing_text_give_nothing() -> None:
    assert markdown_to_html("") == ""
    assert markdown_to_html(None) == ""


def test_the_template_filter_renders_markdown_and_escapes_nothing_twice() -> None:
    template = Template("{% load p2c %}{{ text|markdown }}|{{ none|markdown }}")
    out = template.render(Context({"text": "Tom & **Jerry** <b>", "none": None}))
    assert out == "<p>Tom &amp; <strong>Jerry</strong> &lt;b&gt;</p>\n|"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1.0820000000", "1.082"), ("0.0016345678", "0.0016345678"), ("100.0000000000", "100"), ("7", "7"), (None, "")],
)
def test_decimal_plain_drops_trailing_zeros_without_exponents(value: object, expected: str) -> None:
    assert decimal_plain(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("#0b5cad", "#0b5cad"), ("#FFF", ""), ("red", ""), ("#0b5cad;background:url(x)", ""), (None, "")],
)
def test_hex_colour_lets_only_colours_into_style_attributes(value: object, expected: str) -> None:
    assert hex_colour(value) == expected
