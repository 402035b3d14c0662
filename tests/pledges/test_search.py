"""Full-text search (``p2c.pledges.search``): what it searches, what users may type, how it stays current."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from p2c.demo.services import demo_data_load
from p2c.pledges.models import Pledge, PledgePartner
from p2c.pledges.search import (
    pledge_entity_names,
    pledge_search,
    pledge_search_relevance,
    search_index_ensure,
    search_index_missing,
    search_terms,
)
from p2c.pledges.selectors import published_pledges
from p2c.pledges.services import pledge_draft_create, pledge_update
from tests.factories import EntityFactory, PledgeFactory, amina

pytestmark = pytest.mark.django_db

PUBLISHED = Pledge.State.PUBLISHED

NASTY = [
    '"',
    '""',
    "'",
    "*",
    "school*",
    "NEAR(rural schools, 3)",
    "rural NEAR schools",
    "AND",
    "OR OR OR",
    "NOT schools",
    "-schools",
    "title:schools",
    "{title}: schools",
    "^schools",
    "rural + schools",
    "(schools",
    "schools)",
    "[schools]",
    "schools'); DROP TABLE pledges_pledge; --",
    "%",
    "_",
    "\\",
    "\x00school",
    "school\u200b",
    "😀 schools",
    "São Tomé",
    "Côte d'Ivoire",
    "学校",
    "مدارس",
    "école" * 100,
    " ".join(["word"] * 500),
    "a & b | c ! d <-> e",
    "'school':*",
    "!!!",
    "   ",
    "",
]


@pytest.mark.parametrize("text", NASTY)
def test_any_text_gives_safe_terms_and_a_working_query(text: str) -> None:
    terms = search_terms(text)
    assert all(term.isalnum() for term in terms)
    assert len(terms) <= 12
    PledgeFactory(state=PUBLISHED, title="Connect rural schools")
    # Never raises, whatever the backend.
    list(pledge_search(published_pledges(), text).order_by(pledge_search_relevance(text).desc()))


def test_terms_drop_punctuation_operators_stop_words_and_repeats() -> None:
    assert search_terms('NEAR("rural"  schools)* AND the Schools!') == ["near", "rural", "schools"]
    assert search_terms("the and of") == []
    assert search_terms("Côte d’Ivoire") == ["côte", "d", "ivoire"]
    assert search_terms("P2C-2026-0042") == ["p2c", "2026", "0042"]


def make(title: str, **kwargs: Any) -> Pledge:
    return PledgeFactory(state=PUBLISHED, title=title, **kwargs)


def found(text: str) -> set[str]:
    return {p.title for p in pledge_search(published_pledges(), text)}


def test_title_summary_description_reference_and_entity_names_are_searched() -> None:
    kijiji = EntityFactory(name="Kijiji Telecom", acronym="KTEL")
    make("Broadband for clinics", reference="P2C-2026-0042", lead_entity=kijiji)
    make("Solar towers", summary="Towers powered by the sun in Turkana county")
    make("Coding clubs", description="**Weekly** coding clubs for girls in secondary schools")
    partnered = make("Spectrum roadmap")
    PledgePartner.objects.create(pledge=partnered, entity=EntityFactory(name="Ministry of Posts"))
    partnered.save()  # the ORM path keeps the entity names current

    assert found("clinics") == {"Broadband for clinics"}
    assert found("kijiji") == found("KTEL") == found("telecom broadband") == {"Broadband for clinics"}
    assert found("P2C-2026-0042") == {"Broadband for clinics"}
    assert found("turkana") == {"Solar towers"}
    assert found("girls secondary") == {"Coding clubs"}
    assert found("ministry posts") == {"Spectrum roadmap"}


def test_every_word_must_match_and_forms_of_a_word_match_each_other() -> None:
    make("Connect rural schools")
    make("Connect urban hospitals")
    assert found("connect") == {"Connect rural schools", "Connect urban hospitals"}
    assert found("connect schools") == {"Connect rural schools"}
    assert found("connecting school") == {"Connect rural schools"}  # stemmed
    assert found("schools hospitals") == set()


def test_accents_do_not_matter_on_sqlite() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's english configuration keeps accents (no unaccent extension)")
    make("Broadband for São Tomé and Príncipe")
    assert found("sao tome") == found("São Tomé") == {"Broadband for São Tomé and Príncipe"}


def test_only_what_the_queryset_holds_is_searched() -> None:
    for state in Pledge.State:
        PledgeFactory(state=state, title=f"Rural schools {state}")
    assert found("rural schools") == {"Rural schools published"}


def test_relevance_puts_title_and_entity_matches_first() -> None:
    older = make("Connect rural schools", published_at=dt.datetime(2023, 1, 1, tzinfo=dt.UTC))
    make(
        "Community networks",
        description="Networks for rural schools",
        published_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    )
    ordered = pledge_search(published_pledges(), "rural schools").order_by(
        pledge_search_relevance("rural schools").desc(), "-published_at"
    )
    assert [p.title for p in ordered] == [older.title, "Community networks"]
    assert pledge_search(published_pledges(), "!!!").count() == 2  # no words: nothing to filter by


def test_drafts_and_edits_through_the_services_are_searchable_at_once() -> None:
    user = amina()
    kijiji = user.memberships.get().entity
    draft = pledge_draft_create(acting_user=user, lead_entity=kijiji, title="Connect 200 rural schools")
    assert draft.entity_names == "Kijiji Telecom\nKTEL"
    everything = Pledge.objects.all()
    assert list(pledge_search(everything, "kijiji rural")) == [draft]

    pledge_update(pledge=draft, acting_user=user, expected_version=1, title="Train 500 teachers")
    assert list(pledge_search(everything, "teachers kijiji")) == [draft]
    assert list(pledge_search(everything, "rural")) == []


def test_partners_and_renamed_entities_are_kept_current(django_capture_on_commit_callbacks: Any) -> None:
    pledge = make("Connect rural schools", lead_entity=EntityFactory(name="Kijiji Telecom"))
    ministry = EntityFactory(name="Ministry of ICT", acronym="MICT")
    with django_capture_on_commit_callbacks(execute=True):
        partner = PledgePartner.objects.create(pledge=pledge, entity=ministry)
    assert found("mict") == {pledge.title}

    with django_capture_on_commit_callbacks(execute=True):
        ministry.name, ministry.acronym = "Ministry of Digital Economy", "MDE"
        ministry.save()
    pledge.refresh_from_db()
    assert pledge.entity_names == "Kijiji Telecom\nMinistry of Digital Economy\nMDE"
    assert found("digital economy") == {pledge.title}
    assert found("mict") == set()

    with django_capture_on_commit_callbacks(execute=True):
        partner.delete()
    assert found("digital economy") == set()
    assert pledge_entity_names(Pledge.objects.get(pk=pledge.pk)) == "Kijiji Telecom"


def test_a_deleted_pledge_leaves_the_index() -> None:
    pledge = make("Connect rural schools")
    pledge.delete()
    assert found("rural") == set()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pledges_pledge_search WHERE pledges_pledge_search MATCH 'rural'")
            assert cursor.fetchone()[0] == 0


def test_the_index_is_put_back_after_a_migration_rebuilt_the_table() -> None:
    """Django's SQLite schema editor rebuilds tables for most changes, which drops their triggers."""
    assert search_index_missing(connection) == []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for trigger in ("pledges_pledge_search_ai", "pledges_pledge_search_ad", "pledges_pledge_search_au"):
                cursor.execute(f"DROP TRIGGER {trigger}")
        else:
            cursor.execute("DROP TRIGGER pledges_pledge_search_sync ON pledges_pledge")
    assert search_index_missing(connection)
    make("Written while the index was gone")
    if connection.vendor == "postgresql":  # PostgreSQL builds no index while deferred checks are pending
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    search_index_ensure(using="default")
    assert search_index_missing(connection) == []
    assert found("gone") == {"Written while the index was gone"}
    make("Written after")
    assert found("written") == {"Written while the index was gone", "Written after"}


def test_demo_data_is_searchable_by_its_entities() -> None:
    demo_data_load(pledges=60, seed=3)
    sample = list(Pledge.objects.select_related("lead_entity").order_by("id")[:60])
    for pledge in sample:
        assert pledge.entity_names == pledge_entity_names(pledge)  # as the ORM would have written it
    pledge = next(p for p in sample if p.state == PUBLISHED)
    words = " ".join(pledge.lead_entity.name.split()[:2])
    assert pledge in pledge_search(published_pledges(), f"{words} {pledge.title.split()[0]}")
