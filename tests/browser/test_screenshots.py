"""How the main pages look, in English and Arabic, on a 360 px phone and a 1280 px screen.

Screenshots go to ``test-artifacts/look-<page>-<language>-<width>.png`` for a person to look at. The
test checks what a machine can: nothing scrolls sideways, and the header's links and buttons do not
overlap one another (the navigation wraps instead).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_pages import a_small_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "home": "/",
    "explorer": "/pledges/",
    "dashboard": "/dashboard/",
    "pledge": "/pledges/P2C-2026-0042/",
}
LANGUAGES = {"en": "", "ar": "/ar"}
WIDTHS = ((360, 800), (1280, 900))

# The visible links and buttons of the header, each with its box.
HEADER_ITEMS_JS = """() => Array.from(document.querySelectorAll(".site-header a, .site-header button"))
  .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden"
    && !el.classList.contains("visually-hidden"))
  .map(el => { const r = el.getBoundingClientRect();
    return {text: el.textContent.trim(), left: r.left, right: r.right, top: r.top, bottom: r.bottom}; })"""


def overlaps(a: dict[str, Any], b: dict[str, Any], tolerance: float = 1.0) -> bool:
    return (
        min(a["right"], b["right"]) - max(a["left"], b["left"]) > tolerance
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > tolerance
    )


def test_main_pages_fit_and_do_not_overlap_in_both_directions(page: Any, artifacts: Path) -> None:
    a_small_world()
    problems: list[str] = []
    for language, prefix in LANGUAGES.items():
        for width, height in WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            for name, path in PAGES.items():
                url = prefix + path
                response = page.goto(url)
                assert response is not None and response.status == 200, url
                assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
                where = f"{url} at {width}px"
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                inner_width = page.evaluate("window.innerWidth")
                if scroll_width > inner_width:
                    problems.append(f"{where}: scrolls sideways ({scroll_width} > {inner_width})")
                items = page.evaluate(HEADER_ITEMS_JS)
                assert len(items) >= 8, f"{where}: the header lost its links ({items})"
                for i, first in enumerate(items):
                    for second in items[i + 1 :]:
                        if overlaps(first, second):
                            problems.append(f"{where}: header items overlap: {first['text']!r} and {second['text']!r}")
                    if first["left"] < 0 or first["right"] > inner_width:
                        problems.append(f"{where}: header item {first['text']!r} is off the screen")
                page.screenshot(path=str(artifacts / f"look-{name}-{language}-{width}.png"), full_page=True)
    assert not problems, "\n".join(problems)
