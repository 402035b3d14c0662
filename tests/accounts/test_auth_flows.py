"""Sign-up, email verification, sign-in, sign-out and password reset, through allauth and our templates."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from p2c.accounts.models import User
from tests.accounts.helpers import PASSWORD, fast_passwords, first_link, send_emails_at_once, verified_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "full_name": "Olga Petrova",
    "email": "Olga@Example.org",
    "password1": "a long and unusual passphrase",
    "password2": "a long and unusual passphrase",
}


@pytest.fixture(autouse=True)
def _emails_at_once(settings: Any) -> None:
    send_emails_at_once(settings)
    fast_passwords(settings)


def labels_of_every_control(html: str) -> None:
    """Every visible input, select and textarea has a <label for=…>."""
    ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="(?:hidden|submit)")[^>]*\bid="([^"]+)"', html)
    assert ids, "no controls found"
    for control_id in ids:
        assert f'for="{control_id}"' in html, f"no label for #{control_id}"


def test_sign_up_creates_an_unverified_account_and_queues_a_verification_email(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    page = client.get("/accounts/signup/")
    assert page.status_code == 200
    html = page.content.decode()
    labels_of_every_control(html)
    assert "Your name" in html and 'autocomplete="new-password"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="olga@example.org")
    assert user.full_name == "Olga Petrova"
    assert not EmailAddress.objects.get(user=user).verified
    assert "_auth_user_id" not in client.session  # not signed in until verified
    (message,) = mail.outbox
    assert message.subject == "[Partner2Connect] Confirm your email address"
    assert message.to == ["olga@example.org"]
    assert "/accounts/confirm-email/" in message.body
    html_part, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Confirm my email address" in html_part
    assert client.get("/accounts/confirm-email/").status_code == 200


def test_the_verification_link_confirms_the_address_and_signs_in(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/signup/", SIGNUP)
    link = first_link(mail.outbox[0].body)
    path = re.sub(r"^https?://[^/]+", "", link)
    confirm_page = client.get(path)
    assert confirm_page.status_code == 200
    assert "Yes, confirm my address" in confirm_page.content.decode()
    assert not EmailAddress.objects.get(email="olga@example.org").verified  # GET alone never confirms
    response = client.post(path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="olga@example.org").verified
    assert client.get("/my/entities/").status_code == 200


def test_sign_up_keeps_what_was_typed_and_puts_errors_next_to_fields(client: Client) -> None:
    response = client.post(
        "/accounts/signup/", {**SIGNUP, "email": "not-an-email", "password2": "something else entirely"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Olga Petrova"' in html
    assert 'value="not-an-email"' in html
    assert 'id="id_email_error"' in html and 'aria-invalid="true"' in html
    assert "Please correct what is marked below." in html
    assert not User.objects.exists()


def test_an_unverified_account_cannot_sign_in_and_gets_a_new_link(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    UserFactory(email="olga@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/login/", {"login": "olga@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1


def test_a_verified_account_signs_in_by_email_and_lands_on_its_organisations(client: Client) -> None:
    verified_user(email="amina@kijiji.example")
    page = client.get("/accounts/login/")
    labels_of_every_control(page.content.decode())
    assert "Forgotten your password?" in page.content.decode()
    response = client.post("/accounts/login/", {"login": "AMINA@kijiji.example", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/my/"
    assert client.get("/my/entities/").status_code == 200


def test_a_wrong_password_is_refused_and_the_email_is_kept(client: Client) -> None:
    verified_user(email="amina@kijiji.example")
    response = client.post("/accounts/login/", {"login": "amina@kijiji.example", "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "are not correct" in html
    assert 'value="amina@kijiji.example"' in html


def test_sign_out_is_a_post_and_get_only_asks(client: Client) -> None:
    client.force_login(verified_user())
    page = client.get("/accounts/logout/")
    assert page.status_code == 200 and "Sign out of this browser?" in page.content.decode()
    assert "_auth_user_id" in client.session
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_the_header_shows_sign_in_or_the_account_with_a_sign_out_button(client: Client) -> None:
    html = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/signup/"' in html and "Sign out" not in html
    client.force_login(verified_user(email="amina@kijiji.example"))
    html = client.get("/my/entities/").content.decode()
    assert re.search(r'<form method="post" action="/accounts/logout/">.*?Sign out</button></form>', html, re.S)
    assert 'href="/my/entities/" aria-current="page"' in html


def test_password_reset_by_email(client: Client, django_capture_on_commit_callbacks: Any) -> None:
    verified_user(email="amina@kijiji.example")
    page = client.get("/accounts/password/reset/")
    labels_of_every_control(page.content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "amina@kijiji.example"})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.subject == "[Partner2Connect] Choose a new password"
    path = re.sub(r"^https?://[^/]+", "", first_link(message.body))
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    new_password = "another long passphrase 42"
    response = client.post(form_page.redirect_chain[-1][0], {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    assert client.login(email="amina@kijiji.example", password=new_password)


def test_password_reset_for_an_unknown_address_reveals_nothing(client: Client) -> None:
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/done/"
