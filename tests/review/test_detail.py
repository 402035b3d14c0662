"""The review page of one pledge: who, what, what changed since the last published version, the history."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from p2c.entities.models import Membership
from p2c.geo.models import Country
from p2c.pledges.models import Pledge
from p2c.pledges.services import pledge_update
from p2c.pledges.transitions import pledge_publish, pledge_request_changes, pledge_submit
from tests.accounts.helpers import kijiji
from tests.factories import MembershipFactory
from tests.review.helpers import client_for, complete_pledge, olga, revision_submitted, rui

pytestmark = pytest.mark.django_db

State = Pledge.State


def section(html: str, heading: str) -> str:
    """The part of the page from the heading ``heading`` to the next ``<h2``."""
    start = html.index(heading)
    end = html.find("<h2", start)
    return html[start : end if end != -1 else len(html)]


def test_a_revision_shows_what_changed_since_the_published_version_field_by_field() -> None:
    entity, amina = kijiji()
    published, revision = revision_submitted(entity, amina)
    response = client_for(rui()).get(f"/review/{revision.reference}/")
    assert response.status_code == 200
    html = response.content.decode()
    changes = section(html, "What changed")
    assert f"published pledge <strong>{published.reference}</strong>" in changes
    assert "Changes since the published version" in changes
    # The title: before and after; the countries: the one added.
    assert "<dt>Title</dt>" in changes
    assert "<del>Connect 200 rural schools in Kenya</del>" in changes
    assert "<ins>Connect 300 rural schools in Kenya and Uganda</ins>" in changes
    assert "<dt>Beneficiary countries</dt>" in changes
    assert "<li><ins>Uganda</ins></li>" in changes
    assert "Kenya</ins></li>" not in changes  # unchanged items are not listed as changes
    assert "<dt>Summary</dt>" not in changes  # unchanged fields are left out
    assert "This is a new pledge" not in html
    assert f'href="/pledges/{published.reference}/"' in changes


def test_a_long_text_is_shown_as_a_word_level_diff() -> None:
    entity, amina = kijiji()
    long_before = "Kijiji Telecom connects **200 schools** by 2027 with fibre, solar power and teacher training."
    published, revision = revision_submitted(
        entity, amina, description=long_before.replace("200 schools", "300 schools").replace("2027", "2028")
    )
    Pledge.objects.filter(pk=published.pk).update(description=long_before)
    html = client_for(rui()).get(f"/review/{revision.reference}/").content.decode()
    changes = section(html, "What changed")
    assert "<dt>Description</dt>" in changes
    assert '<p class="diff-words">' in changes
    shown = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", changes)
    assert "connects <del>**200</del><ins>**300</ins> schools** by <del>2027</del><ins>2028</ins> with" in shown
    assert '<span class="visually-hidden">[removed: </span>' in changes


def test_a_first_submission_is_a_new_pledge_with_nothing_to_compare() -> None:
    entity, amina = kijiji()
    pledge = pledge_submit(pledge=complete_pledge(entity), acting_user=amina, expected_version=1)
    html = client_for(rui()).get(f"/review/{pledge.reference}/").content.decode()
    changes = section(html, "What changed")
    assert "This is a new pledge: it has no published version to compare with" in changes
    assert "diff-field" not in changes
    assert "Changed since changes were requested" not in html
    # Everything needed to decide is on the page.
    assert "Kijiji Telecom" in html and "not verified" in html
    assert "by Amina (amina@kijiji.example)" in html
    assert "Submitted" in html and "Kenya" in html
    assert "<strong>200 schools</strong>" in html  # the description through Markdown
    assert 'action="/review/' + pledge.reference + '/publish/"' in html
    assert 'action="/review/' + pledge.reference + '/request-changes/"' in html
    assert 'action="/review/' + pledge.reference + '/reject/"' in html
    assert 'name="version" value="2"' in html


def test_a_resubmission_shows_what_changed_since_changes_were_requested() -> None:
    entity, amina = kijiji()
    reviewer = rui()
    pledge = pledge_submit(pledge=complete_pledge(entity), acting_user=amina, expected_version=1)
    pledge = pledge_request_changes(
        pledge=pledge, acting_user=reviewer, expected_version=2, comment="Name the countries."
    )
    uganda = Country.objects.get(iso2="UG")
    pledge = pledge_update(
        pledge=pledge, acting_user=amina, expected_version=3, summary="Fibre for 200 schools, in two countries."
    )
    pledge = pledge_update(
        pledge=pledge, acting_user=amina, expected_version=4, countries=[Country.objects.get(iso2="KE"), uganda]
    )
    pledge = pledge_update(
        pledge=pledge,
        acting_user=amina,
        expected_version=5,
        summary="Fibre and Wi-Fi for 200 schools in two countries.",
    )
    pledge = pledge_submit(pledge=pledge, acting_user=amina, expected_version=6)
    html = client_for(reviewer).get(f"/review/{pledge.reference}/").content.decode()
    assert "This is a new pledge" in html
    since = section(html, "Changed since changes were requested on")
    # Two edits of the summary are shown as one change, from before the first to after the last.
    assert "<del>Fibre and Wi-Fi for 200 schools.</del>" in since
    assert "<ins>Fibre and Wi-Fi for 200 schools in two countries.</ins>" in since
    assert "<li><ins>Uganda</ins></li>" in since
    assert "<dt>Title</dt>" not in since
    history = section(html, "History")
    assert "Changes requested" in history and "Name the countries." in history
    assert '(Submitted <span class="fwd">→</span> Changes requested)' in history
    assert "Changed: Summary" in history and "Changed: Beneficiary countries" in history


def test_a_resubmission_without_edits_says_nothing_changed() -> None:
    entity, amina = kijiji()
    reviewer = rui()
    pledge = pledge_submit(pledge=complete_pledge(entity), acting_user=amina, expected_version=1)
    pledge_request_changes(pledge=pledge, acting_user=reviewer, expected_version=2, comment="Are you sure?")
    pledge_submit(pledge=pledge, acting_user=amina, expected_version=3)
    html = client_for(reviewer).get(f"/review/{pledge.reference}/").content.decode()
    assert "Nothing was changed since changes were requested." in html


def test_the_lead_entity_links_to_its_public_page_once_it_has_one_and_shows_if_verified() -> None:
    entity, amina = kijiji()
    entity.verified = True
    entity.save()
    _published, revision = revision_submitted(entity, amina)
    html = client_for(rui()).get(f"/review/{revision.reference}/").content.decode()
    assert '<a href="/entities/kijiji-telecom/">Kijiji Telecom</a>' in html
    assert ">verified<" in html


def test_a_draft_never_submitted_is_not_found() -> None:
    entity, amina = kijiji()
    draft = complete_pledge(entity)
    client = client_for(rui())
    assert client.get(f"/review/{draft.reference}/").status_code == 404
    assert client.post(f"/review/{draft.reference}/publish/", {"version": 1}).status_code == 404
    assert client.get("/review/P2C-1999-9999/").status_code == 404


def test_a_decided_pledge_has_a_page_but_nothing_to_decide() -> None:
    entity, amina = kijiji()
    reviewer = rui()
    pledge = pledge_submit(pledge=complete_pledge(entity), acting_user=amina, expected_version=1)
    pledge_publish(pledge=pledge, acting_user=reviewer, expected_version=2, comment="Welcome aboard.")
    html = client_for(reviewer).get(f"/review/{pledge.reference}/").content.decode()
    assert "There is nothing to decide: this pledge is published." in html
    assert "/publish/" not in html
    assert "Welcome aboard." in html
    assert "This pledge was published on" in html


def test_a_reviewer_from_the_lead_entity_is_offered_no_decision() -> None:
    entity, _amina = kijiji()
    reviewer = rui()
    MembershipFactory(user=reviewer, entity=entity, role=Membership.Role.MEMBER)
    pledge = complete_pledge(entity, state=State.SUBMITTED)
    html = client_for(reviewer).get(f"/review/{pledge.reference}/").content.decode()
    assert "You are a member of Kijiji Telecom: another reviewer must review its pledges." in html
    assert "<form" not in html.split('id="decide"')[1].split("</aside>")[0]
    assert "/publish/" not in html and "/reject/" not in html


def test_people_who_are_not_reviewers_cannot_open_a_pledge(client: Client) -> None:
    entity, amina = kijiji()
    pledge = complete_pledge(entity, state=State.SUBMITTED)
    for person in (amina, olga()):
        assert client_for(person).get(f"/review/{pledge.reference}/").status_code == 403
    response = client.get(f"/review/{pledge.reference}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_what_pledgers_type_is_escaped() -> None:
    entity, amina = kijiji()
    pledge = complete_pledge(
        entity,
        state=State.SUBMITTED,
        title="<script>alert(1)</script>",
        description="<img src=x onerror=alert(1)> [x](javascript:alert(1))",
    )
    html = client_for(rui()).get(f"/review/{pledge.reference}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html and 'href="javascript:' not in html
    queue = client_for(rui()).get("/review/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in queue
