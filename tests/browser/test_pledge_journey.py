"""The whole lifecycle in a real browser, as the people who live it.

Olga signs up, confirms her address from the email the real worker sends, registers her
organisation and writes a pledge: a draft first, then submitted. Rui, a secretariat reviewer,
follows the link in the email he receives, reads the pledge and asks for a change. Olga reads his
comment in her workspace, fixes the pledge and submits it again; Rui sees what changed and
publishes it; anyone can then read it on its public page. Every step is screenshotted into
``test-artifacts/journey-*.png``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from p2c.accounts.models import User
from p2c.core.setup import reviewers_group_ensure
from p2c.pledges.models import Pledge
from tests.accounts.helpers import PASSWORD, fast_passwords, first_link, verified_user
from tests.core.test_email_worker import run_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page: Any, artifacts: Path, step: int, name: str) -> None:
    """A full-page screenshot of this step, and nothing sideways at desktop width."""
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], name
    page.screenshot(path=str(artifacts / f"journey-{step:02d}-{name}.png"), full_page=True)


def emails_to(smtp_sink: Any, address: str, count: int) -> list[Any]:
    """Run the worker once and return the messages sent so far to ``address``."""
    result = run_worker(smtp_sink.port)
    assert result.returncode == 0, result.stderr
    smtp_sink.wait_for(count)
    return [m for m in smtp_sink.messages if m["To"] == address]


def sign_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_sign_up_pledge_review_fix_and_publish(
    browser: Any, live_server: Any, artifacts: Path, smtp_sink: Any, settings: Any
) -> None:
    fast_passwords(settings)
    settings.P2C_BASE_URL = live_server.url
    rui = verified_user(email="rui@secretariat.example", full_name="Rui")
    rui.groups.add(reviewers_group_ensure())
    olga_context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    rui_context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    olga, reviewer = olga_context.new_page(), rui_context.new_page()
    for tab in (olga, reviewer):
        tab.set_default_timeout(10_000)
    try:
        # 1. Olga signs up and confirms her address from the email.
        olga.goto("/accounts/signup/")
        olga.get_by_label("Your name").fill("Olga Petrova")
        olga.get_by_label("Email").fill("olga@example.org")
        olga.get_by_label("Password", exact=True).fill(PASSWORD)
        olga.get_by_label("Password (again)").fill(PASSWORD)
        olga.get_by_role("button", name="Create the account").click()
        expect(olga.get_by_role("heading", name="Check your email")).to_be_visible()
        shot(olga, artifacts, 1, "signed-up")
        (verification,) = emails_to(smtp_sink, "olga@example.org", 1)
        olga.goto(first_link(verification.get_body(("plain",)).get_content()))
        olga.get_by_role("button", name="Yes, confirm my address").click()
        olga.wait_for_url("**/my/")
        expect(olga.get_by_role("heading", name="My pledges")).to_be_visible()
        shot(olga, artifacts, 2, "workspace-empty")

        # 2. She registers her organisation and becomes its focal point.
        olga.goto("/my/entities/new/")
        olga.get_by_label("Name of the organisation").fill("Baobab Community Networks")
        olga.get_by_label("Type of organisation").select_option(label="Civil society")
        olga.get_by_label("Home country (optional)").select_option(label="Kenya")
        olga.get_by_role("button", name="Register the organisation").click()
        expect(olga.get_by_text("is registered, and you are its focal point.")).to_be_visible()
        shot(olga, artifacts, 3, "entity-registered")

        # 3. A draft, saved with most of it missing, then completed and submitted.
        olga.goto("/my/pledges/new/")
        olga.get_by_label("Title").fill("Community Wi-Fi for 40 villages in Turkana")
        olga.get_by_role("button", name="Save draft", exact=True).last.click()
        expect(olga.get_by_text("Draft saved.")).to_be_visible()
        pledge = Pledge.objects.get(title="Community Wi-Fi for 40 villages in Turkana")
        shot(olga, artifacts, 4, "draft-saved")
        olga.get_by_label("Summary").fill("Solar-powered Wi-Fi hotspots run by local cooperatives.")
        olga.get_by_label("Description").fill("We build **40 hotspots** and train 80 local technicians.")
        olga.get_by_role("checkbox", name=re.compile(r"^Access")).check()
        olga.get_by_role("checkbox", name=re.compile(r"^Programmatic")).check()
        olga.get_by_label("Countries", exact=True).check()
        olga.locator("summary", has_text="Africa").first.click()
        olga.get_by_label("Kenya", exact=True).check()
        olga.get_by_label("Start date").fill("2027-01-01")
        olga.get_by_label("End date").fill("2026-06-30")  # before the start: refused, kept
        olga.get_by_role("button", name="Save and submit for review").click()
        expect(olga.get_by_text("The end date is before the start date").first).to_be_visible()
        assert olga.get_by_label("Summary").input_value().startswith("Solar-powered")
        shot(olga, artifacts, 5, "form-errors")
        olga.get_by_label("End date").fill("2028-12-31")
        olga.get_by_role("button", name="Save and submit for review").click()
        expect(olga.get_by_text("Submitted", exact=False).first).to_be_visible()
        pledge.refresh_from_db()
        assert pledge.state == Pledge.State.SUBMITTED
        shot(olga, artifacts, 6, "submitted")

        # 4. Rui follows the email's link, reads the pledge and asks for a change.
        (to_review,) = emails_to(smtp_sink, "rui@secretariat.example", 2)
        sign_in(reviewer, "rui@secretariat.example")
        reviewer.goto(first_link(to_review.get_body(("plain",)).get_content()))
        expect(reviewer.get_by_role("heading", name="Community Wi-Fi for 40 villages in Turkana")).to_be_visible()
        shot(reviewer, artifacts, 7, "review-first-submission")
        reviewer.get_by_label("What needs to change (required)").fill("Name the villages, please.")
        reviewer.get_by_role("button", name="Send back for changes").click()
        expect(reviewer.get_by_text(pledge.reference).first).to_be_visible()
        shot(reviewer, artifacts, 8, "review-sent-back")

        # 5. Olga reads the comment in her workspace, fixes the pledge and submits it again.
        olga.goto("/my/")
        expect(olga.get_by_text("Name the villages, please.").first).to_be_visible()
        shot(olga, artifacts, 9, "workspace-changes-requested")
        olga.goto(f"/my/pledges/{pledge.reference}/edit/")
        olga.get_by_label("Summary").fill("Solar-powered Wi-Fi in Lodwar, Kakuma and 38 other Turkana villages.")
        olga.get_by_role("button", name="Save and submit for review").click()
        expect(olga.get_by_text("Submitted", exact=False).first).to_be_visible()
        shot(olga, artifacts, 10, "resubmitted")

        # 6. Rui sees what changed and publishes it.
        reviewer.goto(f"/review/{pledge.reference}/")
        expect(reviewer.get_by_text("Lodwar, Kakuma", exact=False).first).to_be_visible()
        shot(reviewer, artifacts, 11, "review-what-changed")
        reviewer.get_by_role("button", name="Publish", exact=True).click()
        expect(reviewer.get_by_text(pledge.reference).first).to_be_visible()
        pledge.refresh_from_db()
        assert pledge.state == Pledge.State.PUBLISHED
        shot(reviewer, artifacts, 12, "published")

        # 7. Anyone can read it.
        public = browser.new_page(base_url=live_server.url)
        public.goto(f"/pledges/{pledge.reference}/")
        expect(public.get_by_role("heading", name="Community Wi-Fi for 40 villages in Turkana")).to_be_visible()
        expect(public.get_by_text("Baobab Community Networks").first).to_be_visible()
        expect(public.get_by_text("Lodwar, Kakuma", exact=False).first).to_be_visible()
        shot(public, artifacts, 13, "public-page")
        public.close()
    finally:
        olga_context.close()
        rui_context.close()
    assert User.objects.filter(email="olga@example.org").exists()
