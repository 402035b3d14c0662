"""Account forms: allauth's sign-up form with the person's name, which focal points see in requests."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class SignupForm(AllauthSignupForm):
    """Sign up with a name, an email address and a password (twice)."""

    full_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        help_text=_("As colleagues know you: focal points see it when you ask to join an organisation."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["full_name", "email", "password1", "password2"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # allauth puts placeholders that repeat the labels; a label above each field is clearer.
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
        self.fields["email"].help_text = _("We send a link to this address to check that it is yours.")

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Enter your name."))
        return name

    def signup(self, request: HttpRequest, user: Any) -> None:
        """Called by allauth once the user exists."""
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])


class LoginForm(AllauthLoginForm):
    """Sign in by email and password; labels above the fields instead of placeholders."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
        self.fields["login"].label = _("Email")
        if "remember" in self.fields:
            self.fields["remember"].label = _("Keep me signed in on this device")
