"""/my/ and a pledge's page: every state with its next step, revisions, withdrawing, and query-count guards."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from p2c.entities.models import Membership
from p2c.pledges.models import Pledge
from p2c.pledges.revisions import pledge_revision_open
from p2c.pledges.transitions import pledge_publish, pledge_reject, pledge_request_changes, pledge_submit
from tests.factories import EntityFactory, MembershipFactory, UserFactory
from tests.workspace.helpers import World, complete_pledge, form_data, page, value_of, world

pytestmark = pytest.mark.django_db
State = Pledge.State


@pytest.fixture
def w() -> World:
    return world()


@pytest.fixture
def amina(client: Client, w: World) -> Client:
    client.force_login(w.amina)
    return client


def in_every_state(w: World, suffix: str = "") -> dict[str, Pledge]:
    """One pledge of Kijiji Telecom in each state, moved there through the real transitions."""
    pledges = {
        state: complete_pledge(w.kijiji, title=f"{state}{suffix}") for state in State.values if state != "applied"
    }
    for state in ("submitted", "changes_requested", "published", "rejected"):
        pledge_submit(pledge=pledges[state], acting_user=w.amina, expected_version=1)
    pledge_request_changes(
        pledge=pledges["changes_requested"], acting_user=w.rui, expected_version=2, comment="Name the schools."
    )
    pledge_publish(pledge=pledges["published"], acting_user=w.rui, expected_version=2)
    pledge_reject(pledge=pledges["rejected"], acting_user=w.rui, expected_version=2, reason="Out of scope.")
    from p2c.pledges.transitions import pledge_withdraw

    pledge_withdraw(pledge=pledges["withdrawn"], acting_user=w.amina, expected_version=1)
    return {state: Pledge.objects.get(pk=p.pk) for state, p in pledges.items()}


# --- /my/ ------------------------------------------------------------------------------------


def test_home_lists_every_state_with_what_to_do_next(amina: Client, w: World) -> None:
    pledges = in_every_state(w)
    revision = pledge_revision_open(pledge=pledges["published"], acting_user=w.amina)

    html = page(amina.get("/my/"))
    text = html.text()
    items = {item.find("h3")[0].text(): item for item in html.find("li") if "ws-pledge" in item.classes()}
    assert set(items) == {"draft", "submitted", "changes_requested", "published", "rejected", "withdrawn"}
    assert "Complete it and submit it for review" in items["draft"].text()
    assert "Name the schools." in items["changes_requested"].text()
    assert items["changes_requested"].find("a", href=f"/my/pledges/{pledges['changes_requested'].reference}/edit/")
    assert "Waiting for review since" in items["submitted"].text()
    published = items["published"]
    assert published.find("a", href=f"/pledges/{pledges['published'].reference}/")
    assert f"Proposed changes {revision.reference} Draft" in published.text()
    assert "Out of scope." in items["rejected"].text()
    assert "Withdrawn on" in items["withdrawn"].text()
    assert html.find("a", href="/my/pledges/new/")
    # What needs the pledger comes first.
    assert list(items)[:2] == ["changes_requested", "draft"]
    assert "Savannah" not in text


def test_home_offers_to_propose_changes_to_a_published_pledge(amina: Client, w: World) -> None:
    pledge = complete_pledge(w.kijiji, state=State.PUBLISHED)
    html = page(amina.get("/my/"))
    (form,) = [f for f in html.find("form") if f.attrs.get("action") == f"/my/pledges/{pledge.reference}/revise/"]
    assert form.find("input", name="version")[0].attrs["value"] == str(pledge.version)


def test_home_without_an_entity_explains_how_to_get_one(client: Client, w: World) -> None:
    client.force_login(w.olga)
    html = page(client.get("/my/"))
    assert "A pledge is made on behalf of an organisation" in html.text()
    assert html.find("a", href="/my/entities/new/") and html.find("a", href="/my/entities/join/")


def test_home_shows_membership_requests_waiting_for_the_focal_points_answer(amina: Client, w: World) -> None:
    MembershipFactory(
        user=UserFactory(email="paul@example.org", full_name="Paul"),
        entity=w.kijiji,
        status=Membership.Status.REQUESTED,
        role=Membership.Role.MEMBER,
    )
    html = page(amina.get("/my/"))
    assert "Paul asks to join Kijiji Telecom" in html.text()
    assert html.find("a", href="/my/entities/kijiji-telecom/#requests")


def _count_queries(client: Client, url: str) -> int:
    client.get(url)  # warm caches (content types, session) so that only the page's own queries count
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_home_query_count_does_not_grow_with_the_pledges(amina: Client, w: World) -> None:
    in_every_state(w, " a")
    pledge_revision_open(pledge=Pledge.objects.get(title="published a"), acting_user=w.amina)
    other = EntityFactory(name="Second Org")
    MembershipFactory(user=w.amina, entity=other)
    small = _count_queries(amina, "/my/")
    for n in range(3):
        in_every_state(w, f" b{n}")
        complete_pledge(other, title=f"other {n}")
    for pledge in Pledge.objects.filter(state=State.PUBLISHED):
        pledge_revision_open(pledge=pledge, acting_user=w.amina)
    assert Pledge.objects.count() > 30
    assert _count_queries(amina, "/my/") == small


def test_form_query_count_does_not_grow_with_what_the_pledge_names(amina: Client, w: World) -> None:
    from p2c.geo.models import Country
    from p2c.pledges.models import PledgeTarget
    from p2c.pledges.services import PartnerSpec, TargetSpec, pledge_update

    small = complete_pledge(w.kijiji)
    large = complete_pledge(w.kijiji, countries=list(Country.objects.all()[:40]))
    partners = [EntityFactory() for _ in range(5)]
    pledge_update(
        pledge=large,
        acting_user=w.amina,
        expected_version=1,
        targets=[TargetSpec(indicator=f"I{n}", unit="u", target_value=n + 1, target_year=2028) for n in range(6)],  # type: ignore[arg-type]
        partners=[PartnerSpec(entity=e) for e in partners],
    )
    pledge_update(pledge=small, acting_user=w.amina, expected_version=1, title="Small")
    assert PledgeTarget.objects.filter(pledge=large).count() == 6
    assert _count_queries(amina, f"/my/pledges/{small.reference}/edit/") == _count_queries(
        amina, f"/my/pledges/{large.reference}/edit/"
    )
    assert _count_queries(amina, f"/my/pledges/{small.reference}/") == _count_queries(
        amina, f"/my/pledges/{large.reference}/"
    )
    assert _count_queries(amina, "/my/pledges/new/") <= 25


# --- A pledge's page -------------------------------------------------------------------------


def test_a_pledge_sent_back_shows_the_comment_history_and_actions(amina: Client, w: World) -> None:
    pledges = in_every_state(w)
    pledge = pledges["changes_requested"]
    html = page(amina.get(f"/my/pledges/{pledge.reference}/"))
    state = html.by_id("state-heading").parent
    assert "Name the schools." in state.text()
    assert state.find("a", href=f"/my/pledges/{pledge.reference}/edit/")
    assert state.find("form", action=f"/my/pledges/{pledge.reference}/submit/")
    history = html.find("ol", class_="ws-history")[0].text()
    assert "Changes requested (Submitted → Changes requested)" in history
    assert "the secretariat (Rui)" in history
    assert "Submitted for review (Draft → Submitted)" in history and "Amina" in history


def test_a_draft_page_lists_what_a_submission_still_needs(amina: Client, w: World) -> None:
    pledge = complete_pledge(w.kijiji, summary="", start_date=None)
    html = page(amina.get(f"/my/pledges/{pledge.reference}/"))
    missing = html.find("ul", class_="ws-missing")[0]
    assert missing.find("a", href=f"/my/pledges/{pledge.reference}/edit/#id_summary")
    assert missing.find("a", href=f"/my/pledges/{pledge.reference}/edit/#id_start_date")
    assert not html.find("form", action=f"/my/pledges/{pledge.reference}/submit/")


def test_submitting_from_the_pledge_page(amina: Client, w: World) -> None:
    pledge = complete_pledge(w.kijiji)
    response = amina.post(f"/my/pledges/{pledge.reference}/submit/", {"version": "1"})
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.state == "submitted"
    incomplete = complete_pledge(w.kijiji, title="")
    amina.post(f"/my/pledges/{incomplete.reference}/submit/", {"version": "1"})
    incomplete.refresh_from_db()
    assert incomplete.state == "draft"
    stale = complete_pledge(w.kijiji)
    response = amina.post(f"/my/pledges/{stale.reference}/submit/", {"version": "7"}, follow=True)
    assert "changed by someone else" in response.content.decode()
    stale.refresh_from_db()
    assert stale.state == "draft"


@pytest.mark.parametrize("state", ["submitted", "rejected", "withdrawn"])
def test_a_pledge_that_is_not_editable_explains_why_without_a_form(amina: Client, w: World, state: str) -> None:
    pledge = in_every_state(w)[state]
    response = amina.get(f"/my/pledges/{pledge.reference}/edit/")
    html = page(response)
    assert html.find("h1")[0].text() == "This pledge cannot be edited now"
    assert not html.find("input", name="title")
    # A change posted anyway (say, typed before a colleague submitted it) is refused and kept on screen.
    response = amina.post(
        f"/my/pledges/{pledge.reference}/edit/", form_data(version=str(pledge.version), title="Typed meanwhile")
    )
    html = page(response)
    assert response.status_code == 200
    assert value_of(html, "title") == "Typed meanwhile"
    reason = "is being reviewed" if state == "submitted" else "cannot be changed"
    assert reason in html.by_id("error-summary").text()
    assert Pledge.objects.get(pk=pledge.pk).title == state


def test_editing_a_published_pledge_redirects_to_propose_changes(amina: Client, w: World) -> None:
    pledge = complete_pledge(w.kijiji, state=State.PUBLISHED)
    response = amina.get(f"/my/pledges/{pledge.reference}/edit/", follow=True)
    assert response.redirect_chain == [(f"/my/pledges/{pledge.reference}/", 302)]
    assert "To change it, propose changes" in response.content.decode()
    response = amina.post(f"/my/pledges/{pledge.reference}/edit/", form_data(version=str(pledge.version), title="x"))
    assert "propose a revision" in page(response).by_id("error-summary").text()
    assert Pledge.objects.get(pk=pledge.pk).title == pledge.title


# --- Revisions -------------------------------------------------------------------------------


def test_proposing_changes_opens_a_revision_and_the_public_page_stays_unchanged(amina: Client, w: World) -> None:
    pledge = complete_pledge(w.kijiji, state=State.PUBLISHED, title="Published title")
    public_before = amina.get(f"/pledges/{pledge.reference}/").content.decode()

    response = amina.post(f"/my/pledges/{pledge.reference}/revise/", {"version": str(pledge.version)})

    revision = Pledge.objects.get(revision_of=pledge)
    assert revision.reference == f"{pledge.reference}-R1"
    assert response["Location"] == f"/my/pledges/{revision.reference}/edit/"
    form = page(amina.get(response["Location"]))
    assert "These are proposed changes to" in form.text()
    response = amina.post(
        f"/my/pledges/{revision.reference}/edit/", form_data(version=str(revision.version), title="Revised title")
    )
    assert response.status_code == 302
    revision.refresh_from_db()
    assert revision.title == "Revised title"
    pledge.refresh_from_db()
    assert pledge.title == "Published title"
    public_after = amina.get(f"/pledges/{pledge.reference}/").content.decode()
    assert "Published title" in public_after and "Revised title" not in public_after
    assert public_after.count("Published title") == public_before.count("Published title")

    # The revision's page says what it revises; proposing changes again reopens the same revision.
    html = page(amina.get(f"/my/pledges/{revision.reference}/"))
    assert html.find("a", href=f"/my/pledges/{pledge.reference}/")
    assert html.find("a", href=f"/pledges/{pledge.reference}/")
    again = amina.post(f"/my/pledges/{pledge.reference}/revise/", {"version": str(pledge.version)})
    assert again["Location"] == f"/my/pledges/{revision.reference}/edit/"
    assert Pledge.objects.filter(revision_of=pledge).count() == 1


def test_proposing_changes_with_a_stale_version_is_refused(amina: Client, w: World) -> None:
    pledge = complete_pledge(w.kijiji, state=State.PUBLISHED)
    response = amina.post(f"/my/pledges/{pledge.reference}/revise/", {"version": "99"}, follow=True)
    assert "changed by someone else" in response.content.decode()
    assert not Pledge.objects.filter(revision_of=pledge).exists()


# --- Withdrawing -----------------------------------------------------------------------------


def test_withdrawing_asks_once_then_withdraws_with_the_reason(amina: Client, w: World) -> None:
    pledge = complete_pledge(w.kijiji, state=State.PUBLISHED)
    html = page(amina.get(f"/my/pledges/{pledge.reference}/withdraw/"))
    assert "It disappears from the public site" in html.text()
    assert html.find("textarea", name="reason")
    assert Pledge.objects.get(pk=pledge.pk).state == "published"

    response = amina.post(
        f"/my/pledges/{pledge.reference}/withdraw/", {"version": str(pledge.version), "reason": "Merged into another."}
    )
    assert response["Location"] == f"/my/pledges/{pledge.reference}/"
    pledge.refresh_from_db()
    assert pledge.state == "withdrawn"
    html = page(amina.get(response["Location"]))
    assert "is withdrawn" in html.text()
    assert "Merged into another." in html.find("ol", class_="ws-history")[0].text()
    assert amina.get(f"/pledges/{pledge.reference}/").status_code == 404


def test_withdrawing_with_a_stale_version_changes_nothing(amina: Client, w: World) -> None:
    pledge = complete_pledge(w.kijiji)
    response = amina.post(f"/my/pledges/{pledge.reference}/withdraw/", {"version": "5"}, follow=True)
    assert "changed by someone else" in response.content.decode()
    assert Pledge.objects.get(pk=pledge.pk).state == "draft"


@pytest.mark.parametrize("language", ["ru", "fr", "es"])
def test_a_sentence_ending_in_a_date_ends_once(amina: Client, w: World, language: str) -> None:
    """The next step of every state, in a language whose dates are words ("Черновик, … 3 декабря 2026.")."""
    in_every_state(w)
    html = amina.get(f"/{language}/my/").content.decode()
    assert re.search(r"\d{4}\. ", html), "a sentence ends with a date"
    assert ".." not in html.replace("...", "")
