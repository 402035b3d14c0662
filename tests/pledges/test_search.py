"""Full-text search (``p2c.pledges.search``): what it searches, what users may type, how it stays current."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext

from p2c.demo.services import demo_data_load
from p2c.pledges.filters import pledge_filter, pledge_results_page
from p2c.pledges.models import Pledge, PledgePartner
from p2c.pledges.revisions import pledge_revision_open
from p2c.pledges.search import (
    FTS_COLUMNS,
    pledge_entity_names,
    pledge_search,
    pledge_search_relevance,
    pledge_search_totals,
    search_index_ensure,
    search_index_install,
    search_index_missing,
    search_index_reinstall,
    search_terms,
)
from p2c.pledges.selectors import published_pledges
from p2c.pledges.services import pledge_draft_create, pledge_update
from p2c.pledges.transitions import pledge_publish, pledge_submit, pledge_withdraw
from tests.accounts.helpers import kijiji, send_emails_at_once
from tests.factories import EntityFactory, PledgeFactory, amina
from tests.pledges.test_transitions import complete_pledge, rui

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


def test_counts_sums_and_pages_of_a_search_equal_a_plain_query() -> None:
    """The explorer's search path (SQLite: through the covering index; PostgreSQL: stripped vectors,
    totals from the search table) gives the pledges, count, sum and order that a plain query over the
    pledge rows gives."""
    day = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    expected_headline: list[int] = []  # "lagoon" in the title: first, newest first
    expected_rest: list[int] = []  # "lagoon" in the description only: after them, newest first
    for n in range(26):
        at = day + dt.timedelta(days=n * 7 % 26)  # publication order differs from creation order
        if n % 3 == 0:
            pledge = make(f"Lagoon connectivity {n}", published_at=at, usd_estimate=1000 * n or None)
            expected_headline.append(pledge.pk)
        elif n % 3 == 1:
            pledge = make(f"Island clinics {n}", description="Along the lagoon shore", published_at=at)
            expected_rest.append(pledge.pk)
        else:
            make(f"Mountain towers {n}", published_at=at)
    draft = PledgeFactory(title="Lagoon draft")
    withdrawn = PledgeFactory(state=Pledge.State.WITHDRAWN, title="Lagoon withdrawn", published_at=day)
    # Edits after indexing: a pledge gains the word in its title, another loses it from its description.
    gained = make("Harbour fibre", published_at=day - dt.timedelta(days=1), usd_estimate=777)
    gained.title = "Harbour and lagoon fibre"
    gained.save()
    expected_headline.append(gained.pk)
    lost = Pledge.objects.get(pk=expected_rest.pop())
    lost.description = "Along the coast"
    lost.save()
    cache.clear()  # these saves bypass the services, which would bump the data version

    assert {draft, withdrawn} <= set(pledge_search(Pledge.objects.all(), "lagoon"))  # indexed, never shown
    if connection.vendor == "sqlite":
        assert "INDEXED BY" in str(pledge_search(published_pledges(), "lagoon").query)
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pledges_pledge_search "
                "WHERE document <> strip(document) OR headline <> strip(headline)"
            )
            assert cursor.fetchone()[0] == 0

    reference = published_pledges().filter(pk__in=expected_headline + expected_rest)
    plain = reference.order_by().aggregate(count=Count("id"), usd=Sum("usd_estimate"), valued=Count("usd_estimate"))
    newest = ["-published_at", "-id"]
    order = [
        *published_pledges().filter(pk__in=expected_headline).order_by(*newest).values_list("id", flat=True),
        *published_pledges().filter(pk__in=expected_rest).order_by(*newest).values_list("id", flat=True),
    ]
    for per_page in (5, 7, 30):
        result = pledge_filter({"q": ["lagoon"]})
        pages = [pledge_results_page(result, str(n), per_page=per_page) for n in range(1, 7)]
        totals = pages[0].totals
        assert (totals.count, totals.usd, totals.valued) == (plain["count"], plain["usd"], plain["valued"])
        shown = [p.pk for n, page in enumerate(pages, 1) if page.number == n for p in page.pledges]
        assert shown == order
        assert result.queryset.count() == len(order)


def _index_rows() -> list[tuple[Any, ...]]:
    """What the index holds: PostgreSQL's stored vectors; SQLite's hits for each word used below."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pledge_id, published, usd_estimate, document::text, headline::text "
                "FROM pledges_pledge_search ORDER BY 1"
            )
            return cursor.fetchall()
    words = ("lagoon", "fibre", "kijiji", "schools")
    return [(word, sorted(pledge_search(Pledge.objects.all(), word).values_list("id", flat=True))) for word in words]


