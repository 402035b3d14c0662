"""Repeated failed sign-ins are refused for a while (allauth's rate limits, ACCOUNT_RATE_LIMITS)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.accounts.helpers import PASSWORD, fast_passwords, verified_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    fast_passwords(settings)


def test_after_five_failures_even_the_right_password_is_refused_for_a_while(client: Client) -> None:
    verified_user(email="amina@kijiji.example")
    for _attempt in range(5):
        response = client.post("/accounts/login/", {"login": "amina@kijiji.example", "password": "guess"})
        assert "are not correct" in response.content.decode()
    response = client.post("/accounts/login/", {"login": "amina@kijiji.example", "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_on_one_account_do_not_lock_another(client: Client) -> None:
    verified_user(email="amina@kijiji.example")
    verified_user(email="rui@example.org")
    for _attempt in range(5):
        client.post("/accounts/login/", {"login": "amina@kijiji.example", "password": "guess"})
    response = client.post("/accounts/login/", {"login": "rui@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_one_address_is_limited_across_accounts(client: Client) -> None:
    """Ten failures a minute from one IP address, whatever the accounts tried."""
    verified_user(email="amina@kijiji.example")
    for n in range(10):
        client.post("/accounts/login/", {"login": f"guess{n}@example.org", "password": "guess"})
    response = client.post("/accounts/login/", {"login": "amina@kijiji.example", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)
