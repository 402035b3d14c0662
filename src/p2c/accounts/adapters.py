"""allauth adapters: every allauth email goes through the background worker, in plain text and HTML."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.template.loader import render_to_string
from django.utils.encoding import force_str
from django.utils.html import strip_tags

from p2c.core.email import email_queue


def text_to_html(text: str) -> str:
    """A plain-text email as simple HTML: escaped, paragraphs kept, links clickable, in the site's email layout."""
    return render_to_string("emails/_base.html", {"text": text, "site_name": settings.P2C_SITE_NAME})


class AccountAdapter(DefaultAccountAdapter):
    """Queues allauth's emails (verification, password reset, …) for the background worker."""

    def format_email_subject(self, subject: str) -> str:
        return f"[{settings.P2C_SITE_NAME}] {force_str(subject)}"

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render allauth's email as allauth would, then hand it to ``email_queue`` instead of sending it here.

        The worker sends it through Django's mail API after the current transaction commits and
        retries when the mail server is down, so a slow or failing server never blocks sign-up.
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