def test_installing_or_reinstalling_the_index_writes_what_the_triggers_write() -> None:
    """A fresh database, the migration that rewrites the index and ``search_index_ensure`` agree."""
    make("Lagoon fibre", description="Connect rural schools", lead_entity=EntityFactory(name="Kijiji Telecom"))
    make("Kijiji schools", usd_estimate=None)
    edited = PledgeFactory(title="Harbour fibre")
    edited.title = "Lagoon harbour"
    edited.save()
    withdrawn = make("Lagoon schools")
    Pledge.objects.filter(pk=withdrawn.pk).update(state=Pledge.State.WITHDRAWN, usd_estimate=5)
    written = _index_rows()
    search_index_reinstall(connection)  # migrations 0010 and 0011
    assert _index_rows() == written
    search_index_install(connection)  # what search_index_ensure runs
    assert _index_rows() == written
    assert search_index_missing(connection) == []


def test_the_covering_index_is_put_back_alone_after_a_migration_dropped_it() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL needs no covering index for searches")
    make("Connect rural schools")
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX pledges_pledge_search_cover_idx")
    assert search_index_missing(connection) == ["pledges_pledge_search_cover_idx"]
    search_index_ensure(using="default")
    assert search_index_missing(connection) == []
    assert found("rural") == {"Connect rural schools"}


# --- Totals of a search alone (read straight from the search index) -----------------------------------
def containing(word: str) -> list[int]:
    """The pledges whose searched text holds ``word``, read from their rows (not from the index)."""
    return [
        pledge.pk
        for pledge in Pledge.objects.all()
        if word in " ".join(getattr(pledge, name) for name in FTS_COLUMNS).casefold()
    ]


def plain_totals(ids: Iterable[int], **conditions: Any) -> tuple[int, Decimal, int]:
    """Count, sum and count of valued of the published pledges among ``ids``, by a plain query."""
    found = (
        published_pledges()
        .filter(id__in=list(ids), **conditions)
        .aggregate(count=Count("id"), usd=Sum("usd_estimate"), valued=Count("usd_estimate"))
    )
    return found["count"], found["usd"] or Decimal(0), found["valued"]


def explorer_totals(params: dict[str, Any]) -> tuple[tuple[int, Decimal, int], bool]:
    """The totals the explorer shows for ``params``, computed afresh, and whether the search table
    alone answered them."""
    cache.clear()  # the ORM writes below do not bump the data version the cache key holds
    with CaptureQueriesContext(connection) as queries:
        totals = pledge_results_page(pledge_filter(params), "1").totals
    from_search_table = any(
        "FROM pledges_pledge_search WHERE published" in q["sql"]  # PostgreSQL
        or "FROM pledges_pledge_search CROSS JOIN" in q["sql"]  # SQLite
        for q in queries
    )
    return (totals.count, totals.usd, totals.valued), from_search_table


def assert_search_totals_right(word: str) -> tuple[int, Decimal, int]:
    shown, from_search_table = explorer_totals({"q": word})
    assert shown == plain_totals(containing(word))
    assert from_search_table
    assert pledge_search_totals(word) == shown
    return shown


def test_the_totals_of_a_search_alone_equal_a_plain_query_through_every_change(settings: Any) -> None:
    send_emails_at_once(settings)
    entity, amina = kijiji()
    reviewer = rui()

    def published(**fields: Any) -> Pledge:
        pledge = complete_pledge(entity, **fields)
        pledge = pledge_submit(pledge=pledge, acting_user=amina, expected_version=pledge.version)
        return pledge_publish(pledge=pledge, acting_user=reviewer, expected_version=pledge.version)

    fibre = make("Lagoon fibre", usd_estimate=Decimal("1000.50"))
    make("Lagoon towers", usd_estimate=None)  # published, no value
    make("Mountain towers", usd_estimate=Decimal("9"))  # published, not a hit
    PledgeFactory(title="Lagoon draft")  # valued, never counted
    PledgeFactory(
        state=Pledge.State.WITHDRAWN, title="Lagoon withdrawn", published_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )
    clinics = published(title="Lagoon clinics", amount=Decimal("300"), usd_estimate=Decimal("300"))
    schools = published(title="Lagoon schools", amount=Decimal("40"), usd_estimate=Decimal("40"))
    harbour = make("Harbour fibre", usd_estimate=Decimal("7"))
    assert assert_search_totals_right("lagoon") == (4, Decimal("1340.50"), 3)

    # The value of a published pledge changes through a revision, and another loses its value.
    revision = pledge_revision_open(pledge=clinics, acting_user=amina)
    revision = pledge_update(
        pledge=revision, acting_user=amina, expected_version=revision.version, amount="2500", currency="USD"
    )
    revision = pledge_submit(pledge=revision, acting_user=amina, expected_version=revision.version)
    pledge_publish(pledge=revision, acting_user=reviewer, expected_version=revision.version)
    Pledge.objects.filter(pk=fibre.pk).update(usd_estimate=None)
    assert assert_search_totals_right("lagoon") == (4, Decimal("2540.00"), 2)

    # A published pledge is withdrawn (its state alone changes).
    schools.refresh_from_db()
    pledge_withdraw(pledge=schools, acting_user=amina, expected_version=schools.version)
    assert assert_search_totals_right("lagoon") == (3, Decimal("2500.00"), 1)

    # Edits of the text: one pledge gains the word, another loses it.
    harbour.title = "Harbour and lagoon fibre"
    harbour.save()
    clinics.refresh_from_db()
    clinics.title = "Island clinics"
    clinics.save()
    assert assert_search_totals_right("lagoon") == (3, Decimal("7.00"), 1)


