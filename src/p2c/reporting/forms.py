"""The report form, the cycle form and the reviewers' decisions on a report.

Like the pledge form (``p2c.workspace.forms``): nothing is required to save a draft, but every
value given must be valid, and each error names its field and sits next to it. Text inputs carry
no ``maxlength``: a long text is kept and reported, never cut by the browser. The services check
everything again (``p2c.reporting.services``); their refusals are put back next to the fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from p2c.pledges.models import Pledge, PledgeTarget
from p2c.reporting.services import MAX_LINKS, is_over_pledge, link_errors
from p2c.review.forms import DecisionForm
from p2c.workspace.forms.base import DescribedForm, parsed_number
from p2c.workspace.forms.rows import plain_number

ACTUAL_PREFIX = "actual_"


def _number_input(css: str = "") -> forms.TextInput:
    attrs = {"inputmode": "decimal", "autocomplete": "off"}
    if css:
        attrs["class"] = css
    return forms.TextInput(attrs=attrs)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


@dataclass(frozen=True)
class ErrorLink:
    """One line of the error summary, linking to the input it is about."""

    href: str
    label: str
    message: str


class ReportForm(DescribedForm):
    """A progress report: status, percent complete, money disbursed, each target's actual value, narrative, evidence."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    delivery_status = forms.ChoiceField(
        label=gettext_lazy("Delivery status"),
        choices=Pledge.DeliveryStatus.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": gettext_lazy("Choose one of the delivery statuses.")},
    )
    percent_complete = forms.CharField(
        label=gettext_lazy("Percent complete"),
        required=False,
        help_text=gettext_lazy("Your estimate of how much of the whole pledge is done, from 0 to 100."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "input-short"}),
    )
    usd_disbursed = forms.CharField(
        label=gettext_lazy("US dollars disbursed to date"),
        required=False,
        help_text=gettext_lazy(
            "Everything spent or transferred for this pledge since it started, in US dollars (not only this year). "
            "Enter 0 if nothing was disbursed yet."
        ),
        widget=_number_input(),
    )
    over_pledge_confirmed = forms.BooleanField(
        label=gettext_lazy("Yes, more was disbursed than pledged"),
        required=False,
        help_text=gettext_lazy("Only if the amount above is more than the pledge's estimated value."),
    )
    over_pledge_note = forms.CharField(
        label=gettext_lazy("Why more than pledged"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For example: a co-financier joined, or the scope grew. Shown with the report."),
    )
    narrative = forms.CharField(
        label=gettext_lazy("What was done"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "What was delivered in the period, what is late and why, what comes next. Markdown: **bold**, "
            "lists (a line starting with “- ”), links as [text](https://…)."
        ),
    )
    evidence_links = forms.CharField(
        label=gettext_lazy("Evidence (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        # Formatted when shown, in the language of the page (a lazy string's ``%`` would format it now).
        help_text=lazy(
            lambda: (
                _(
                    "Links to public evidence: an annual report, a news article, a dataset. One web address per line, "
                    "at most %(max)d."
                )
                % {"max": MAX_LINKS}
            ),
            str,
        )(),
    )

    def __init__(self, *args: Any, pledge: Pledge, targets: Sequence[PledgeTarget], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pledge = pledge
        self.targets = list(targets)
        for target in self.targets:
            help_parts = [
                _("Target: %(value)s %(unit)s by %(year)s.")
                % {"value": plain_number(target.target_value), "unit": target.unit, "year": target.target_year}
            ]
            if target.baseline is not None:
                help_parts.append(
                    _("Baseline: %(value)s %(unit)s.") % {"value": plain_number(target.baseline), "unit": target.unit}
                )
            self.fields[f"{ACTUAL_PREFIX}{target.pk}"] = forms.CharField(
                label=_("%(indicator)s, in %(unit)s") % {"indicator": target.indicator, "unit": target.unit},
                required=False,
                help_text=" ".join(help_parts),
                widget=_number_input(),
            )

    # --- Checks of single values ---------------------------------------------------------------

    def clean_percent_complete(self) -> int | None:
        text = self.cleaned_data["percent_complete"].strip().rstrip("%").strip()
        if not text:
            return None
        if not text.isdigit() or int(text) > 100:
            raise forms.ValidationError(_("Enter a whole number from 0 to 100, for example 40."), code="invalid")
        return int(text)

    def clean_usd_disbursed(self) -> Decimal | None:
        amount = parsed_number(self.cleaned_data["usd_disbursed"], example="250,000")
        if amount is not None and amount < 0:
            raise forms.ValidationError(
                _("The amount disbursed cannot be negative: enter 0 if nothing was disbursed yet."), code="negative"
            )
        return amount

    def clean_evidence_links(self) -> list[str]:
        links = [line.strip() for line in self.cleaned_data["evidence_links"].splitlines() if line.strip()]
        messages = link_errors(links)
        if messages:
            raise forms.ValidationError(messages, code="invalid")
        return links

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for target in self.targets:
            name = f"{ACTUAL_PREFIX}{target.pk}"
            if name not in data:
                continue
            try:
                data[name] = parsed_number(data[name], example="1,500")
            except forms.ValidationError:
                self.add_error(name, _("Enter a number, in %(unit)s (for example 1,500).") % {"unit": target.unit})
        disbursed = data.get("usd_disbursed")
        if is_over_pledge(self.pledge, disbursed):
            pledged = f"{self.pledge.usd_estimate:,.2f}"
            if not data.get("over_pledge_confirmed"):
                self.add_error(
                    "over_pledge_confirmed",
                    _(
                        "USD %(disbursed)s is more than the USD %(pledged)s pledged. If it is right, tick this box and "
                        "say why below; otherwise correct the amount."
                    )
                    % {"disbursed": f"{disbursed:,.2f}", "pledged": pledged},
                )
            if not (data.get("over_pledge_note") or "").strip():
                self.add_error("over_pledge_note", _("Say why more was disbursed than pledged."))
        return data

    # --- What the services take ----------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """The report's values as ``report_draft_save`` takes them (after ``is_valid()``)."""
        data = self.cleaned_data
        return {
            "delivery_status": data.get("delivery_status") or "",
            "percent_complete": data.get("percent_complete"),
            "usd_disbursed": data.get("usd_disbursed"),
            "over_pledge_confirmed": bool(data.get("over_pledge_confirmed")),
            "over_pledge_note": data.get("over_pledge_note", ""),
            "narrative": data.get("narrative", ""),
            "evidence_links": data.get("evidence_links", []),
        }

    def actuals(self) -> dict[int, Decimal | None]:
        """``{target id: value}`` for every target of the pledge."""
        return {t.pk: self.cleaned_data.get(f"{ACTUAL_PREFIX}{t.pk}") for t in self.targets}

    @property
    def actual_fields(self) -> list[tuple[PledgeTarget, forms.BoundField]]:
        return [(t, self[f"{ACTUAL_PREFIX}{t.pk}"]) for t in self.targets]

    def add_service_errors(self, exc: ValidationError) -> None:
        """Put a service's refusal next to the fields it names (the rest at the top of the form)."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, messages in exc.message_dict.items():
            if key in self.fields and key != "version":
                self.add_error(key, messages)
            else:
                self.add_error(None, messages if key == NON_FIELD_ERRORS else [str(m) for m in messages])

    def error_links(self) -> list[ErrorLink]:
        """Every field error, in page order, each linking to its input: the error summary at the top."""
        if not self.is_bound:
            return []
        links = []
        for name, field in self.fields.items():
            for message in self.errors.get(name, []):
                anchor = f"#id_{name}_0" if name == "delivery_status" else f"#id_{name}"
                links.append(ErrorLink(anchor, str(field.label), str(message)))
        return links

    @staticmethod
    def initial_of(report: Any) -> dict[str, Any]:
        """The form's values from a saved report (its actuals prefetched)."""
        initial: dict[str, Any] = {
            "version": report.version,
            "delivery_status": report.delivery_status,
            "percent_complete": "" if report.percent_complete is None else str(report.percent_complete),
            "usd_disbursed": plain_number(report.usd_disbursed),
            "over_pledge_confirmed": report.over_pledge_confirmed,
            "over_pledge_note": report.over_pledge_note,
            "narrative": report.narrative,
            "evidence_links": "\n".join(report.evidence_links or []),
        }
        for actual in report.actuals.all():
            if actual.target_id is not None:
                initial[f"{ACTUAL_PREFIX}{actual.target_id}"] = plain_number(actual.actual_value)
        return initial


class VersionForm(forms.Form):
    """A button acting on the version of the report shown (submit from the read-only page, discard)."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class CycleForm(DescribedForm):
    """Opening a yearly reporting cycle: the year, the period covered, when reports open and their deadline."""

    year = forms.IntegerField(
        label=gettext_lazy("Year reported on"),
        min_value=2021,
        max_value=2100,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "input-year"}),
        error_messages={"invalid": gettext_lazy("Enter a year, for example 2026.")},
    )
    label = forms.CharField(
        label=gettext_lazy("Name (optional)"),
        required=False,
        help_text=gettext_lazy("Default: “2026 progress reports”."),
    )
    period_start = forms.DateField(label=gettext_lazy("Period covered: from"), widget=_date_input())
    period_end = forms.DateField(label=gettext_lazy("to"), widget=_date_input())
    opens_on = forms.DateField(
        label=gettext_lazy("Reports open on"),
        widget=_date_input(),
        help_text=gettext_lazy("Pledgers are emailed that day (by the daily reminder job)."),
    )
    closes_on = forms.DateField(
        label=gettext_lazy("Reports due by"),
        widget=_date_input(),
        help_text=gettext_lazy(
            "The deadline. Reminders go out two weeks before it and after it; late reports are taken until you close "
            "the cycle."
        ),
    )


class AcceptForm(DecisionForm):
    """Accept: an optional comment for the pledger."""

    comment = forms.CharField(
        label=gettext_lazy("Comment for the pledger (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Sent with the email saying the report is published."),
    )


class ClarifyForm(DecisionForm):
    """Ask for clarification: the question is required."""

    comment = forms.CharField(
        label=gettext_lazy("What needs clarifying (required)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("The pledger receives this by email, can correct the report and submit it again."),
    )


DECISION_FORMS: dict[str, type[DecisionForm]] = {"accept": AcceptForm, "request_clarification": ClarifyForm}
