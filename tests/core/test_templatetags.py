"""The money filters and navigation helpers in ``{% load p2c %}``."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from p2c.core.templatetags.p2c import is_current, usd, usd_headline, usd_short


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("82412345678.90"), "USD 82.4 billion"),
        (Decimal("82000000000"), "USD 82 billion"),
        (Decimal("1500000"), "USD 1.5 million"),
        (Decimal("999999.99"), "USD 1,000,000"),
        (Decimal("950000"), "USD 950,000"),
        (Decimal("2300000000000"), "USD 2.3 trillion"),
        (0, "USD 0"),
        ("36780000000", "USD 36.7 billion"),
        (12.5, "USD 13"),
    ],
)
def test_usd_short_reads_like_a_headline(value: object, expected: str) -> None:
    assert usd_short(value) == expected


def test_usd_short_never_rounds_up_to_a_milestone() -> None:
    """USD 99.97 billion has not reached the USD 100 billion target, so it must not say so."""
    assert usd_short(Decimal("99970000000")) == "USD 99.9 billion"
    assert usd_short(Decimal("999999999")) == "USD 999.9 million"


def test_usd_is_exact_to_the_dollar_with_grouping() -> None:
    assert usd(Decimal("82412345678.49")) == "USD 82,412,345,678"
    assert usd(Decimal("82412345678.50")) == "USD 82,412,345,679"
    assert usd(7) == "USD 7"


@pytest.mark.parametrize("value", [None, "", "not a number", "NaN", True])
def test_money_filters_show_nothing_for_a_missing_value(value: object) -> None:
    assert usd(value) == ""
    assert usd_short(value) == ""


def test_money_filters_follow_the_active_language() -> None:
    with translation.override("fr"):
        # French separates decimals with a comma, groups with a (narrow) space and puts the currency last.
        assert usd_short(Decimal("82412345678")).replace("\xa0", " ") == "82,4 milliards USD"
        assert usd(Decimal("1234567")).replace("\u202f", " ").replace("\xa0", " ") == "1 234 567 USD"
    for language in ("ar", "zh-hans"):  # grouped by three with a comma (CLDR), not Django's defaults
        with translation.override(language):
            assert "1,234,567" in usd(Decimal("1234567"))


def test_filters_work_in_templates() -> None:
    rendered = Template("{% load p2c %}{{ v|usd_short }} / {{ v|usd }}").render(Context({"v": Decimal("4200000")}))
    assert rendered == "USD 4.2 million / USD 4,200,000"


@pytest.mark.parametrize(
    ("path", "prefix", "expected"),
    [
        ("/", "/", True),
        ("/pledges/", "/", False),
        ("/pledges/", "/pledges/", True),
        ("/pledges/P2C-2026-0001/", "/pledges/", True),
        ("/my/pledges/new/", "/pledges/", False),
        ("", "/", False),
        (None, "/", False),
    ],
)
def test_is_current_marks_the_section_being_shown(path: object, prefix: str, expected: bool) -> None:
    assert is_current(path, prefix) is expected


def test_site_name_needs_no_request(settings: object) -> None:
    settings.P2C_SITE_NAME = "P2C Test"  # type: ignore[attr-defined]
    assert Template("{% load p2c %}{% site_name %}").render(Context()) == "P2C Test"


def test_usd_headline_marks_up_the_number_and_reads_like_usd_short() -> None:
    html = usd_headline(Decimal("82412345678"))
    assert html == 'USD <span class="figure-number">82.4</span> billion'
    assert usd_headline(None) == ""
    with translation.override("fr"):
        assert "<span" not in usd_short(Decimal("5")) and "<script" not in usd_headline(Decimal("5"))