def test_the_sum_of_a_search_alone_is_exact_to_the_cent() -> None:
    """SQLite sums in floating point; the figure shown is rounded as the ORM rounds it (0.1 + 0.2 is 0.30)."""
    for cents in ("0.10", "0.20", "1234567.89"):
        make(f"Reef sensors {cents}", usd_estimate=Decimal(cents))
    shown, from_search_table = explorer_totals({"q": "reef"})
    assert from_search_table
    assert shown == plain_totals(containing("reef")) == (3, Decimal("1234568.19"), 3)
    assert str(shown[1]).rstrip("0") == "1234568.19"


def test_a_search_with_another_filter_or_without_words_is_counted_through_the_pledges() -> None:
    make("Lagoon fibre", usd_estimate=Decimal("1000"), seeking_partners=True)
    make("Lagoon towers", usd_estimate=Decimal("5000"))
    make("Lagoon clinics", usd_estimate=None)
    make("Mountain towers", usd_estimate=Decimal("9"), seeking_partners=True)
    hits, everything = containing("lagoon"), Pledge.objects.values_list("id", flat=True)
    for params, ids, conditions in (
        ({"q": "lagoon", "usd_min": "2000"}, hits, {"usd_estimate__gte": 2000}),
        ({"q": "lagoon", "seeking_partners": "1"}, hits, {"seeking_partners": True}),
        ({"q": "the and"}, everything, {}),  # no words: not a search
    ):
        shown, from_search_table = explorer_totals(params)
        assert shown == plain_totals(ids, **conditions)
        assert not from_search_table
    assert pledge_search_totals("the and") is None


def test_the_postgresql_search_table_tracks_publication_and_value(settings: Any) -> None:
    """Through the trigger: the services and the ORM."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's search reads the state and value from the pledges")
    send_emails_at_once(settings)

    def entry(pledge: Pledge) -> tuple[bool, Decimal | None, str, str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT published, usd_estimate, document::text, ctid::text FROM pledges_pledge_search "
                "WHERE pledge_id = %s",
                [pledge.pk],
            )
            return cursor.fetchone()

    entity, amina = kijiji()
    pledge = complete_pledge(entity, title="Lagoon fibre", usd_estimate=None, amount=None)
    assert entry(pledge)[:2] == (False, None)
    pledge = pledge_update(
        pledge=pledge, acting_user=amina, expected_version=pledge.version, amount="1200", currency="USD"
    )
    assert entry(pledge)[:2] == (False, Decimal("1200.00"))
    pledge = pledge_submit(pledge=pledge, acting_user=amina, expected_version=pledge.version)
    pledge = pledge_publish(pledge=pledge, acting_user=rui(), expected_version=pledge.version)
    published, usd, document, row = entry(pledge)
    assert (published, usd) == (True, Decimal("1200.00"))

    pledge.save()  # nothing changed: the entry is not rewritten
    assert entry(pledge) == (published, usd, document, row)
    Pledge.objects.filter(pk=pledge.pk).update(usd_estimate=Decimal("99.50"))
    assert entry(pledge)[:3] == (True, Decimal("99.50"), document)
    pledge.refresh_from_db()
    pledge = pledge_withdraw(pledge=pledge, acting_user=amina, expected_version=pledge.version)
    assert entry(pledge)[:3] == (False, Decimal("99.50"), document)
    pledge.title = "Harbour fibre"
    pledge.save()
    published, usd, document, _row = entry(pledge)
    assert (published, usd, "'lagoon'" in document, "'harbour'" in document) == (False, Decimal("99.50"), False, True)


def test_pledges_inserted_in_bulk_carry_their_publication_and_value_in_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's search reads the state and value from the pledges")
    demo_data_load(pledges=40, seed=3)  # indexed in bulk (search_index_bulk_insert), not by the trigger
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE s.published), count(s.usd_estimate) "
            "FROM pledges_pledge p JOIN pledges_pledge_search s ON s.pledge_id = p.id "
            "WHERE s.published = (p.state = 'published') AND s.usd_estimate IS NOT DISTINCT FROM p.usd_estimate"
        )
        agreeing, published, valued = cursor.fetchone()
    assert agreeing == Pledge.objects.count() == 40
    assert (published, valued) == (
        published_pledges().count(),
        Pledge.objects.filter(usd_estimate__isnull=False).count(),
    )
    assert 0 < published < 40 and valued
