"""Every public page, the pledge form, the report form and the review queue, through axe-core in Chromium.

Each page is checked in English and in Arabic (right to left): no axe violation of impact
"serious" or "critical", and every element the keyboard reaches shows a visible focus indicator.
The world the pages show is seeded by ``a_small_world`` (tests/browser/test_pages.py) plus an
About page imported from a WordPress document of our own making, a second content page, an open
reporting cycle, Amina of Kijiji Telecom (a member) and Rui (a reviewer).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from p2c.accounts.models import User
from p2c.content.models import Page
from p2c.content.services import page_import
from p2c.content.wordpress import page_parse
from p2c.core.setup import reviewers_group_ensure
from p2c.entities.models import Entity, Membership
from p2c.reporting.models import ReportingCycle
from tests.accounts.helpers import verified_user
from tests.browser.test_pages import a_small_world
from tests.content.wp_documents import wp_page
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLEDGE = "P2C-2026-0042"
# (name, who is signed in, address without the language prefix)
PAGES: list[tuple[str, str, str]] = [
    ("home", "", "/"),
    ("explorer", "", "/pledges/"),
    ("explorer-search", "", "/pledges/?q=schools"),
    ("explorer-filters", "", "/pledges/?focus_area=access&country=KE&usd_min=1000000"),
    ("pledge", "", f"/pledges/{PLEDGE}/"),
    ("entities", "", "/entities/"),
    ("entity", "", "/entities/kijiji-telecom/"),
    ("countries", "", "/countries/"),
    ("country", "", "/countries/KE/"),
    ("dashboard", "", "/dashboard/"),
    ("timeline", "", "/timeline/"),
    ("about", "", "/about/"),
    ("content-page", "", "/pages/how-we-count/"),
    ("sign-in", "", "/accounts/login/"),
    ("sign-up", "", "/accounts/signup/"),
    ("pledge-form", "amina", "/my/pledges/new/"),
    ("report-form", "amina", f"/my/pledges/{PLEDGE}/report/"),
    ("review-queue", "rui", "/review/"),
]
LANGUAGES = {"en": "", "ar": "/ar"}
GRAVE = ("serious", "critical")

# What the keyboard focused, and whether it shows a focus indicator: a computed outline (style not
# none, width > 0) or, on HTML elements, a box-shadow.
FOCUS_VISIBLE_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.getAttribute("aria-label") || el.textContent || el.name || el.id || "").trim().slice(0, 60),
    // A box-shadow does not draw on SVG elements (a chart's or the map's links): they need an outline.
    visible: outline || (!(el instanceof SVGElement) && s.boxShadow !== "none"),
  };
}"""


def accessibility_world() -> dict[str, User]:
    """The pages' data, and the two people who sign in: Amina (member of Kijiji Telecom) and Rui (reviewer)."""
    a_small_world()
    page_import(imported=page_parse(wp_page()), as_about=True)
    Page.objects.create(
        slug="how-we-count",
        title="How we count pledges",
        content_html="<p>Every figure counts <strong>published</strong> pledges only.</p>"
        "<h2>Money</h2><p>Amounts are converted to US dollars at the rate of the day they were pledged.</p>",
    )
    today = timezone.localdate()
    ReportingCycle.objects.create(
        year=today.year,
        period_start=dt.date(today.year, 1, 1),
        period_end=dt.date(today.year, 12, 31),
        opens_on=today,
        closes_on=today + dt.timedelta(days=60),
    )
    amina = verified_user(email="amina@kijiji.example", full_name="Amina Njoroge")
    MembershipFactory(user=amina, entity=Entity.objects.get(slug="kijiji-telecom"), role=Membership.Role.MEMBER)
    rui = verified_user(email="rui@secretariat.example", full_name="Rui")
    rui.groups.add(reviewers_group_ensure())
    return {"amina": amina, "rui": rui}


def signed_in(context: Any, live_server: Any, user: User) -> Any:
    """Sign ``user`` in to the browser ``context`` by giving it a session cookie (no sign-in form)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])
    return context


def axe_grave(page: Any) -> list[str]:
    """Each serious or critical axe violation on the page: rule id, impact, target and help."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] not in GRAVE:
            continue
        for node in violation["nodes"]:
            found.append(
                f"{violation['id']} ({violation['impact']}) at {node['target']}: {violation['help']}"
                f" — {node['html'][:160]}"
            )
    return found


def focus_problems(page: Any, stops: int = 400) -> list[str]:
    """Tab through the page (up to ``stops`` times): every focused element must show its focus."""
    page.evaluate("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()")
    problems = []
    for _ in range(stops):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_VISIBLE_JS)
        if focused is None:  # back to the top: every stop has been visited
            break
        if not focused["visible"]:
            problems.append(f"no visible focus on <{focused['tag']}> {focused['text']!r}")
    return problems


@pytest.fixture
def contexts(browser: Any, live_server: Any) -> Iterator[dict[str, Any]]:
    """One browser context per person (anonymous, Amina, Rui), opened on demand."""
    opened: dict[str, Any] = {}
    yield opened
    for context in opened.values():
        context.close()


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_page_passes_axe_and_shows_keyboard_focus(
    browser: Any, live_server: Any, contexts: dict[str, Any], language: str
) -> None:
    people = accessibility_world()
    prefix = LANGUAGES[language]
    report: list[str] = []
    for name, who, path in PAGES:
        if who not in contexts:
            context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
            contexts[who] = signed_in(context, live_server, people[who]) if who else context
        if not contexts[who].pages:
            contexts[who].new_page().set_default_timeout(60_000)
        page = contexts[who].pages[0]
        url = prefix + path
        response = page.goto(url)  # the live server's very first page can take ~10 s here
        assert response is not None and response.status == 200, (url, response and response.status)
        assert page.url.endswith(url), f"{url} was redirected to {page.url}"
        html = page.locator("html")
        assert html.get_attribute("lang") == ("ar" if language == "ar" else "en"), url
        assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr"), url
        report += [f"{language} {name} {url}: {problem}" for problem in axe_grave(page)]
        report += [f"{language} {name} {url}: {problem}" for problem in focus_problems(page)]
    print("\n".join(report))
    assert not report, "\n" + "\n".join(report)
