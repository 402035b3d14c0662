"""Email: written in each recipient's language, queued for the background worker after the commit.

Every email the platform composes itself goes through ``emails_queue``: the recipients are
grouped by their preferred language (``User.language``; blank means English, ``LANGUAGE_CODE``),
and for each language the subject, text and HTML are rendered inside ``translation.override`` —
so ``{% translate %}``, dates and ``reverse()`` (which adds ``/fr``, ``/ar``, …) are that
language's, and links lead to that language's pages. See docs/workflow.md, "Emails".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

# Someone an email goes to: (address, preferred language — "" when not known).
Recipient = tuple[str, str]


def email_language(language: str | None) -> str:
    """The language of emails to someone who prefers ``language``: it, if the platform has it; else the default."""
    return language if language and language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def absolute_url(path: str) -> str:
    """A path (from ``reverse()``, so with the active language's prefix) as a link for emails."""
    return f"{settings.P2C_BASE_URL}{path}"


def by_language(recipients: Iterable[Recipient]) -> dict[str, list[str]]:
    """``{language: addresses}``: each address once, in the language of its emails, sorted."""
    groups: dict[str, set[str]] = defaultdict(set)
    for address, language in recipients:
        groups[email_language(language)].add(address)
    return {language: sorted(addresses) for language, addresses in sorted(groups.items())}


def email_render(template_prefix: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """``<prefix>_subject.txt``, ``_message.txt`` and ``_message.html`` rendered in the active language.

    The subject is one line, prefixed with ``[P2C_SITE_NAME]``.
    """
    context = {"site_name": settings.P2C_SITE_NAME, **context}
    subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
    text = render_to_string(f"{template_prefix}_message.txt", context).strip()
    html = render_to_string(f"{template_prefix}_message.html", context).strip()
    return f"[{settings.P2C_SITE_NAME}] {subject}", text, html


def emails_queue(
    *,
    template_prefix: str,
    recipients: Iterable[Recipient],
    context: Callable[[], dict[str, Any]],
    together: bool = False,
) -> int:
    """Queue ``template_prefix``'s email to ``recipients``, each in their language; returns how many were queued.

    ``context()`` is called once per language, inside it, so the links it builds with ``reverse()``
    lead to that language's pages. One email per address; with ``together``, one per language
    with that language's addresses in ``To`` (as the membership request to an entity's focal points).
    """
    queued = 0
    for language, addresses in by_language(recipients).items():
        with translation.override(language):
            subject, text, html = email_render(template_prefix, context())
        for to in [addresses] if together else [[address] for address in addresses]:
            email_queue(subject=subject, to=to, text=text, html=html)
            queued += 1
    return queued


def email_queue(*, subject: str, to: list[str], text: str, html: str = "") -> None:
    """Send an email after the current transaction commits (at once when there is none)."""
    from p2c.core.tasks import email_send

    transaction.on_commit(lambda: email_send.enqueue(subject=subject, to=to, text=text, html=html))
