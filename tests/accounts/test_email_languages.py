"""allauth's emails are written in the language of the page they answer, which becomes the account's.

Sign-up on /fr/… writes the verification email in French, with links to French pages, and the new
account prefers French; the first sign-in on a page in a language records it for accounts with none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from p2c.accounts.models import User
from tests.accounts.helpers import (
    PASSWORD,
    assert_in_language,
    fast_passwords,
    first_link,
    send_emails_at_once,
    translated,
    verified_user,
)

pytestmark = pytest.mark.django_db
SIGNUP = {
    "full_name": "Olga Petrova",
    "email": "olga@example.org",
    "password1": "a long and unusual passphrase",
    "password2": "a long and unusual passphrase",
}


@pytest.fixture(autouse=True)
def _emails_at_once(settings: Any) -> Iterator[None]:
    send_emails_at_once(settings)
    fast_passwords(settings)
    yield
    translation.activate(settings.LANGUAGE_CODE)  # pages in other languages left theirs active in this thread


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_signing_up_in_a_language_writes_the_verification_in_it_and_remembers_it(
    language: str, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/{language}/accounts/signup/", SIGNUP)
    assert response.status_code == 302
    assert User.objects.get(email="olga@example.org").language == language
    (message,) = mail.outbox
    assert_in_language(
        message,
        language,
        subject=translated(language, "Confirm your email address"),
        phrases=[
            translated(
                language,
                "Someone (we hope you) created an account on %(site_name)s with this email address. To confirm "
                "that the address is yours, open this link:",
                site_name="Partner2Connect",
            ),
            translated(language, "Hello from %(site_name)s,", site_name="Partner2Connect"),
        ],
        html_phrases=[translated(language, "Confirm my email address")],
        english=["Someone (we hope you)", "Confirm my email address", "The link works for three days"],
        base_url="http://testserver",
    )
    link = first_link(message.body)
    assert link.startswith(f"http://testserver/{language}/accounts/confirm-email/")
    # Confirming (which signs in) keeps the language.
    assert client.post(re.sub(r"^https?://[^/]+", "", link)).status_code == 302
    assert User.objects.get(email="olga@example.org").language == language


def test_signing_up_on_an_english_page_prefers_english(client: Client) -> None:
    client.post("/accounts/signup/", SIGNUP)
    assert User.objects.get(email="olga@example.org").language == "en"


def test_a_password_reset_is_written_in_the_language_of_the_page(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    verified_user(email="amina@kijiji.example", language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/ar/accounts/password/reset/", {"email": "amina@kijiji.example"})
    (message,) = mail.outbox
    assert_in_language(
        message,
        "ar",
        subject=translated("ar", "Choose a new password"),
        phrases=[translated("ar", "If you did not ask for this, ignore this email: your password stays as it is.")],
        english=["reset the password", "If you did not ask for this"],
        base_url="http://testserver",
    )


def test_the_first_sign_in_records_the_language_of_the_page(client: Client) -> None:
    amina = verified_user(email="amina@kijiji.example")
    assert amina.language == ""
    response = client.post("/ru/accounts/login/", {"login": "amina@kijiji.example", "password": PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(pk=amina.pk).language == "ru"


def test_signing_in_never_replaces_a_chosen_language(client: Client) -> None:
    amina = verified_user(email="amina@kijiji.example", language="es")
    client.post("/ru/accounts/login/", {"login": "amina@kijiji.example", "password": PASSWORD})
    assert User.objects.get(pk=amina.pk).language == "es"
    client.force_login(verified_user(email="rui@secretariat.example"))  # no page, so no language
    assert User.objects.get(email="rui@secretariat.example").language == ""
