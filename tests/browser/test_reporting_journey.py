"""Reporting on delivery in a real browser, with real emails through the worker.

The 2026 cycle opens; the daily reminder job emails Amina of Kijiji Telecom a digest. She follows
its link straight to the report form, is told that USD 1.2 million is more than the USD 1 million
pledged, confirms and explains it, and submits. Rui, a secretariat reviewer, follows the link in the
email he receives and accepts the report. The pledge's public page then shows the delivery timeline,
and the dashboard counts it. Screenshots of each step go to ``test-artifacts/reporting-*.png``, the
form, the timeline and the dashboard also at 360 px.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from p2c.core.setup import reviewers_group_ensure
from p2c.geo.models import Country
from p2c.pledges.models import Pledge, PledgeTarget
from p2c.reporting.models import ProgressReport, ReportingCycle
from p2c.reporting.reminders import reminders_send
from tests.accounts.helpers import fast_passwords, first_link, kijiji, verified_user
from tests.browser.test_pledge_journey import sign_in
from tests.core.test_email_worker import run_worker
from tests.factories import PledgeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NARROW = {"width": 360, "height": 780}


def shot(page: Any, artifacts: Path, step: int, name: str) -> None:
    """A full-page screenshot of this step, and nothing wider than the screen."""
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways at {width} px"
    page.screenshot(path=str(artifacts / f"reporting-{step:02d}-{name}.png"), full_page=True)


def narrow_shot(
    browser: Any, live_server: Any, artifacts: Path, step: int, name: str, url: str, part: str = "", **context: Any
) -> None:
    """The same page on a 360 px phone (optionally with the cookies of ``context['storage_state']``),
    and the element ``part`` of it on its own."""
    phone = browser.new_context(base_url=live_server.url, viewport=NARROW, **context)
    try:
        tab = phone.new_page()
        tab.goto(url)
        shot(tab, artifacts, step, f"{name}-360")
        if part:
            tab.locator(part).screenshot(path=str(artifacts / f"reporting-{step:02d}-{name}-360-part.png"))
    finally:
        phone.close()


def emails_to(smtp_sink: Any, address: str, count: int) -> list[Any]:
    result = run_worker(smtp_sink.port)
    assert result.returncode == 0, result.stderr
    smtp_sink.wait_for(count)
    return [m for m in smtp_sink.messages if m["To"] == address]


def test_reminder_report_review_and_public_delivery(
    browser: Any, live_server: Any, artifacts: Path, smtp_sink: Any, settings: Any
) -> None:
    fast_passwords(settings)
    settings.P2C_BASE_URL = live_server.url
    entity, _amina = kijiji()
    rui = verified_user(email="rui@secretariat.example", full_name="Rui")
    rui.groups.add(reviewers_group_ensure())
    pledge = PledgeFactory(
        lead_entity=entity,
        state=Pledge.State.PUBLISHED,
        published_at=dt.datetime(2026, 3, 20, tzinfo=dt.UTC),
        title="Connect 200 rural schools in Turkana",
        summary="Fibre and solar-powered Wi-Fi for 200 schools.",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2028, 12, 31),
        usd_estimate=Decimal("1000000"),
        focus_areas=["access"],
        countries=[Country.objects.get(iso2="KE")],
    )
    PledgeTarget.objects.create(
        pledge=pledge, indicator="Schools connected", unit="schools", baseline=0, target_value=200, target_year=2028
    )
    PledgeTarget.objects.create(
        pledge=pledge, indicator="Teachers trained", unit="teachers", target_value=800, target_year=2028
    )
    today = timezone.localdate()
    ReportingCycle.objects.create(
        year=2026,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        opens_on=today,
        closes_on=today + dt.timedelta(days=60),
    )
    amina_context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    rui_context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    amina, reviewer = amina_context.new_page(), rui_context.new_page()
    for tab in (amina, reviewer):
        tab.set_default_timeout(10_000)
    try:
        # 1. The daily job sends the "cycle open" digest; Amina follows its link to the report form.
        assert reminders_send().emails == 1
        (digest,) = emails_to(smtp_sink, "amina@kijiji.example", 1)
        assert "Progress reports for 2026 are open" in digest["Subject"]
        form_link = next(link for link in re.findall(r"https?://\S+", digest.get_body(("plain",)).get_content())
                         if link.endswith(f"/my/pledges/{pledge.reference}/report/"))  # fmt: skip
        sign_in(amina, "amina@kijiji.example")
        amina.goto(form_link)
        expect(amina.get_by_role("heading", name="Progress report for 2026")).to_be_visible()
        expect(amina.get_by_label("Schools connected, in schools")).to_be_visible()
        shot(amina, artifacts, 1, "form")
        narrow_shot(browser, live_server, artifacts, 1, "form", form_link, storage_state=amina_context.storage_state())

        # 2. She reports more money than was pledged: the form asks her to confirm it and say why.
        amina.get_by_label("On track").check()
        amina.get_by_label("Percent complete").fill("40")
        amina.get_by_label("US dollars disbursed to date").fill("1,200,000")
        amina.get_by_label("Schools connected, in schools").fill("80")
        amina.get_by_label("Teachers trained, in teachers").fill("310")
        amina.get_by_label("What was done").fill(
            "Fibre reached **80 schools** in Turkana; 310 teachers trained.\n\n"
            "- 12 solar sites built\n- 2 delayed by floods"
        )
        amina.get_by_label("Evidence (optional)").fill("https://kijiji.example/annual-report-2026")
        amina.get_by_role("button", name="Save and submit for review").click()
        expect(amina.get_by_text("more than the USD 1,000,000.00 pledged").first).to_be_visible()
        assert amina.get_by_label("Percent complete").input_value() == "40"
        shot(amina, artifacts, 2, "form-errors")
        amina.get_by_label("Yes, more was disbursed than pledged").check()
        amina.get_by_label("Why more than pledged").fill("The county government co-financed 40 schools.")
        amina.get_by_role("button", name="Save and submit for review").click()
        expect(amina.get_by_text("Report submitted.")).to_be_visible()
        report = ProgressReport.objects.get()
        assert report.state == ProgressReport.State.SUBMITTED
        shot(amina, artifacts, 3, "submitted")

        # 3. Rui follows the link in his email and accepts the report.
        (to_review,) = emails_to(smtp_sink, "rui@secretariat.example", 2)
        sign_in(reviewer, "rui@secretariat.example")
        reviewer.goto(first_link(to_review.get_body(("plain",)).get_content()))
        expect(reviewer.get_by_role("heading", name="Connect 200 rural schools in Turkana")).to_be_visible()
        expect(reviewer.get_by_text("The county government co-financed 40 schools.")).to_be_visible()
        shot(reviewer, artifacts, 4, "review")
        reviewer.get_by_label("Comment for the pledger (optional)").fill("Thank you: clear and well evidenced.")
        reviewer.get_by_role("button", name="Accept and publish").click()
        expect(reviewer.get_by_text("report on " + pledge.reference + " is published")).to_be_visible()
        shot(reviewer, artifacts, 5, "accepted")
        accepted = emails_to(smtp_sink, "amina@kijiji.example", 3)
        assert any("is published" in m["Subject"] for m in accepted)

        # 4. Anyone sees the delivery timeline on the pledge's page, and the dashboard counts it.
        public = browser.new_page(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        public.goto(f"/pledges/{pledge.reference}/")
        delivery = public.locator("#delivery")
        expect(delivery.get_by_role("heading", name="Report for 2026")).to_be_visible()
        expect(delivery.get_by_text("On track").first).to_be_visible()
        expect(delivery.get_by_text("120% of the USD 1,000,000 pledged")).to_be_visible()
        expect(delivery.get_by_text("12 solar sites built")).to_be_visible()
        delivery.scroll_into_view_if_needed()
        shot(public, artifacts, 6, "pledge-page")
        narrow_shot(browser, live_server, artifacts, 6, "pledge-page", f"/pledges/{pledge.reference}/", "#delivery")
        public.goto("/dashboard/")
        section = public.locator("#delivery-section")
        expect(section.locator('[data-figure="reporting-rate"]')).to_have_text("100%")
        expect(section.locator('[data-figure="usd-disbursed"]')).to_contain_text("1.2")
        shot(public, artifacts, 7, "dashboard")
        section.screenshot(path=str(artifacts / "reporting-07-dashboard-section.png"))
        narrow_shot(browser, live_server, artifacts, 7, "dashboard", "/dashboard/", "#delivery-section")
        public.close()
    finally:
        amina_context.close()
        rui_context.close()
