"""Two-factor authentication (TOTP) for reviewers and admins, required by P2C_REQUIRE_MFA_FOR_STAFF."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.test import Client

from p2c.core.setup import reviewers_group_ensure
from tests.accounts.helpers import PASSWORD, fast_passwords, verified_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    fast_passwords(settings)


def totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def reviewer() -> Any:
    rui = verified_user(email="rui@example.org", full_name="Rui")
    rui.groups.add(reviewers_group_ensure())
    return rui


def admin() -> Any:
    return verified_user(email="admin@example.org", is_staff=True, is_superuser=True)


def sign_in(client: Client, email: str) -> None:
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()


def enrol_totp(client: Client) -> str:
    """Activate an authenticator app as a person would: confirm the password, scan, type the current code."""
    response = client.get("/accounts/2fa/totp/activate/")
    if response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/"):
        client.post(response["Location"], {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200, page
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_now(secret)})
    assert response.status_code == 302, response.content.decode()
    return secret


@pytest.mark.parametrize(("person", "path"), [(admin, "/admin/"), (reviewer, "/review/"), (admin, "/review/")])
def test_when_required_staff_without_totp_are_sent_to_enrolment(
    settings: Any, client: Client, person: Any, path: str
) -> None:
    settings.P2C_REQUIRE_MFA_FOR_STAFF = True
    user = person()
    sign_in(client, user.email)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    followed = client.get(response["Location"], follow=True)
    # allauth asks for the password again before adding an authenticator; the reason is on that page.
    assert followed.redirect_chain[-1][0].startswith("/accounts/reauthenticate/")
    assert "must protect their account with an authenticator app" in followed.content.decode()


def test_when_required_an_admin_with_totp_opens_the_admin_and_signs_in_with_a_code(
    settings: Any, client: Client
) -> None:
    settings.P2C_REQUIRE_MFA_FOR_STAFF = True
    user = admin()
    sign_in(client, user.email)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    html = page.content.decode()
    assert 'class="qr"' in html and "Authenticator code" in html
    secret = enrol_totp(client)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get("/admin/").status_code == 200

    # Next time, the password alone does not sign in: the code is asked for.
    fresh = Client()
    response = fresh.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in fresh.session
    assert fresh.get("/admin/").status_code == 302
    response = fresh.post("/accounts/2fa/authenticate/", {"code": totp_now(secret)})
    if response.status_code == 200:  # a code is used once: within the activation's 30 s, wait for the next
        time.sleep(31 - int(time.time()) % 30)
        response = fresh.post("/accounts/2fa/authenticate/", {"code": totp_now(secret)})
    assert response.status_code == 302
    assert fresh.get("/admin/").status_code == 200


def test_when_required_people_who_are_not_staff_are_not_asked(settings: Any, client: Client) -> None:
    settings.P2C_REQUIRE_MFA_FOR_STAFF = True
    sign_in(client, verified_user(email="amina@kijiji.example").email)
    response = client.get("/admin/")
    assert response["Location"] == "/admin/login/?next=/admin/"  # not to the enrolment page
    assert client.get(response["Location"]).status_code == 403  # allauth's admin sign-in refuses non-staff
    assert client.get("/my/entities/").status_code == 200


def test_when_not_required_staff_open_the_admin_without_totp(settings: Any, client: Client) -> None:
    settings.P2C_REQUIRE_MFA_FOR_STAFF = False
    sign_in(client, admin().email)
    assert client.get("/admin/").status_code == 200
    assert client.get("/accounts/2fa/").status_code == 200  # they may still enrol


def test_when_required_staff_reach_public_and_account_pages_without_totp(settings: Any, client: Client) -> None:
    settings.P2C_REQUIRE_MFA_FOR_STAFF = True
    sign_in(client, admin().email)
    for path in ("/", "/accounts/2fa/", "/accounts/email/"):
        assert client.get(path).status_code == 200, path


def test_the_admin_sign_in_page_is_allauths(client: Client) -> None:
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "False"),
        ({"P2C_ENV": "production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "pledges.example.org"}, "True"),
        (
            {
                "P2C_ENV": "production",
                "SECRET_KEY": "x" * 50,
                "ALLOWED_HOSTS": "pledges.example.org",
                "P2C_REQUIRE_MFA_FOR_STAFF": "0",
            },
            "False",
        ),
        ({"P2C_REQUIRE_MFA_FOR_STAFF": "1"}, "True"),
    ],
)
def test_mfa_is_required_by_default_in_production_only(env: dict[str, str], expected: str) -> None:
    clean = {k: v for k, v in os.environ.items() if k not in {"P2C_ENV", "P2C_REQUIRE_MFA_FOR_STAFF"}}
    result = subprocess.run(  # noqa: S603 - our own interpreter and settings
        [sys.executable, "-c", "from p2c import settings; print(settings.P2C_REQUIRE_MFA_FOR_STAFF)"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == expected
