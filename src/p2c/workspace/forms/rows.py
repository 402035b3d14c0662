"""The pledge form's repeated rows: structured targets and partners.

Each is a Django formset; the page shows the saved rows plus two blank ones. A row left entirely
blank is ignored. A row's errors sit in that row, next to the input they are about.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from p2c.entities.models import Entity
from p2c.pledges.models import PledgePartner, PledgeTarget
from p2c.pledges.services import PartnerSpec, TargetSpec
from p2c.workspace.forms.base import DescribedForm, checked_length, parsed_number
from p2c.workspace.selectors import entity_named

# The coalition's horizon: later target years are allowed but flagged.
HORIZON_YEAR = 2030
MIN_YEAR, MAX_YEAR = 2021, 2100
BLANK_ROWS = 2
MAX_ROWS = 50


def _number_input() -> forms.TextInput:
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})


class TargetRowForm(DescribedForm):
    """One measurable target: indicator, unit, baseline, target value and target year."""

    indicator = forms.CharField(label=gettext_lazy("Indicator"), required=False)
    unit = forms.CharField(label=gettext_lazy("Unit"), required=False)
    baseline = forms.CharField(label=gettext_lazy("Baseline (optional)"), required=False, widget=_number_input())
    target_value = forms.CharField(label=gettext_lazy("Target value"), required=False, widget=_number_input())
    target_year = forms.CharField(
        label=gettext_lazy("Target year"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "input-year"}),
    )

    def is_blank(self) -> bool:
        return not any(str(self[name].value() or "").strip() for name in self.fields)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_blank():
            return {}
        required = _("Fill this in, or leave the whole row empty.")
        for name, maximum in (("indicator", 200), ("unit", 50)):
            value = data.get(name, "").strip()
            if not value:
                self.add_error(name, required)
            else:
                try:
                    data[name] = checked_length(value, maximum=maximum, what=str(self.fields[name].label).lower())
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        for name in ("baseline", "target_value"):
            try:
                data[name] = parsed_number(data.get(name, ""), example="1,500")
            except forms.ValidationError as exc:
                self.add_error(name, exc)
        if "target_value" in data and data["target_value"] is None:
            self.add_error("target_value", required)
        baseline, target = data.get("baseline"), data.get("target_value")
        if baseline is not None and target is not None and baseline == target:
            self.add_error("target_value", _("The target value equals the baseline: a target must change something."))
        self._clean_year(data, required)
        return data

    def _clean_year(self, data: dict[str, Any], required: str) -> None:
        text = (data.get("target_year") or "").strip()
        if not text:
            self.add_error("target_year", required)
            return
        if not text.isdigit() or not MIN_YEAR <= int(text) <= MAX_YEAR:
            self.add_error(
                "target_year",
                _("Enter a year between %(min)d and %(max)d, for example 2030.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            )
            return
        data["target_year"] = int(text)

    def find_warnings(self) -> None:
        """Flag a target year past the coalition's horizon (it does not stop saving)."""
        text = str(self["target_year"].value() or "").strip()
        if text.isdigit() and HORIZON_YEAR < int(text) <= MAX_YEAR:
            self.add_warning("target_year", _("The coalition's horizon is 2030 — check this year."))

    def spec(self) -> TargetSpec | None:
        data = self.cleaned_data
        if not data:
            return None
        return TargetSpec(
            indicator=data["indicator"],
            unit=data["unit"],
            baseline=data["baseline"],
            target_value=data["target_value"],
            target_year=data["target_year"],
        )

    @staticmethod
    def initial_of(target: PledgeTarget) -> dict[str, Any]:
        return {
            "indicator": target.indicator,
            "unit": target.unit,
            "baseline": plain_number(target.baseline),
            "target_value": plain_number(target.target_value),
            "target_year": target.target_year,
        }


def plain_number(number: Decimal | None) -> str:
    """``2500.00`` as ``2,500``; ``None`` as an empty string."""
    if number is None:
        return ""
    text = f"{number:,.2f}"
    return text[:-3] if text.endswith(".00") else text


class PartnerRowForm(DescribedForm):
    """Another registered organisation taking part, and its role. Named as on the organisations list."""

    organisation = forms.CharField(
        label=gettext_lazy("Organisation"),
        required=False,
        widget=forms.TextInput(attrs={"list": "entity-names", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=PledgePartner.Role.choices, initial=PledgePartner.Role.CO_PLEDGER
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name = " ".join((data.get("organisation") or "").split())
        if not name:
            return {}
        entity = entity_named(name)
        if entity is None:
            self.add_error(
                "organisation",
                _(
                    "No registered organisation is called “%(name)s”. Check the name on the organisations list "
                    "or leave the row empty."
                )
                % {"name": name},
            )
        data["entity"] = entity
        return data

    def spec(self) -> PartnerSpec | None:
        entity: Entity | None = self.cleaned_data.get("entity")
        if entity is None:
            return None
        return PartnerSpec(entity=entity, role=self.cleaned_data["role"])

    @staticmethod
    def initial_of(partnership: PledgePartner) -> dict[str, Any]:
        return {"organisation": partnership.entity.name, "role": partnership.role}


class RowFormSet(forms.BaseFormSet):
    """Rows whose non-row errors (from the services) can be added after validation."""

    def add_non_form_errors(self, messages: list[str]) -> None:
        self.non_form_errors().extend(messages)

    def describe(self) -> None:
        for form in self.forms:
            form.describe()


TargetFormSet = forms.formset_factory(
    TargetRowForm,
    formset=RowFormSet,
    extra=BLANK_ROWS,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
    validate_max=True,
)
PartnerFormSet = forms.formset_factory(
    PartnerRowForm,
    formset=RowFormSet,
    extra=BLANK_ROWS,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
    validate_max=True,
)
