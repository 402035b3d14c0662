"""A complete pledge made with the keyboard alone, its focus visible at every step.

Amina, a member of Kijiji Telecom, opens the pledge form and writes a financial pledge to Kenya:
Tab and Shift+Tab to move, typing for text and dates, Space for checkboxes and radio buttons,
arrow keys for radio groups and selects, Enter to submit. No clicks and no ``fill()``: the test
reads the page only to know where the focus is. Each time the focus moves, the focused element
must show a visible indicator (a computed outline or box-shadow).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from p2c.content.models import Event
from p2c.pledges.models import Pledge
from tests.accounts.helpers import kijiji
from tests.browser.test_accessibility import FOCUS_VISIBLE_JS, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def focused(page: Any) -> dict[str, Any]:
    """What has the focus, and whether it shows it; fails when the focus is not visible."""
    state = page.evaluate(FOCUS_VISIBLE_JS)
    assert state is not None, "the focus left the page"
    assert state["visible"], f"no visible focus on <{state['tag']}> {state['text']!r}"
    return state


def press(page: Any, key: str) -> dict[str, Any]:
    page.keyboard.press(key)
    return focused(page)


def tab_to(page: Any, selector: str, *, backwards: bool = False, limit: int = 400) -> None:
    """Press Tab (or Shift+Tab) until the element matching ``selector`` has the focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        press(page, key)
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{key} never reached {selector}")


def type_into(page: Any, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def active(page: Any, prop: str) -> Any:
    return page.evaluate(f"document.activeElement.{prop}")


def test_a_member_submits_a_complete_pledge_with_the_keyboard_only(
    browser: Any, live_server: Any, artifacts: Path
) -> None:
    entity, amina = kijiji()
    Event.objects.create(name="WTDC-22 Digital Development Roundtable", slug="wtdc-22", starts_on=dt.date(2022, 6, 9))
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-US")
    page = signed_in(context, live_server, amina).new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto("/my/pledges/new/")
        assert page.get_by_role("heading", level=1).inner_text() == "Make a pledge"

        # The skip link comes first, and leads into the page.
        assert press(page, "Tab")["text"] == "Skip to main content"
        page.keyboard.press("Enter")
        assert active(page, "id") == "main"

        # About the pledge.
        type_into(page, "#id_title", "Connect 200 rural schools in Turkana")
        type_into(page, "#id_summary", "Fibre and solar-powered Wi-Fi for 200 schools.")
        type_into(page, "#id_description", "Kijiji Telecom connects **200 schools** in Turkana by 2027.")
        page.keyboard.press("Enter")
        page.keyboard.type("Teachers are trained as each school is connected.")
        # Back one field with Shift+Tab: what was typed is there; then forward again.
        tab_to(page, "#id_summary", backwards=True)
        assert active(page, "value") == "Fibre and solar-powered Wi-Fi for 200 schools."
        tab_to(page, "#id_description")
        tab_to(page, "#id_language")
        assert active(page, "value") == "en"

        # What it is about: Space ticks a checkbox.
        tab_to(page, "[name=focus_areas]")
        while not active(page, "labels[0].textContent.trim()").startswith("Access"):
            press(page, "Tab")
        page.keyboard.press("Space")
        assert active(page, "checked") is True
        tab_to(page, "[name=pledge_types]")
        while not active(page, "labels[0].textContent.trim()").startswith("Financial"):
            press(page, "Tab")
        page.keyboard.press("Space")
        assert active(page, "checked") is True

        # Where: the scope is a radio group, where the arrow keys move and choose; the countries are
        # folded by region: Enter opens a region, Space ticks Kenya.
        tab_to(page, "[name=scope]")
        assert active(page, "value") == "global"
        page.keyboard.press("Space")
        for _ in range(2):
            page.keyboard.press("ArrowDown")
        assert active(page, "value") == "countries" and active(page, "checked") is True
        focused(page)
        tab_to(page, "details:has(#id_countries_KE) > summary")
        page.keyboard.press("Enter")
        tab_to(page, "#id_countries_KE")
        page.keyboard.press("Space")
        assert active(page, "checked") is True

        # Money.
        type_into(page, "#id_amount", "2,000,000")
        type_into(page, "#id_currency", "EUR")

        # One target.
        type_into(page, "#id_targets-0-indicator", "Schools connected")
        type_into(page, "#id_targets-0-unit", "schools")
        type_into(page, "#id_targets-0-target_value", "200")
        type_into(page, "#id_targets-0-target_year", "2027")

        # Dates: typed into the date fields segment by segment (month, day, year in en-US).
        type_into(page, "#id_pledged_on", "03162026")
        type_into(page, "#id_start_date", "04012026")
        type_into(page, "#id_end_date", "12312027")
        # The event: a select, changed with the arrow keys.
        tab_to(page, "#id_event")
        page.keyboard.press("ArrowDown")
        assert active(page, "selectedOptions[0].textContent").startswith("WTDC-22")

        # New or existing: Space chooses the first option, the arrow key the next one.
        tab_to(page, "[name=additionality]")
        page.keyboard.press("Space")
        assert active(page, "value") == "new" and active(page, "checked") is True
        page.keyboard.press("ArrowDown")
        assert active(page, "value") == "expanded" and active(page, "checked") is True
        page.keyboard.press("ArrowUp")
        assert active(page, "value") == "new" and active(page, "checked") is True

        # Submit with Enter on the button.
        tab_to(page, "button[value=submit]")
        page.screenshot(path=str(artifacts / "keyboard-pledge-before-submit.png"))
        with page.expect_navigation():
            page.keyboard.press("Enter")

        pledge = Pledge.objects.get()
        assert pledge.state == Pledge.State.SUBMITTED, page.content()
        assert pledge.lead_entity == entity and pledge.created_by == amina
        assert pledge.title == "Connect 200 rural schools in Turkana"
        assert pledge.description.endswith("Teachers are trained as each school is connected.")
        assert [a.code for a in pledge.focus_areas.all()] == ["access"]
        assert [t.code for t in pledge.pledge_types.all()] == ["financial"]
        assert [c.iso2 for c in pledge.countries.all()] == ["KE"]
        assert (pledge.amount, pledge.currency) == (2_000_000, "EUR")
        assert (pledge.start_date, pledge.end_date) == (dt.date(2026, 4, 1), dt.date(2027, 12, 31))
        assert pledge.event is not None and pledge.event.slug == "wtdc-22"
        assert pledge.additionality == "new"
        assert [(t.indicator, t.target_value) for t in pledge.targets.all()] == [("Schools connected", 200)]
        assert page.get_by_text("Submitted for review.").is_visible()
        assert page.url.endswith(f"/my/pledges/{pledge.reference}/")
        page.screenshot(path=str(artifacts / "keyboard-pledge-submitted.png"), full_page=True)
    finally:
        context.close()
