"""The pledge form's fields: about the pledge, its classification, money, dates, new or existing.

Nothing here is required except the lead entity: a draft may be saved half-written, and
``p2c.pledges.transitions.submission_errors`` says what a submission still needs. Every value
that *is* given must be valid, and each error names its field. Text inputs carry no
``maxlength``: a pasted title that is too long is kept and reported, never cut by the browser.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from p2c.content.models import Event
from p2c.core.money import is_iso_currency
from p2c.entities.models import Entity
from p2c.pledges.models import SDG, FocusArea, Pillar, Pledge, PledgeType, TargetGroup
from p2c.pledges.models.pledge import TITLE_MAX_LENGTH
from p2c.pledges.transitions import COMMENT_MAX_LENGTH
from p2c.workspace.forms.base import checked_length, parsed_number
from p2c.workspace.forms.geography import GeographyForm

SUMMARY_MAX_LENGTH = 600
# Offered in the currency input's list; any ISO 4217 code is accepted.
COMMON_CURRENCIES = ("USD", "EUR", "GBP", "CHF", "JPY", "CNY", "INR", "KES", "NGN", "ZAR", "XOF", "XAF", "BRL", "AUD")


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _checkboxes(model: Any, label: Any, **kwargs: Any) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=model.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose from the list."), "invalid_pk_value": _("Choose from the list.")},
        **kwargs,
    )


class PledgeForm(GeographyForm):
    """Everything about a pledge but its targets and partners (see ``rows``)."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    lead_entity = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=Entity.objects.none(),
        to_field_name="slug",
        empty_label=_("Choose the organisation"),
        help_text=_("The organisation that makes the pledge (the lead entity). You can pledge for any you belong to."),
        error_messages={"required": _("Choose the organisation that makes the pledge.")},
    )
    title = forms.CharField(
        label=_("Title"),
        required=False,
        strip=True,
        help_text=_("What will be done, for whom, in a few words: “Connect 200 rural schools in Kenya”."),
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences, shown wherever the pledge is listed (at most 600 characters)."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "The whole pledge: what, how, with whom. Markdown: **bold**, lists (a line starting with “- ”), "
            "links as [text](https://…)."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of the text"),
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("The language you write the title, summary and description in. They are shown as written."),
    )
    focus_areas = _checkboxes(
        FocusArea, _("Focus areas"), help_text=_("The Action Framework's focus areas. At least one before you submit.")
    )
    pillars = _checkboxes(Pillar, _("Pillars (optional)"), help_text=_("The areas of intervention, by focus area."))
    pledge_types = _checkboxes(
        PledgeType,
        _("Type of pledge"),
        help_text=_("At least one before you submit. A financial pledge needs an amount."),
    )
    sdgs = _checkboxes(SDG, _("Sustainable Development Goals (optional)"))
    target_groups = _checkboxes(TargetGroup, _("Who benefits (optional)"))

    amount = forms.CharField(
        label=_("Amount (optional)"),
        required=False,
        help_text=_("For example 2,000,000."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    currency = forms.CharField(
        label=_("Currency"),
        required=False,
        help_text=_("For example USD, EUR, KES."),
        widget=forms.TextInput(
            attrs={"list": "currency-codes", "autocomplete": "off", "spellcheck": "false", "class": "input-short"}
        ),
    )
    usd_estimate = forms.CharField(
        label=_("Your estimate in US dollars (only for some currencies)"),
        required=False,
        help_text=_(
            "Leave empty unless we ask for it: amounts are converted at the European Central Bank's rate of the "
            "pledge date, and only currencies the ECB does not publish need your own estimate."
        ),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    pledged_on = forms.DateField(
        label=_("Pledged on"),
        required=False,
        widget=_date_input(),
        help_text=_("Today if left empty. The amount is converted to US dollars at this date's rate."),
    )
    start_date = forms.DateField(label=_("Start date"), required=False, widget=_date_input())
    end_date = forms.DateField(label=_("End date"), required=False, widget=_date_input())
    event = forms.ModelChoiceField(
        label=_("Announced at (optional)"),
        queryset=Event.objects.all(),
        required=False,
        empty_label=_("Not announced at an event"),
    )
    additionality = forms.ChoiceField(
        label=_("Is this a new commitment?"),
        choices=Pledge.Additionality.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    seeking_partners = forms.BooleanField(
        label=_("We are looking for partners to help deliver this pledge"),
        required=False,
        help_text=_("Shown on the public page, so that others can offer to help."),
    )

    def __init__(self, *args: Any, lead_entities: QuerySet[Entity] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if lead_entities is None:
            del self.fields["lead_entity"]
        else:
            cast(forms.ModelChoiceField, self.fields["lead_entity"]).queryset = lead_entities

    # --- Checks of single values -------------------------------------------------------------

    def clean_title(self) -> str:
        return checked_length(self.cleaned_data["title"], maximum=TITLE_MAX_LENGTH, what=str(_("title")))

    def clean_summary(self) -> str:
        return checked_length(self.cleaned_data["summary"].strip(), maximum=SUMMARY_MAX_LENGTH, what=str(_("summary")))

    def clean_amount(self) -> Decimal | None:
        amount = parsed_number(self.cleaned_data["amount"])
        if amount is not None and amount < 0:
            raise forms.ValidationError(_("The amount cannot be negative."), code="negative")
        return amount

    def clean_currency(self) -> str:
        code = self.cleaned_data["currency"].strip().upper()
        if code and not is_iso_currency(code):
            raise forms.ValidationError(
                _(
                    "“%(code)s” is not a currency code we know: use the three-letter ISO code, "
                    "for example USD, EUR or KES."
                )
                % {"code": self.cleaned_data["currency"].strip()},
                code="unknown_currency",
            )
        return code

    def clean_usd_estimate(self) -> Decimal | None:
        estimate = parsed_number(self.cleaned_data["usd_estimate"])
        if estimate is not None and estimate < 0:
            raise forms.ValidationError(_("The USD estimate cannot be negative."), code="negative")
        return estimate

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date: check both dates."))
        return data

    # --- What the services take --------------------------------------------------------------

    def changes(self) -> dict[str, Any]:
        """Every value, keyed as ``pledge_update`` takes them; empty values the model needs are left out."""
        data = self.cleaned_data
        values: dict[str, Any] = {
            "title": data["title"],
            "summary": data["summary"],
            "description": data["description"],
            "language": data["language"] or settings.LANGUAGE_CODE,
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "seeking_partners": data["seeking_partners"],
            "event": data["event"],
            "amount": data["amount"],
            "currency": data["currency"],
            "pledger_usd": data["usd_estimate"],
            **{name: list(data[name]) for name in ("focus_areas", "pillars", "pledge_types", "sdgs", "target_groups")},
            **self.geography(),
        }
        for name in ("pledged_on", "additionality"):
            if data.get(name):
                values[name] = data[name]
        return values


class WithdrawForm(forms.Form):
    """Withdrawing a pledge, with an optional reason kept in its history."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the pledge's history, for your colleagues and the secretariat."),
    )

    def clean_reason(self) -> str:
        return checked_length(self.cleaned_data["reason"].strip(), maximum=COMMENT_MAX_LENGTH, what=str(_("reason")))
