"""Money: ISO 4217 amounts and their USD estimate at the ECB reference rate of the pledge date.

The ECB rates ship inside the ``currencyconverter`` package, so conversion works offline. For a
currency the ECB does not publish, the pledger gives their own USD estimate. See docs/methodology.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

import pycountry
from currency_converter import CurrencyConverter, RateNotFoundError
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

CENT = Decimal("0.01")
# How far back to look for the last published rate (the ECB publishes on TARGET working days).
_RATE_LOOKBACK_DAYS = 10


@dataclass(frozen=True)
class UsdConversion:
    """The USD value of an amount, with the rate used, the date of that rate and where it came from."""

    usd: Decimal
    rate: Decimal
    rate_date: dt.date | None
    source: str  # "usd", "ecb" or "pledger"


@cache
def _converter() -> CurrencyConverter:
    return CurrencyConverter(decimal=True)


def is_iso_currency(code: str) -> bool:
    """Whether ``code`` is a current ISO 4217 alphabetic code."""
    return len(code) == 3 and code.isalpha() and pycountry.currencies.get(alpha_3=code.upper()) is not None


def ecb_rate(currency: str, on_date: dt.date) -> tuple[Decimal, dt.date] | None:
    """USD per unit of ``currency`` at the last ECB reference rate on or before ``on_date``.

    Returns ``None`` when the ECB publishes no rate for that currency around that date.
    """
    converter = _converter()
    currency = currency.upper()
    if currency not in converter.currencies or "USD" not in converter.currencies:
        return None
    first, last = converter.bounds[currency]
    usd_first, usd_last = converter.bounds["USD"]
    first, last = max(first, usd_first), min(last, usd_last)
    day = min(on_date, last)
    if day < first:
        return None
    for _step in range(_RATE_LOOKBACK_DAYS):
        try:
            return Decimal(converter.convert(1, currency, "USD", date=day)), day
        except RateNotFoundError:
            day -= dt.timedelta(days=1)
    return None


def parse_amount(value: object) -> Decimal:
    """Turn user input into a Decimal, refusing what is not a finite number."""
    if isinstance(value, Decimal):
        number = value
    else:
        try:
            number = Decimal(str(value).strip().replace(",", "").replace(" ", ""))
        except InvalidOperation as exc:
            raise ValueError(_("Enter the amount as a number, for example 2500000.")) from exc
    if not number.is_finite():
        raise ValueError(_("Enter the amount as a number, for example 2500000."))
    return number


def usd_conversion(
    *, amount: Decimal, currency: str, on_date: dt.date, pledger_usd: Decimal | None = None
) -> UsdConversion | None:
    """Convert ``amount`` to USD; ``None`` when the ECB has no rate and the pledger gave no estimate."""
    currency = currency.upper()
    if currency == "USD":
        return UsdConversion(usd=amount.quantize(CENT), rate=Decimal(1), rate_date=None, source="usd")
    found = ecb_rate(currency, on_date)
    if found is not None:
        rate, rate_date = found
        usd = (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)
        return UsdConversion(usd=usd, rate=rate.quantize(Decimal("1e-10")), rate_date=rate_date, source="ecb")
    if pledger_usd is None:
        return None
    rate = (pledger_usd / amount).quantize(Decimal("1e-10")) if amount else Decimal(0)
    return UsdConversion(usd=pledger_usd.quantize(CENT), rate=rate, rate_date=None, source="pledger")


def money_errors(
    *,
    amount: Decimal | None,
    currency: str,
    usd_estimate: Decimal | None,
    on_date: dt.date | None,
    is_financial: bool = False,
) -> dict[str, list[str]]:
    """Everything wrong with an amount, its currency and its USD estimate, keyed by field name.

    ``usd_estimate`` is the pledger's own estimate; it is only required when the ECB has no rate.
    """
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if amount is None:
        if is_financial:
            add("amount", _("A financial pledge needs an amount greater than zero."))
        if usd_estimate is not None and usd_estimate < 0:
            add("usd_estimate", _("The USD estimate cannot be negative."))
        return errors
    if amount < 0:
        add("amount", _("The amount cannot be negative."))
    elif amount == 0 and is_financial:
        add("amount", _("A financial pledge needs an amount greater than zero."))
    if not currency:
        add("currency", _("Choose the currency of the amount."))
    elif not is_iso_currency(currency):
        add(
            "currency",
            _("“%(code)s” is not an ISO 4217 currency code (for example USD, EUR, KES).") % {"code": currency},
        )
    if errors:
        return errors
    if usd_estimate is not None and usd_estimate < 0:
        add("usd_estimate", _("The USD estimate cannot be negative."))
        return errors
    conversion = usd_conversion(
        amount=amount, currency=currency, on_date=on_date or timezone.localdate(), pledger_usd=usd_estimate
    )
    if conversion is None:
        add(
            "usd_estimate",
            _(
                "The European Central Bank publishes no reference rate for %(code)s, "
                "so please give your own estimate of the amount in USD."
            )
            % {"code": currency.upper()},
        )
        return errors
    if conversion.usd > settings.P2C_MAX_PLEDGE_USD:
        add(
            "amount",
            _("That is more than USD 1 trillion — please check the amount and the currency."),
        )
    return errors
