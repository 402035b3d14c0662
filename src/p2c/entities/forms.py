"""Forms for registering and managing an organisation (entity) and its members."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from p2c.entities.models import Entity, EntityType
from p2c.geo.models import Country


class EntityProfileForm(forms.Form):
    """Name, acronym, type, home country, website and description of an organisation."""

    name = forms.CharField(
        label=_("Name of the organisation"),
        max_length=200,
        help_text=_("The full official name, e.g. “Ministry of Information and Communications Technology”."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    acronym = forms.CharField(
        label=_("Acronym or short name (optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    entity_type = forms.ModelChoiceField(
        label=_("Type of organisation"),
        queryset=EntityType.objects.all(),
        empty_label=_("Choose a type"),
        to_field_name="code",
    )
    home_country = forms.ModelChoiceField(
        label=_("Home country (optional)"),
        queryset=Country.objects.order_by("name"),
        required=False,
        empty_label=_("None: an international or regional organisation"),
        help_text=_("Where the organisation has its headquarters."),
    )
    website = forms.URLField(
        label=_("Website (optional)"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("For example https://www.example.org"),
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    description = forms.CharField(
        label=_("Description (optional)"),
        required=False,
        max_length=5000,
        help_text=_("What the organisation does, in a few sentences."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if len(name) < 2:
            raise forms.ValidationError(_("Enter the organisation's full name."))
        return name

    def clean_acronym(self) -> str:
        return " ".join(self.cleaned_data["acronym"].split())

    def profile(self) -> dict[str, Any]:
        """The cleaned values, keyed as the services expect them."""
        return {field: self.cleaned_data[field] for field in self.fields if field in PROFILE_KEYS}


PROFILE_KEYS = ("name", "acronym", "entity_type", "home_country", "website", "description")


class EntityCreateForm(EntityProfileForm):
    """Registering a new organisation; asks to confirm when the name resembles existing ones."""

    confirmed_not_duplicate = forms.BooleanField(
        label=_("None of these: this is a different organisation"),
        required=False,
    )


class EntityEditForm(EntityProfileForm):
    """The focal point's edit of the profile, with the version it started from (hidden)."""

    version = forms.CharField(widget=forms.HiddenInput)

    @staticmethod
    def version_of(entity: Entity) -> str:
        return entity.updated_at.isoformat()

    @classmethod
    def for_entity(cls, entity: Entity) -> EntityEditForm:
        return cls(
            initial={
                "name": entity.name,
                "acronym": entity.acronym,
                "entity_type": entity.entity_type.code,
                "home_country": entity.home_country_id,
                "website": entity.website,
                "description": entity.description,
                "version": cls.version_of(entity),
            }
        )

    def clean_version(self) -> dt.datetime:
        value = parse_datetime(self.cleaned_data["version"] or "")
        if value is None:
            raise forms.ValidationError(_("The form is incomplete; reload the page and try again."))
        return value


class JoinRequestForm(forms.Form):
    """Asking to join an existing organisation, with an optional note for its focal point."""

    note = forms.CharField(
        label=_("Note for the focal point (optional)"),
        required=False,
        max_length=1000,
        help_text=_("Your role in the organisation, so that the focal point recognises you."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DeclineForm(forms.Form):
    """Declining a request, with an optional reason sent to the person."""

    reason = forms.CharField(
        label=_("Reason (optional, sent to the person)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
