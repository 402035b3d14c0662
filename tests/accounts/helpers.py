"""Helpers for account and entity tests: verified people, emails sent at once, the personas' organisations."""

from __future__ import annotations

import re
from typing import Any

from allauth.account.models import EmailAddress

from p2c.accounts.models import User
from p2c.entities.models import Entity, Membership
from tests.factories import EntityFactory, MembershipFactory, UserFactory

PASSWORD = "correct horse battery staple"


def verify(user: User) -> User:
    """Mark ``user``'s email address as confirmed, as following the link does."""
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


def verified_user(**fields: Any) -> User:
    return verify(UserFactory(**fields))


def send_emails_at_once(settings: Any) -> None:
    """Run background tasks (emails) in-process as soon as they are queued; they land in ``mail.outbox``."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "email"]}
    }


def fast_passwords(settings: Any) -> None:
    """Hash test passwords quickly (PBKDF2 takes most of a second per user on a slow machine)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def kijiji() -> tuple[Entity, User]:
    """Kijiji Telecom (KTEL) with Amina, verified, as its focal point."""
    amina = verified_user(email="amina@kijiji.example", full_name="Amina")
    entity = EntityFactory(name="Kijiji Telecom", slug="kijiji-telecom", acronym="KTEL")
    MembershipFactory(user=amina, entity=entity, role=Membership.Role.FOCAL_POINT)
    return entity, amina


def first_link(text: str) -> str:
    match = re.search(r"https?://\S+", text)
    assert match, text
    return match.group(0)


# --- Emails in their recipient's language ---------------------------------------------------------

# Phrases of the English email templates (greeting, sign-off, HTML footer): none may remain in a translated email.
ENGLISH_FRAME = ["Hello from", "secretariat", "platform", "You receive this email because"]


def translated(language: str, msgid: str, **values: Any) -> str:
    """``msgid`` as the catalogue translates it into ``language`` (it must be translated there), with ``values``."""
    from django.utils.translation import gettext, override

    with override(language):
        text = gettext(msgid)
    assert text != msgid, f"{msgid!r} has no {language} translation"
    return text % values if values else text


def translated_plural(language: str, singular: str, plural: str, count: int, **values: Any) -> str:
    """``ngettext`` from the catalogue of ``language`` (which must translate it), with ``values``."""
    from django.utils.translation import ngettext, override

    with override(language):
        text = ngettext(singular, plural, count)
    assert text not in (singular, plural), f"{plural!r} has no {language} translation"
    return text % values


def email_links(message: Any) -> list[str]:
    """Every link of an email (``mail.outbox`` item): in its text, and the HTML part's ``href``s."""
    html = next(body for body, mimetype in message.alternatives if mimetype == "text/html")
    return re.findall(r"https?://[^\s<>\"]+", message.body) + re.findall(r'href="([^"]+)"', html)


def assert_in_language(
    message: Any,
    language: str,
    *,
    subject: str,
    phrases: list[str],
    english: list[str],
    base_url: str,
    html_phrases: list[str] | None = None,
) -> None:
    """``message`` is written in ``language``: its subject, the ``phrases`` (already translated) in its text,
    the ``html_phrases`` (by default the same) in its HTML, none of the ``english`` phrases, ``<html lang dir>``
    set, and every link into ``language``'s pages."""
    from django.utils.translation import get_language_info

    html = next(body for body, mimetype in message.alternatives if mimetype == "text/html")
    assert message.subject == f"[Partner2Connect] {subject}"
    for phrase in phrases:
        assert phrase in message.body, (phrase, message.body)
    plain_html = re.sub(r"</?strong>", "", html)
    for phrase in phrases if html_phrases is None else html_phrases:
        assert phrase in html or phrase in plain_html, (phrase, html)
    for phrase in [*english, *ENGLISH_FRAME]:
        assert phrase not in message.subject + message.body + html, (phrase, message.body)
    direction = "rtl" if get_language_info(language)["bidi"] else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in html
    if direction == "rtl":  # quotes and lists are bordered and indented on the right
        assert "-left:" not in html, html
    links = email_links(message)
    assert links, message.body
    assert all(link.startswith(f"{base_url}/{language}/") for link in links), links
