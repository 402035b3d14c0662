"""Remembering a person's language: the first time they sign in on a page in one, if none is known yet.

The language switch (``p2c.core.languages.language_switch``) sets ``User.language`` whenever it is
used, and sign-up sets it from the sign-up page (``AccountAdapter.save_user``). Accounts created
before, or by the secretariat, have none: their first sign-in records the language of the page
they signed in on, so the platform's emails reach them in it (docs/workflow.md, "Emails").
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from p2c.accounts.adapters import request_language
from p2c.accounts.models import User


def language_record_on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: set ``user.language`` to the sign-in page's language if it is blank."""
    language = request_language(request)
    if user.language or not language:
        return
    user.language = language
    User.objects.filter(pk=user.pk, language="").update(language=language)
