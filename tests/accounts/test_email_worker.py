"""The verification email goes through the real background worker to a real SMTP server, and its link works."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from tests.accounts.helpers import first_link
from tests.core.test_email_worker import run_worker


@pytest.mark.django_db(transaction=True)
def test_the_verification_email_is_sent_by_the_worker_and_its_link_verifies(smtp_sink: Any) -> None:
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {
            "full_name": "Olga Petrova",
            "email": "olga@example.org",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
        },
    )
    assert response.status_code == 302
    assert smtp_sink.messages == []  # queued, not sent by the web request
    result = run_worker(smtp_sink.port)
    assert result.returncode == 0, result.stderr
    (message,) = smtp_sink.wait_for(1)
    assert message["To"] == "olga@example.org"
    assert message["Subject"] == "[Partner2Connect] Confirm your email address"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = first_link(text)
    assert link in html.replace("&amp;", "&")
    path = re.sub(r"^https?://[^/]+", "", link)
    assert client.post(path).status_code == 302
    assert EmailAddress.objects.get(email="olga@example.org").verified
    assert client.get("/my/entities/").status_code == 200  # signed in by the link, in the same browser
