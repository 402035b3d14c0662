"""Publish, request changes, reject through the review screens: state, audit trail, emails, refusals."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from p2c.entities.models import Membership
from p2c.pledges.models import Pledge
from p2c.pledges.transitions import pledge_request_changes, pledge_submit
from tests.accounts.helpers import kijiji
from tests.factories import MembershipFactory
from tests.review.helpers import client_for, complete_pledge, olga, revision_submitted, rosa, rui, transition_events

pytestmark = pytest.mark.django_db

State = Pledge.State


@pytest.fixture
def submitted() -> Pledge:
    """Amina's pledge, submitted (version 2)."""
    entity, amina = kijiji()
    return pledge_submit(pledge=complete_pledge(entity), acting_user=amina, expected_version=1)


def followed_message(client: Any, response: Any) -> str:
    """The page the redirect leads to, with its message."""
    assert response.status_code == 302
    assert response["Location"] == "/review/"
    return client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("action", "url", "data", "state", "subject", "message"),
    [
        ("published", "publish", {"comment": "Thank you."}, State.PUBLISHED, "is published", "is published."),
        (
            "changes_requested",
            "request-changes",
            {"comment": "Name the schools."},
            State.CHANGES_REQUESTED,
            "Changes requested to your pledge",
            "its organisation was emailed your comment",
        ),
        (
            "rejected",
            "reject",
            {"reason": "Out of scope."},
            State.REJECTED,
            "was not accepted",
            "was rejected: its organisation was emailed the reason",
        ),
    ],
)
def test_each_decision_moves_the_pledge_audits_it_and_emails_the_entity(
    submitted: Pledge,
    django_capture_on_commit_callbacks: Any,
    action: str,
    url: str,
    data: dict[str, str],
    state: str,
    subject: str,
    message: str,
) -> None:
    reviewer = rui()
    client = client_for(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/review/{submitted.reference}/{url}/", {"version": 2, **data})
    page = followed_message(client, response)
    assert submitted.reference in page and message in page
    submitted.refresh_from_db()
    assert (submitted.state, submitted.version) == (state, 3)
    (event,) = transition_events(submitted)
    assert (event.action, event.actor, event.from_state, event.to_state) == (action, reviewer, State.SUBMITTED, state)
    assert event.comment == next(iter(data.values()))
    assert [m.to for m in mail.outbox] == [["amina@kijiji.example"]]
    assert subject in mail.outbox[0].subject
    assert next(iter(data.values())) in mail.outbox[0].body


def test_publishing_links_the_public_page(submitted: Pledge) -> None:
    client = client_for(rui())
    page = followed_message(client, client.post(f"/review/{submitted.reference}/publish/", {"version": 2}))
    assert f'<a href="/pledges/{submitted.reference}/">See its public page</a>' in page
    assert client.get(f"/pledges/{submitted.reference}/").status_code == 200


def test_publishing_a_revision_changes_the_public_page_only_then() -> None:
    entity, amina = kijiji()
    published, revision = revision_submitted(entity, amina)
    client = client_for(rui())
    public = f"/pledges/{published.reference}/"

    def public_page() -> str:
        html = client.get(public).content.decode()
        return html[html.index("<article") : html.index("</article>")]

    before = public_page()
    assert "Connect 200 rural schools in Kenya" in before and "Uganda" not in before
    assert client.get(f"/pledges/{revision.reference}/").status_code == 404
    # Opening the review page, or sending the revision back, changes nothing public.
    client.get(f"/review/{revision.reference}/")
    client.post(f"/review/{revision.reference}/request-changes/", {"version": revision.version, "comment": "Dates?"})
    assert public_page() == before
    revision = pledge_submit(pledge=revision, acting_user=amina, expected_version=revision.version + 1)
    assert public_page() == before

    response = client.post(f"/review/{revision.reference}/publish/", {"version": revision.version})
    page = followed_message(client, response)
    assert f"Revision {revision.reference} is published: {published.reference} now shows the changes." in page
    assert f'<a href="{public}">See its public page</a>' in page
    after = public_page()
    assert "Connect 300 rural schools in Kenya and Uganda" in after and "Uganda" in after
    revision.refresh_from_db()
    published.refresh_from_db()
    assert revision.state == State.APPLIED
    assert (published.state, published.title) == (State.PUBLISHED, "Connect 300 rural schools in Kenya and Uganda")
    assert client.get(f"/pledges/{revision.reference}/").status_code == 404


@pytest.mark.parametrize(
    ("url", "field", "typed", "error"),
    [
        ("request-changes", "comment", "   ", "Say what needs to change."),
        ("reject", "reason", "", "Give the reason for rejecting the pledge."),
        ("reject", "reason", "Too long. " * 600, "Keep it under 5000 characters."),
        ("request-changes", "comment", "Please <b>name</b> the schools. " * 200, "Keep it under 5000 characters."),
    ],
)
def test_a_missing_or_too_long_comment_is_refused_next_to_the_box_keeping_the_text(
    submitted: Pledge, url: str, field: str, typed: str, error: str
) -> None:
    response = client_for(rui()).post(f"/review/{submitted.reference}/{url}/", {"version": 2, field: typed})
    assert response.status_code == 400
    html = response.content.decode()
    action = "request_changes" if url == "request-changes" else "reject"
    box = html.split(f'for="{action}_{field}"')[1].split("</textarea>")[0]
    assert error in box
    assert 'aria-invalid="true"' in box
    assert "Your decision was not sent." in html  # said at the top too, linking to the box
    if typed.strip():
        assert typed.strip().replace("<", "&lt;").replace(">", "&gt;")[:200] in box
    submitted.refresh_from_db()
    assert (submitted.state, submitted.version, transition_events(submitted)) == (State.SUBMITTED, 2, [])


def test_a_decision_on_a_stale_version_is_refused_with_the_current_state(submitted: Pledge) -> None:
    reviewer, other = rui(), rosa()
    pledge_request_changes(pledge=submitted, acting_user=other, expected_version=2, comment="Name the schools.")
    response = client_for(reviewer).post(
        f"/review/{submitted.reference}/reject/", {"version": 2, "reason": "A duplicate of P2C-2026-0001."}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert (
        "This pledge changed since you opened it (someone else reviewed or edited it). Here is its current state."
        in html
    )
    assert "It is now changes requested, so there is nothing left to decide." in html
    assert "A duplicate of P2C-2026-0001." in html  # what was typed, not lost
    assert "Name the schools." in html  # the other reviewer's decision, in the history
    submitted.refresh_from_db()
    assert (submitted.state, submitted.version) == (State.CHANGES_REQUESTED, 3)
    assert [e.action for e in transition_events(submitted)] == ["changes_requested"]


def test_a_stale_version_still_under_review_offers_the_current_version_keeping_the_text(submitted: Pledge) -> None:
    amina = submitted.lead_entity.memberships.get().user
    pledge_request_changes(pledge=submitted, acting_user=rosa(), expected_version=2, comment="Name the schools.")
    pledge_submit(pledge=submitted, acting_user=amina, expected_version=3)
    response = client_for(rui()).post(
        f"/review/{submitted.reference}/request-changes/", {"version": 2, "comment": "Add dates."}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "This pledge changed since you opened it" in html
    assert "your text is still in the form" in html
    form = html.split('action="/review/' + submitted.reference + '/request-changes/"')[1].split("</form>")[0]
    assert 'name="version" value="4"' in form
    assert "Add dates.</textarea>" in form
    submitted.refresh_from_db()
    assert (submitted.state, submitted.version) == (State.SUBMITTED, 4)


def test_an_illegal_transition_says_why(submitted: Pledge) -> None:
    rejected = complete_pledge(submitted.lead_entity, state=State.REJECTED, submitted_at=submitted.submitted_at)
    response = client_for(rui()).post(f"/review/{rejected.reference}/publish/", {"version": 1})
    assert response.status_code == 409
    assert "You cannot publish a pledge that is rejected." in response.content.decode()
    rejected.refresh_from_db()
    assert (rejected.state, rejected.version) == (State.REJECTED, 1)


def test_a_form_without_a_version_is_refused(submitted: Pledge) -> None:
    response = client_for(rui()).post(f"/review/{submitted.reference}/publish/", {"comment": "ok", "version": "x"})
    assert response.status_code == 400
    assert "The form was incomplete. Reload the page and try again." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_a_reviewer_from_the_lead_entity_cannot_decide(submitted: Pledge) -> None:
    reviewer = rui()
    MembershipFactory(user=reviewer, entity=submitted.lead_entity, role=Membership.Role.MEMBER)
    client = client_for(reviewer)
    for url, data in (("publish", {}), ("request-changes", {"comment": "x"}), ("reject", {"reason": "x"})):
        response = client.post(f"/review/{submitted.reference}/{url}/", {"version": 2, **data})
        assert response.status_code == 403
        assert "another reviewer must review its pledges" in response.content.decode()
    submitted.refresh_from_db()
    assert (submitted.state, submitted.version, transition_events(submitted)) == (State.SUBMITTED, 2, [])


def test_only_reviewers_may_decide_and_only_by_post(submitted: Pledge, client: Any) -> None:
    amina = submitted.lead_entity.memberships.get().user
    for person in (amina, olga()):
        response = client_for(person).post(f"/review/{submitted.reference}/publish/", {"version": 2})
        assert response.status_code == 403
    response = client.post(f"/review/{submitted.reference}/publish/", {"version": 2})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client_for(rui()).get(f"/review/{submitted.reference}/publish/").status_code == 405
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
