"""Two-factor authentication for the secretariat: no review or admin page without TOTP when required."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _


def is_staff_like(user: Any) -> bool:
    """Admins, staff and secretariat reviewers: the people whose accounts must carry a second factor."""
    return bool(user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser or user.is_reviewer))


def has_totp(user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def mfa_enrolment_needed(request: HttpRequest) -> bool:
    """Whether this request goes to a review/admin page by staff without TOTP while the setting requires it."""
    if not settings.P2C_REQUIRE_MFA_FOR_STAFF:
        return False
    if not request.path.startswith(tuple(settings.P2C_MFA_REQUIRED_PATHS)):
        return False
    user = getattr(request, "user", None)
    return user is not None and is_staff_like(user) and not has_totp(user)


class StaffMfaMiddleware:
    """Sends reviewers and admins without an authenticator app to the enrolment page (``P2C_REQUIRE_MFA_FOR_STAFF``).

    Only paths under ``P2C_MFA_REQUIRED_PATHS`` (the admin, the review pages and the secretariat's
    import) are guarded, so the enrolment pages themselves, sign-out and the public site stay
    reachable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if mfa_enrolment_needed(request):
            messages.warning(
                request,
                _(
                    "Reviewers and administrators must protect their account with an authenticator app "
                    "before opening this page. Confirm your password, then set the app up: it takes a minute."
                ),
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
