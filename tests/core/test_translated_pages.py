"""Every page in every language: no English left in the interface, right-to-left Arabic, content marked.

The data is written so that no English word of the interface can come from it: people and
organisations have made-up names, and pledge text, which stays in the language its author wrote it
in, sits inside an element whose ``lang`` says so. So any English word found outside such an
element on a translated page is interface text that was not translated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from p2c.content.models import Milestone
from p2c.geo.models import Country
from p2c.pledges.models import Pledge
from tests.content.wp_documents import wp_page, write
from tests.reporting.helpers import open_now
from tests.workspace.helpers import complete_pledge, form_data, world

pytestmark = pytest.mark.django_db

TRANSLATED = ("ar", "zh-hans", "fr", "ru", "es")
# Words that are English and no word of French, Spanish or the other three: seeing one on a
# translated page means a sentence of the interface was left in English.
ENGLISH_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "with",
        "for",
        "from",
        "by",
        "your",
        "you",
        "this",
        "that",
        "these",
        "those",
        "are",
        "is",
        "was",
        "has",
        "have",
        "will",
        "what",
        "who",
        "how",
        "which",
        "pledge",
        "pledges",
        "pledged",
        "entity",
        "entities",
        "country",
        "countries",
        "search",
        "filter",
        "filters",
        "dashboard",
        "report",
        "reports",
        "review",
        "submit",
        "sign",
        "show",
        "more",
        "all",
        "any",
        "published",
        "draft",
        "delivery",
        "partners",
    ]
)
# Names that are the same in every language.
INVARIANT = re.compile(r"Partner2Connect|P2C-\d{4}-\d{4}(-R\d+)?|USD|CSV|XLSX|JSON|API|CC BY 4\.0|GNU AGPL 3\.0")


class _InterfaceText(HTMLParser):
    """The visible text of a page outside pledge content (elements whose ``lang`` differs from the page's)."""

    SKIP = frozenset({"script", "style", "template"})
    VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})

    def __init__(self, page_language: str) -> None:
        super().__init__()
        self.page_language = page_language
        self.stack: list[tuple[str, bool]] = []  # (tag, whether its text is excluded)
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        values = dict(attrs)
        excluded = bool(self.stack and self.stack[-1][1])
        lang = values.get("lang")
        foreign = lang and lang != self.page_language and tag != "html"  # the page's own lang is checked apart
        if tag in self.SKIP or values.get("translate") == "no" or foreign:
            excluded = True
        self.stack.append((tag, excluded))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1][1]) and data.strip():
            self.texts.append(" ".join(data.split()))


def english_left(html: str, language: str, content: Sequence[str] = ()) -> list[str]:
    """The pieces of interface text on ``html`` that contain an English word (``content`` aside)."""
    parser = _InterfaceText(language)
    parser.feed(html)
    found = []
    for text in parser.texts:
        for piece in content:
            text = text.replace(piece, " ")
        words = {w.lower() for w in re.findall(r"[A-Za-z]+", INVARIANT.sub(" ", text))}
        if words & ENGLISH_WORDS:
            found.append(text)
    return found


@pytest.fixture
def scene(tmp_path: Path) -> dict[str, str]:
    """Published pledges of two organisations, an open reporting cycle and an imported About page."""
    w = world()
    kenya = Country.objects.get(iso2="KE")
    pledge = complete_pledge(w.kijiji, state=Pledge.State.PUBLISHED, title="Ukumbi wa Kijiji", summary="Mtandao.")
    complete_pledge(w.savannah, state=Pledge.State.PUBLISHED, title="Mradi wa Savana", countries=[kenya])
    open_now()
    call_command("import_wordpress", str(write(tmp_path, wp_page())), as_about=True)
    return {"reference": pledge.reference, "entity": w.kijiji.slug}


