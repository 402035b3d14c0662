"""Where a pledge helps: its scope, its regions or countries, and the shortcut that ticks many countries at once."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from p2c.geo.models import Country, Region
from p2c.pledges.models import Pledge
from p2c.workspace.forms.base import DescribedForm


class CountryCodesField(forms.ModelMultipleChoiceField):
    """Countries by ISO alpha-2 code (any letter case); a code that does not exist is named in the error."""

    default_error_messages = {
        "invalid_choice": _("“%(value)s” is not a country code we know. Choose the countries from the list."),
        "invalid_list": _("Choose the countries from the list."),
    }

    def clean(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            value = [str(code).strip().upper() for code in value]
        return super().clean(value)


class GeographyForm(DescribedForm):
    """The scope (global, regions, countries) and the regions or countries it names.

    Only the list that matches the scope is saved: a global pledge names neither, a regional one
    no countries, a country one no regions.
    """

    scope = forms.ChoiceField(
        label=_("Where will the pledge help?"),
        choices=Pledge.Scope.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions"),
        queryset=Region.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a regional pledge: tick every region it covers."),
        error_messages={
            "invalid_choice": _("Choose the regions from the list."),
            "invalid_pk_value": _("Choose the regions from the list."),
        },
    )
    countries = CountryCodesField(
        label=_("Countries"),
        queryset=Country.objects.all(),
        to_field_name="iso2",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a pledge to particular countries: tick each country that benefits, or use the shortcut."),
    )

    def geography(self) -> dict[str, Any]:
        """The scope and the one list it keeps, as the services take them (after ``is_valid()``)."""
        data = self.cleaned_data
        scope = data.get("scope") or ""
        values: dict[str, Any] = {
            "regions": list(data.get("regions") or []) if scope == Pledge.Scope.REGIONS else [],
            "countries": list(data.get("countries") or []) if scope in (Pledge.Scope.COUNTRIES, "") else [],
        }
        if scope:
            values["scope"] = scope
        return values


GROUPING_CHOICES = [
    ("", _("All countries")),
    ("ldc", _("Least developed countries (LDCs)")),
    ("lldc", _("Landlocked developing countries (LLDCs)")),
    ("sids", _("Small island developing states (SIDS)")),
]


class CountryShortcutForm(forms.Form):
    """ "All LDCs in Africa": a grouping and an M49 region whose countries the form ticks, without saving."""

    shortcut_grouping = forms.ChoiceField(label=_("Which countries"), choices=GROUPING_CHOICES, required=False)
    shortcut_region = forms.ChoiceField(label=_("In"), required=False)

    def __init__(self, *args: Any, regions: Iterable[Region] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        m49 = [r for r in regions if r.kind == Region.Kind.M49_REGION]
        subregions = [r for r in regions if r.kind == Region.Kind.M49_SUBREGION]
        self.region_names = {r.code: r.local_name for r in (*m49, *subregions)}
        cast(forms.ChoiceField, self.fields["shortcut_region"]).choices = [
            ("", _("the whole world")),
            (_("Regions"), [(r.code, r.local_name) for r in m49]),
            (_("Sub-regions"), [(r.code, r.local_name) for r in subregions]),
        ]

    def label_of(self) -> str:
        """The countries asked for, in words: "Least developed countries (LDCs) in Africa"."""
        grouping = dict(GROUPING_CHOICES).get(self.cleaned_data.get("shortcut_grouping", ""), "")
        code = self.cleaned_data.get("shortcut_region", "")
        return f"{grouping} — {self.region_names[code]}" if code else str(grouping)
