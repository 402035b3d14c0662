"""Reads about accounts."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress


def has_verified_email(user: Any) -> bool:
    """Whether ``user`` is signed in and has confirmed at least one email address."""
    return (
        bool(getattr(user, "is_authenticated", False))
        and EmailAddress.objects.filter(user=user, verified=True).exists()
    )
