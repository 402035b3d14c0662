"""Money: ECB conversion at the pledge date, and the errors a pledger sees for bad amounts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from p2c.core.money import ecb_rate, is_iso_currency, money_errors, parse_amount, usd_conversion

PLEDGE_DAY = dt.date(2024, 3, 15)  # a Friday: the ECB published a rate that day


def test_usd_is_taken_as_is() -> None:
    conversion = usd_conversion(amount=Decimal("2500000"), currency="usd", on_date=PLEDGE_DAY)
    assert conversion is not None
    assert (conversion.usd, conversion.rate, conversion.source) == (Decimal("2500000.00"), 1, "usd")


def test_euro_is_converted_at_the_ecb_rate_of_the_pledge_date() -> None:
    conversion = usd_conversion(amount=Decimal("1000000"), currency="EUR", on_date=PLEDGE_DAY)
    assert conversion is not None
    assert conversion.source == "ecb"
    assert conversion.rate_date == PLEDGE_DAY
    assert Decimal("1.05") < conversion.rate < Decimal("1.12")  # EUR/USD in March 2024 was about 1.09
    assert conversion.usd == (Decimal("1000000") * conversion.rate).quantize(Decimal("0.01"))


def test_a_weekend_pledge_uses_the_last_published_rate() -> None:
    saturday = dt.date(2024, 3, 16)
    found = ecb_rate("GBP", saturday)
    assert found is not None
    assert found[1] == dt.date(2024, 3, 15)


def test_a_pledge_after_the_latest_shipped_rate_uses_the_latest_rate() -> None:
    found = ecb_rate("JPY", dt.date(2099, 1, 1))
    assert found is not None
    assert found[1] < dt.date(2099, 1, 1)


def test_a_currency_the_ecb_does_not_publish_needs_the_pledgers_estimate() -> None:
    assert is_iso_currency("KES")
    errors = money_errors(amount=Decimal("5000000"), currency="KES", usd_estimate=None, on_date=PLEDGE_DAY)
    assert list(errors) == ["usd_estimate"]
    assert "KES" in errors["usd_estimate"][0]
    assert "estimate" in errors["usd_estimate"][0]
    conversion = usd_conversion(
        amount=Decimal("5000000"), currency="KES", on_date=PLEDGE_DAY, pledger_usd=Decimal("38000")
    )
    assert conversion is not None
    assert (conversion.usd, conversion.source) == (Decimal("38000.00"), "pledger")


@pytest.mark.parametrize(
    ("amount", "currency", "is_financial", "field", "words"),
    [
        (Decimal("-5"), "USD", False, "amount", "negative"),
        (Decimal("0"), "USD", True, "amount", "greater than zero"),
        (None, "", True, "amount", "greater than zero"),
        (Decimal("10"), "XYZ", False, "currency", "ISO 4217"),
        (Decimal("10"), "", False, "currency", "Choose the currency"),
        (Decimal("1000000000001"), "USD", False, "amount", "1 trillion"),
        (Decimal("2000000000000"), "JPY", False, "amount", None),  # about USD 13 billion: fine
    ],
)
def test_bad_amounts_are_refused_with_a_clear_message(
    amount: Decimal | None, currency: str, is_financial: bool, field: str, words: str | None
) -> None:
    errors = money_errors(
        amount=amount, currency=currency, usd_estimate=None, on_date=PLEDGE_DAY, is_financial=is_financial
    )
    if words is None:
        assert errors == {}
    else:
        assert field in errors
        assert words in errors[field][0]


def test_zero_is_fine_for_a_non_financial_pledge() -> None:
    assert money_errors(amount=Decimal(0), currency="USD", usd_estimate=None, on_date=PLEDGE_DAY) == {}


@pytest.mark.parametrize("text", ["12,500,000", " 12500000 ", "12 500 000", "12500000.00"])
def test_amounts_typed_with_separators_are_understood(text: str) -> None:
    assert parse_amount(text) == Decimal("12500000")


@pytest.mark.parametrize("text", ["twelve", "1e", "NaN", "Infinity", ""])
def test_non_numbers_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="as a number"):
        parse_amount(text)
