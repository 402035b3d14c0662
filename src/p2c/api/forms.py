"""The form a focal point fills in to create an API token."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from p2c.api.models import ApiToken
from p2c.api.services import NAME_MAX_LENGTH


class TokenCreateForm(forms.Form):
    """A name saying what the token is for, and what it may do."""

    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("What or who uses it, e.g. “CRM export” or “Pledge sync, IT department”."),
        error_messages={"required": _("Say what the token is for.")},
    )
    scope = forms.ChoiceField(
        label=_("What may it do?"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
    )
