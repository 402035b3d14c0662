"""Light pages: each public page with all it loads weighs at most 100 KB compressed, and works without JavaScript.

How the weight is measured. The pages are rendered as in production: static files collected by
``CompressedManifestStaticFilesStorage`` (hashed names, pre-compressed copies) and served by
WhiteNoise, which the browser reaches through a route that hands each ``/static/`` request to
Django's test client (the live server's own static handler knows no hashed names). For a static
file the weight is the body WhiteNoise sends to a browser that accepts gzip. The HTML itself is not
compressed by Django (there is no ``GZipMiddleware``; compressing it is left to the web server in
front), so for a document the weight is its gzip-compressed size (level 6, what such a server
typically sends) — a proxy, not a measurement of a transfer.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from p2c.pledges.models import Pledge
from tests.browser.test_accessibility import PLEDGE, accessibility_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET = 100 * 1024
PAGES = {
    "home": "/",
    "explorer": "/pledges/",
    "pledge": f"/pledges/{PLEDGE}/",
    "entity": "/entities/kijiji-telecom/",
    "country": "/countries/KE/",
    "dashboard": "/dashboard/",
    "timeline": "/timeline/",
    "about": "/about/",
}
ONE_YEAR = 365 * 24 * 3600


@pytest.fixture
def whitenoise(settings: Any, tmp_path: Path) -> Client:
    """Static files as in production: collected, hashed and compressed; a client whose WhiteNoise serves them."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return Client()  # a new client builds its middleware now, so WhiteNoise finds the collected files


def serve_static_through_whitenoise(page: Any, client: Client, weights: dict[str, int]) -> None:
    """Answer the page's /static/ requests with WhiteNoise's responses, noting each one's compressed size."""

    def handle(route: Any) -> None:
        path = re.sub(r"^https?://[^/]+", "", route.request.url)
        compressed = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
        assert compressed.status_code == 200, path
        weights[path] = len(b"".join(compressed.streaming_content))
        plain = client.get(path)
        route.fulfill(
            status=200,
            headers={"Content-Type": plain["Content-Type"], "Cache-Control": plain["Cache-Control"]},
            body=b"".join(plain.streaming_content),
        )

    page.route("**/static/**", handle)


def test_every_public_page_weighs_at_most_100_kb_compressed(page: Any, whitenoise: Client) -> None:
    accessibility_world()
    static: dict[str, int] = {}
    serve_static_through_whitenoise(page, whitenoise, static)
    documents: list[Any] = []
    page.on("response", lambda r: documents.append(r) if r.request.resource_type == "document" else None)
    figures = {}
    for name, path in PAGES.items():
        static.clear()
        documents.clear()
        response = page.goto(path, wait_until="load")
        assert response is not None and response.status == 200, path
        html = sum(len(gzip.compress(document.body(), 6)) for document in documents)
        assets = sum(static.values())
        assert static, f"{path} loaded no static file: was the stylesheet served?"
        assert all("/static/" in url for url in static), static
        figures[name] = (html, assets, dict(static))
    report = "\n".join(
        f"{name:10} {(html + assets) / 1024:6.1f} KB  (HTML {html / 1024:.1f} KB gzip, "
        f"static {assets / 1024:.1f} KB: {', '.join(f'{Path(u).name} {s / 1024:.1f}' for u, s in files.items())})"
        for name, (html, assets, files) in figures.items()
    )
    print("\nPage weight, compressed:\n" + report)
    heavy = [name for name, (html, assets, _files) in figures.items() if html + assets > BUDGET]
    assert not heavy, f"over the 100 KB budget: {heavy}\n{report}"


def test_the_stylesheet_has_a_hashed_name_and_is_cached_for_a_year(whitenoise: Client) -> None:
    accessibility_world()
    html = whitenoise.get("/").content.decode()
    (href,) = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert re.fullmatch(r"/static/css/p2c\.[0-9a-f]{12}\.css", href), href
    response = whitenoise.get(href, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    max_age = int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))  # type: ignore[union-attr]
    assert max_age >= ONE_YEAR and "immutable" in response["Cache-Control"], response["Cache-Control"]
    # The same goes for the explorer's script and the dashboard's stylesheet.
    for path, pattern in (("/pledges/", r'src="(/static/js/explorer\.[0-9a-f]{12}\.js)"'),
                          ("/dashboard/", r'href="(/static/dashboard/charts\.[0-9a-f]{12}\.css)"')):  # fmt: skip
        (url,) = re.findall(pattern, whitenoise.get(path).content.decode())
        assert "immutable" in whitenoise.get(url)["Cache-Control"]
    # An unhashed name is served too, but only briefly cached.
    assert "immutable" not in whitenoise.get("/static/css/p2c.css")["Cache-Control"]


def test_every_public_page_is_usable_without_javascript(browser: Any, live_server: Any) -> None:
    accessibility_world()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        for path in PAGES.values():
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            assert page.locator("main h1").first.is_visible(), path
            assert page.locator("main").inner_text().strip(), path
            assert page.locator(".site-nav a").count() >= 7, path
        # The explorer's filters are a plain GET form: open the panel, tick, apply.
        page.goto("/pledges/")
        page.locator("#filter-panel > summary").click()
        page.get_by_label("Access", exact=True).check()
        page.locator("#explorer-form [type=submit]").first.click()
        page.wait_for_url("**/pledges/?**focus_area=access**")
        assert page.get_by_label("Access", exact=True).is_checked()
        access = Pledge.objects.filter(state=Pledge.State.PUBLISHED, focus_areas__code="access").distinct().count()
        assert page.locator('[data-figure="count"] .figure-number').inner_text() == str(access)
    finally:
        context.close()
