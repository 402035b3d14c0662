"""What every workspace form shares: warnings beside errors, descriptions tied to inputs, lengths, numbers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from p2c.core.money import parse_amount

# Largest number a DecimalField(max_digits=20, decimal_places=2) holds.
MAX_NUMBER = Decimal(10) ** 18


class DescribedForm(forms.Form):
    """A form whose inputs name their help, error and warning in ``aria-describedby``.

    ``warnings`` are messages that do not stop saving (``{field: [message]}``); they are shown next
    to the field with the id ``<auto_id>_warning``. Call ``describe()`` once errors are known.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.warnings: dict[str, list[str]] = {}

    def add_warning(self, field: str, message: str) -> None:
        self.warnings.setdefault(field, []).append(message)

    def describe(self) -> None:
        """Set ``aria-describedby`` on every visible input: its help, its errors, its warnings."""
        for name, field in self.fields.items():
            bound = self[name]
            if bound.is_hidden or isinstance(field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            ids = []
            if bound.help_text:
                ids.append(f"{bound.auto_id}_helptext")
            if bound.errors:
                ids.append(f"{bound.auto_id}_error")
            if self.warnings.get(name):
                ids.append(f"{bound.auto_id}_warning")
            ids.extend(field.widget.attrs.get("data-describedby", "").split())
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)


def checked_length(value: str, *, maximum: int, what: str) -> str:
    """``value`` if it fits ``maximum`` characters; otherwise an error that says by how much it does not."""
    if len(value) > maximum:
        raise forms.ValidationError(
            ngettext(
                "The %(what)s has %(count)d character: shorten it to %(max)d or fewer.",
                "The %(what)s has %(count)d characters: shorten it to %(max)d or fewer.",
                len(value),
            )
            % {"what": what, "count": len(value), "max": maximum},
            code="max_length",
        )
    return value


def parsed_number(text: str, *, example: str = "2,500,000") -> Decimal | None:
    """A number typed by a person (``1,000.5`` is fine), ``None`` when empty; refuses anything else."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        number = parse_amount(text)
    except ValueError as exc:
        raise forms.ValidationError(
            _("Enter a number, for example %(example)s.") % {"example": example}, code="invalid"
        ) from exc
    if abs(number) >= MAX_NUMBER:
        raise forms.ValidationError(_("That number is too large: please check it."), code="too_large")
    if number != number.quantize(Decimal("0.01")):
        raise forms.ValidationError(_("Use at most two decimal places."), code="decimal_places")
    return number