def public_paths(scene: dict[str, str]) -> list[str]:
    return [
        "/",
        "/pledges/",
        "/pledges/?q=Kijiji&focus_area=access&country=KE",
        f"/pledges/{scene['reference']}/",
        "/entities/",
        f"/entities/{scene['entity']}/",
        "/countries/",
        "/countries/KE/",
        "/dashboard/",
        "/dashboard/?focus_area=access",
        "/timeline/",
        "/about/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ]


@pytest.mark.parametrize("language", TRANSLATED)
def test_public_pages_have_no_english_left(client: Client, scene: dict[str, str], language: str) -> None:
    # The imported page's timeline entries are content in the page's language (English here): the
    # timeline marks them with lang; the dashboard's time chart shows them as written.
    curated = [m.title for m in Milestone.objects.filter(kind=Milestone.Kind.CURATED)]
    assert curated
    problems = {}
    for path in public_paths(scene):
        response = client.get(f"/{language}{path}")
        assert response.status_code == 200, path
        html = response.content.decode()
        assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html
        if left := english_left(html, language, curated if path.startswith("/dashboard/") else ()):
            problems[path] = left
    assert not problems, problems


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_signed_in_pages_have_no_english_left(client: Client, scene: dict[str, str], language: str) -> None:
    """The pledge form, the workspace, the report form and the review queues, translated too."""
    from p2c.accounts.models import User

    pledger = User.objects.get(email="amina@kijiji.example")
    reviewer = User.objects.get(email="rui@secretariat.example")
    problems = {}
    client.force_login(pledger)
    for path in ("/my/", "/my/pledges/new/", f"/my/pledges/{scene['reference']}/", "/my/reports/"):
        html = client.get(f"/{language}{path}").content.decode()
        if left := english_left(html, language):
            problems[path] = left
    html = client.get(f"/{language}/my/pledges/{scene['reference']}/report/").content.decode()
    if left := english_left(html, language):
        problems["report form"] = left
    client.force_login(reviewer)
    for path in ("/review/", "/review/reports/", "/review/cycles/"):
        response = client.get(f"/{language}{path}")
        assert response.status_code == 200, path
        if left := english_left(response.content.decode(), language):
            problems[path] = left
    assert not problems, problems


def test_an_error_message_is_translated_next_to_its_field(client: Client, scene: dict[str, str]) -> None:
    from p2c.accounts.models import User

    client.force_login(User.objects.get(email="amina@kijiji.example"))
    data = form_data(title="x", start_date="2027-01-01", end_date="2026-01-01")
    html = client.post("/fr/my/pledges/new/", data).content.decode()
    with translation.override("fr"):
        message = gettext("The end date is before the start date: check both dates.")
    assert message != "The end date is before the start date: check both dates."
    assert escape(message) in html
    assert not english_left(html, "fr")


def test_the_checker_finds_english(client: Client, scene: dict[str, str]) -> None:
    """The check itself: the English page is full of English, pledge text in its own language is not counted."""
    html = client.get("/pledges/").content.decode()
    assert english_left(html, "fr")
    assert english_left('<p lang="en">All the pledges</p><p>Tous</p>', "fr") == []
    assert english_left("<p>Show all pledges</p>", "fr") == ["Show all pledges"]


def test_pledge_text_is_marked_with_its_language(client: Client, scene: dict[str, str]) -> None:
    pledge = Pledge.objects.get(reference=scene["reference"])
    pledge.language = "es"
    pledge.save(update_fields=["language"])
    html = client.get(f"/fr/pledges/{pledge.reference}/").content.decode()
    assert f'<h1 id="pledge-title" lang="es">{pledge.title}</h1>' in html
    assert '<p class="lead" lang="es">' in html


@pytest.mark.parametrize(
    ("language", "number", "country"),
    [("fr", "1\xa0000\xa0000", "Kenya"), ("es", "1\xa0000\xa0000", "Kenia"), ("ar", "1,000,000", "كينيا")],
)
def test_numbers_and_country_names_follow_the_language(
    client: Client, scene: dict[str, str], language: str, number: str, country: str
) -> None:
    html = client.get(f"/{language}/pledges/{scene['reference']}/").content.decode()
    assert number in html
    assert country in html
