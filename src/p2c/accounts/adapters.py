"""allauth adapters: every allauth email goes through the background worker, in plain text and HTML.

allauth's emails (verification, password reset, …) answer a request, so they are written in the
request's language — the page's, which ``LocaleMiddleware`` made active — and their links (built
with ``reverse()`` from the request) lead to that language's pages. A new account takes that
language as its preferred one (``User.language``), for the emails the platform sends later.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.forms import BaseForm
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.encoding import force_str
from django.utils.html import strip_tags

from p2c.core.email import email_queue


def request_language(request: HttpRequest | None) -> str:
    """The language of the page ``request`` asked for (``LocaleMiddleware`` set it); ``""`` if not one of the six."""
    code = getattr(request, "LANGUAGE_CODE", None) or ""
    return code if code in dict(settings.LANGUAGES) else ""


def text_to_html(text: str) -> str:
    """A plain-text email as simple HTML: escaped, paragraphs kept, links clickable, in the site's email layout."""
    return render_to_string("emails/_base.html", {"text": text, "site_name": settings.P2C_SITE_NAME})


class AccountAdapter(DefaultAccountAdapter):
    """Queues allauth's emails (verification, password reset, …) for the background worker."""

    def save_user(self, request: HttpRequest, user: Any, form: BaseForm, commit: bool = True) -> Any:
        """Create the account as allauth does, preferring the language the person signed up in."""
        user.language = user.language or request_language(request)
        return super().save_user(request, user, form, commit=commit)

    def format_email_subject(self, subject: str) -> str:
        return f"[{settings.P2C_SITE_NAME}] {force_str(subject)}"

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render allauth's email as allauth would, then hand it to ``email_queue`` instead of sending it here.

        The worker sends it through Django's mail API after the current transaction commits and
        retries when the mail server is down, so a slow or failing server never blocks sign-up.
        It is rendered here, in the active language: the request's.
        Where allauth has only a text template, the HTML part is that text, escaped and linked.
        """
        request = allauth_context.request
        full_context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "site_name": settings.P2C_SITE_NAME,
            **context,
        }
        message = self.render_mail(template_prefix, email, full_context)
        html = next(
            (str(body) for body, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), ""
        )
        text = str(message.body)
        if message.content_subtype == "html":  # only an HTML template exists
            html, text = text, strip_tags(text)
        email_queue(
            subject=str(message.subject), to=[str(to) for to in message.to], text=text, html=html or text_to_html(text)
        )


class MFAAdapter(DefaultMFAAdapter):
    """Names the platform in authenticator apps."""

    def get_totp_issuer(self) -> str:
        return str(settings.P2C_SITE_NAME)
