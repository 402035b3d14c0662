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
