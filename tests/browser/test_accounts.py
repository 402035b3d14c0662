"""The way in, in a real browser: sign up, confirm the address from the email, register an organisation.

The verification email goes the real way: the live server queues it, the real task worker
(a subprocess, as in tests/core/test_email_worker.py) sends it to a real SMTP server, and the
browser opens the link from the message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.accounts.helpers import fast_passwords, first_link, verified_user
from tests.core.test_email_worker import run_worker
from tests.factories import EntityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = ((1280, 900), (360, 800))


def check_page(page: Any, artifacts: Path, name: str) -> None:
    """No serious or critical accessibility violation, nothing sideways on a phone; screenshots at both widths."""
    from axe_playwright_python.sync_playwright import Axe

    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} overflows at {width}px"
        results = Axe().run(page)
        grave = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert not grave, f"{name} at {width}px: {results.generate_report()}"
        page.screenshot(path=str(artifacts / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_sign_up_verify_by_email_and_register_an_organisation(
    page: Any, artifacts: Path, smtp_sink: Any, settings: Any
) -> None:
    fast_passwords(settings)
    EntityFactory(name="Kijiji Telecom", slug="kijiji-telecom", acronym="KTEL")

    # Sign up.
    page.goto("/")
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    check_page(page, artifacts, "accounts-signup")
    page.get_by_label("Your name").fill("Olga Petrova")
    page.get_by_label("Email").fill("olga@example.org")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password (again)").fill("short")
    page.get_by_role("button", name="Create the account").click()
    # An invalid password: the message sits by the field, and the name and email are kept.
    expect(page.get_by_text("Please correct what is marked below.")).to_be_visible()
    assert page.get_by_label("Your name").input_value() == "Olga Petrova"
    assert page.get_by_label("Email").input_value() == "olga@example.org"
    check_page(page, artifacts, "accounts-signup-errors")
    page.get_by_label("Password", exact=True).fill("a long and unusual passphrase")
    page.get_by_label("Password (again)").fill("a long and unusual passphrase")
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.screenshot(path=str(artifacts / "accounts-check-email-1280.png"), full_page=True)

    # The worker sends the verification email; the browser follows its link.
    assert smtp_sink.messages == []
    result = run_worker(smtp_sink.port)
    assert result.returncode == 0, result.stderr
    (message,) = smtp_sink.wait_for(1)
    assert message["To"] == "olga@example.org"
    link = first_link(message.get_body(("plain",)).get_content())
    page.goto(link)
    expect(page.get_by_role("heading", name="Confirm your email address")).to_be_visible()
    check_page(page, artifacts, "accounts-confirm")
    page.get_by_role("button", name="Yes, confirm my address").click()

    # Verified and signed in, on "My organisations": register one whose name resembles one already there.
    page.wait_for_url("**/my/")
    expect(page.get_by_role("heading", name="My pledges")).to_be_visible()
    page.get_by_role("navigation", name="Your account").get_by_role("link", name="My organisations").click()
    expect(page.get_by_role("heading", name="My organisations")).to_be_visible()
    check_page(page, artifacts, "entities-mine-empty")
    page.get_by_role("link", name="Register an organisation").click()
    check_page(page, artifacts, "entities-new")
    page.get_by_label("Name of the organisation").fill("Kijiji Telecom Limited")
    page.get_by_label("Type of organisation").select_option(label="Private sector")
    page.get_by_label("Home country (optional)").select_option(label="Kenya")
    page.get_by_label("Website (optional)").fill("kijiji-limited.example")
    page.get_by_label("Description (optional)").fill("Mobile money and rural towers.")
    page.get_by_role("button", name="Register the organisation").click()
    expect(page.get_by_role("heading", name="Is it one of these?")).to_be_visible()
    expect(page.get_by_text("Kijiji Telecom (KTEL)")).to_be_visible()
    assert page.get_by_label("Name of the organisation").input_value() == "Kijiji Telecom Limited"
    check_page(page, artifacts, "entities-new-duplicates")
    page.get_by_label("None of these: this is a different organisation").check()
    page.get_by_role("button", name="Register the organisation").click()

    # Lands on the organisation's management page, as its focal point.
    expect(page.get_by_role("heading", name="Kijiji Telecom Limited")).to_be_visible()
    expect(page.get_by_text("is registered, and you are its focal point.")).to_be_visible()
    assert page.url.endswith("/my/entities/kijiji-telecom-limited/")
    assert page.get_by_label("Website (optional)").input_value() == "https://kijiji-limited.example"
    check_page(page, artifacts, "entities-manage")

    # Sign out (a button), then the sign-in page.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    page.goto("/accounts/login/")
    check_page(page, artifacts, "accounts-login")


def test_a_focal_point_answers_a_request_without_javascript(
    browser: Any, live_server: Any, artifacts: Path, settings: Any
) -> None:
    """The manage page with a pending request, scripts off: accept works with plain forms."""
    from p2c.entities.models import Membership
    from tests.factories import MembershipFactory

    fast_passwords(settings)
    entity = EntityFactory(name="Kijiji Telecom", slug="kijiji-telecom", acronym="KTEL")
    amina = verified_user(email="amina@kijiji.example", full_name="Amina Njoroge")
    MembershipFactory(user=amina, entity=entity)
    paul = verified_user(email="paul@example.org", full_name="Paul Otieno")
    MembershipFactory(user=paul, entity=entity, role=Membership.Role.MEMBER, status=Membership.Status.REQUESTED)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill("amina@kijiji.example")
        page.get_by_label("Password").fill("correct horse battery staple")
        page.get_by_role("button", name="Sign in").click()
        page.goto("/my/entities/kijiji-telecom/")
        expect(page.get_by_role("heading", name="Requests to join")).to_be_visible()
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 900})
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.screenshot(path=str(artifacts / f"entities-manage-request-{width}.png"), full_page=True)
        page.get_by_role("button", name="Accept paul@example.org").click()
        expect(page.get_by_text("Paul Otieno is now a member.")).to_be_visible()
        assert Membership.objects.get(user=paul).status == Membership.Status.ACTIVE
    finally:
        context.close()


def test_a_reviewer_is_sent_to_two_factor_enrolment_when_it_is_required(
    page: Any, artifacts: Path, settings: Any
) -> None:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from p2c.core.setup import reviewers_group_ensure

    fast_passwords(settings)
    settings.P2C_REQUIRE_MFA_FOR_STAFF = True
    rui = verified_user(email="rui@example.org", full_name="Rui", is_staff=True)
    rui.groups.add(reviewers_group_ensure())
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()  # the admin signs in through allauth
    page.get_by_label("Email").fill("rui@example.org")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    # Back to /admin/, which sends him to enrol; allauth first asks for the password again.
    expect(page.get_by_text("must protect their account with an authenticator app")).to_be_visible()
    check_page(page, artifacts, "mfa-reauthenticate")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Activate Authenticator App")).to_be_visible()
    check_page(page, artifacts, "mfa-activate")
    secret = page.locator("#authenticator_secret").input_value()
    import time

    page.get_by_label("Authenticator code").fill(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_role("heading", name="Recovery Codes")).to_be_visible()
    check_page(page, artifacts, "mfa-recovery-codes")
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.goto("/accounts/2fa/")
    check_page(page, artifacts, "mfa-index")
