"""Access rules for views: a verified email address before anything that creates or submits."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.account.internal.flows.email_verification import send_verification_email_for_user
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from p2c.accounts.selectors import has_verified_email

ViewFunc = Callable[..., HttpResponse]


def verified_email_required(view: ViewFunc) -> ViewFunc:
    """Anonymous: to the sign-in page. Signed in but unverified: 403 with a page that says what to do.

    Like allauth's decorator of the same name, it (re)sends the verification email, which allauth
    rate-limits to one per address every few minutes (``ACCOUNT_RATE_LIMITS["confirm_email"]``);
    unlike it, the refusal is a 403, so that nothing mistakes it for the page asked for.
    """

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not has_verified_email(request.user):
            send_verification_email_for_user(request, request.user)
            return render(request, "account/verified_email_required.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
