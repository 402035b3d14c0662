"""The demo accounts that `p2c run` creates can sign in at once (their addresses count as confirmed)."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from p2c.core.setup import DEMO_PLEDGER_EMAIL, DEMO_REVIEWER_EMAIL, demo_accounts_ensure
from tests.accounts.helpers import fast_passwords
from tests.factories import EntityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    fast_passwords(settings)


def test_demo_accounts_sign_in_and_the_pledger_manages_the_demo_entity(client: Client) -> None:
    EntityFactory(name="Kijiji Telecom", slug="kijiji-telecom")
    demo_accounts_ensure(password="demo password 123")
    demo_accounts_ensure(password="demo password 123")  # idempotent
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == 2
    for email in (DEMO_REVIEWER_EMAIL, DEMO_PLEDGER_EMAIL):
        fresh = Client()
        response = fresh.post("/accounts/login/", {"login": email, "password": "demo password 123"})
        assert response.status_code == 302 and response["Location"] == "/my/", email
    client.post("/accounts/login/", {"login": DEMO_PLEDGER_EMAIL, "password": "demo password 123"})
    assert "You are a focal point" in client.get("/my/entities/kijiji-telecom/").content.decode()
