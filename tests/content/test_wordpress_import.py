"""`p2c import-wordpress`: WordPress pages become our pages, safely, once, with their timeline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from p2c.content.models import Milestone, Page
from tests.content.wp_documents import wp_page, write

pytestmark = pytest.mark.django_db
SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "about-p2c.wp.json"


def test_a_page_keeps_heading_text_quotation_and_timeline(tmp_path: Path) -> None:
    call_command("import_wordpress", str(write(tmp_path, wp_page())), as_about=True)
    page = Page.objects.get(slug="about-lakeside")
    assert page.title == "About & us"
    assert page.is_about
    assert page.source_url == "https://lakeside.example/about/"
    assert page.source_modified_at == dt.datetime(2025, 2, 10, 15, 5, 29, tzinfo=dt.UTC)
    html = page.content_html
    assert "<h2><strong>Connecting the last billion, together</strong></h2>" in html
    assert "<p>The Lakeside Coalition brings partners together.</p><p>Every pledge" in html
    assert "<blockquote><p>Connectivity is a team sport.</p></blockquote>" in html
    assert "<figcaption>Imani Example, Chair, Lakeside Coalition</figcaption>" in html
    assert '<ol class="timeline">' in html
    assert "background-image" not in html and "example.org/face.jpg" not in html


def test_the_about_page_is_served_in_the_sites_layout(tmp_path: Path, client: Client) -> None:
    call_command("import_wordpress", str(write(tmp_path, wp_page())), as_about=True)
    response = client.get("/about/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>About &amp; us</h1>" in body
    assert 'class="skip-link"' in body
    assert client.get("/pages/about-lakeside/").status_code == 200


def test_timeline_entries_become_curated_milestones_shown_on_the_timeline(tmp_path: Path, client: Client) -> None:
    call_command("import_wordpress", str(write(tmp_path, wp_page())))
    milestones = list(Milestone.objects.values_list("achieved_on", "title", "kind", "precision"))
    assert milestones == [
        (dt.date(2021, 1, 1), "Coalition founded", "curated", "month"),
        (dt.date(2023, 9, 1), "500 pledges published", "curated", "month"),
    ]
    body = client.get("/timeline/").content.decode()
    assert "January 2021" in body and "Coalition founded" in body


def test_importing_the_same_document_twice_updates_instead_of_duplicating(tmp_path: Path) -> None:
    path = write(tmp_path, wp_page())
    call_command("import_wordpress", str(path))
    changed = wp_page(title={"rendered": "About the coalition"})
    changed["content"]["rendered"] = changed["content"]["rendered"].replace("Coalition founded", "Coalition formed")
    call_command("import_wordpress", str(write(tmp_path, changed)))
    assert Page.objects.count() == 1
    assert Page.objects.get().title == "About the coalition"
    assert Milestone.objects.count() == 2
    assert Milestone.objects.filter(title="Coalition formed").exists()


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script><p>ok</p>",
        '<p><img src=x onerror="alert(1)">ok</p>',
        '<p><a href="javascript:alert(1)">ok</a></p>',
        '<p><a href="JaVaScRiPt:alert(1)">ok</a></p>',
        '<p onclick="alert(1)">ok</p>',
        "<p>ok</p><iframe src='https://evil.example'></iframe>",
        '<p>ok</p><svg onload="alert(1)"></svg>',
        "<p>ok<style>body{display:none}</style></p>",
        '<p><a href="data:text/html,<script>alert(1)</script>">ok</a></p>',
    ],
)
def test_nothing_from_the_source_can_run_script(tmp_path: Path, client: Client, payload: str) -> None:
    call_command("import_wordpress", str(write(tmp_path, wp_page(content={"rendered": payload}))), as_about=True)
    stored = Page.objects.get().content_html.lower()
    served = client.get("/about/").content.decode().lower()
    article = served.split("<article")[1].split("</article>")[0]
    for text in (stored, article):
        for bad in ("<script", "onerror", "onclick", "onload", "javascript:", "<iframe", "<svg", "<style", "data:"):
            assert bad not in text
    assert "ok" in stored


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('[{"type": "page"}]', "Expected one WordPress page"),
        ('{"type": "post", "slug": "news"}', "not a WordPress page"),
        ('{"type": "page", "slug": "x", "title": {"rendered": "X"}}', "has no “content”"),
        ('{"type": "page", "slug": "bad slug!", "title": {"rendered": "X"}}', "no usable slug"),
    ],
)
def test_a_malformed_file_is_refused_clearly_and_imports_nothing(tmp_path: Path, content: str, message: str) -> None:
    good = write(tmp_path, wp_page(), name="good.wp.json")
    bad = write(tmp_path, content, name="bad.wp.json")
    with pytest.raises(CommandError, match=message):
        call_command("import_wordpress", str(good), str(bad))
    assert not Page.objects.exists()
    assert not Milestone.objects.exists()


def test_about_is_not_found_until_a_page_is_chosen(client: Client) -> None:
    assert client.get("/about/").status_code == 404


@pytest.mark.skipif(not SEED.exists(), reason="../shared/seeds/about-p2c.wp.json is not beside this checkout")
def test_the_coalitions_own_about_page_imports(client: Client) -> None:
    call_command("import_wordpress", str(SEED), as_about=True)
    page = Page.objects.get(is_about=True)
    assert page.title == "About"
    assert "<blockquote>" in page.content_html and "<figcaption>" in page.content_html
    assert page.content_html.count('class="timeline-entry"') == Milestone.objects.filter(source_page=page).count()
    assert Milestone.objects.filter(source_page=page).count() >= 9
    assert Milestone.objects.filter(achieved_on=dt.date(2022, 3, 1), source_page=page).exists()
    assert client.get("/about/").status_code == 200
