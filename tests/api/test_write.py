"""The write API: tokens, the same validation as the form, optimistic locking, submission, rate limits."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from p2c.api.auth import WINDOW_SECONDS
from p2c.api.models import ApiToken
from p2c.core.models import AuditEvent
from p2c.entities.models import Membership
from p2c.pledges.models import Pledge
from tests.accounts.helpers import send_emails_at_once
from tests.api.helpers import ApiClient, token_for
from tests.workspace.helpers import World, complete_pledge, world

pytestmark = pytest.mark.django_db

FULL = {
    "title": "Connect 200 rural schools in Kenya",
    "summary": "Fibre and Wi-Fi for 200 schools.",
    "description": "Kijiji Telecom connects **200 schools** by 2027.",
    "focus_areas": ["access"],
    "pillars": ["infrastructure"],
    "pledge_types": ["financial"],
    "sdgs": [4, 9],
    "target_groups": ["youth"],
    "scope": "countries",
    "countries": ["ke", "UG"],
    "pledged_on": "2026-03-16",
    "start_date": "2026-04-01",
    "end_date": "2027-12-31",
    "amount": "2,000,000",
    "currency": "usd",
    "additionality": "expanded",
    "seeking_partners": True,
    "targets": [
        {"indicator": "Schools connected", "unit": "schools", "baseline": 0, "target_value": "200", "target_year": 2027}
    ],
    "partners": [{"entity": "savannah-broadband", "role": "implementer"}],
}


@pytest.fixture
def people() -> World:
    return world()


@pytest.fixture
def amina_api(people: World) -> ApiClient:
    return ApiClient(token_for(people.amina, people.kijiji))


def test_create_a_complete_draft_and_submit_it(
    people: World, amina_api: ApiClient, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    send_emails_at_once(settings)
    created = amina_api.post("/api/v1/my/pledges", FULL)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["state"], body["version"], body["missing"]) == ("draft", 1, {})
    assert body["lead_entity"]["slug"] == "kijiji-telecom"
    assert [c["iso2"] for c in body["geography"]["countries"]] == ["KE", "UG"]
    assert body["money"]["usd_estimate"] == "2000000.00"
    assert body["partners"] == [
        {
            "name": "Savannah Broadband",
            "acronym": "SAVB",
            "slug": "savannah-broadband",
            "role": "implementer",
            "url": "http://testserver/entities/savannah-broadband/",
        }
    ]
    assert body["targets"][0]["target_value"] == "200.00"
    pledge = Pledge.objects.get(reference=body["reference"])
    assert pledge.created_by == people.amina
    assert AuditEvent.objects.filter(object_id=str(pledge.pk), action="created", actor=people.amina).exists()

    with django_capture_on_commit_callbacks(execute=True):
        submitted = amina_api.post(f"/api/v1/my/pledges/{pledge.reference}/submit", {"version": 1})
    assert submitted.status_code == 200, submitted.content
    assert (submitted.json()["state"], submitted.json()["version"]) == ("submitted", 2)
    assert [m.to for m in mail.outbox] == [[people.rui.email]]  # the reviewers are told, as from the form


def test_every_problem_is_named_by_field(people: World, amina_api: ApiClient) -> None:
    response = amina_api.post(
        "/api/v1/my/pledges",
        {
            "title": "x" * 300,
            "focus_areas": ["access", "teleportation"],
            "countries": ["KE", "XX"],
            "regions": ["999"],
            "start_date": "2027-01-01",
            "end_date": "2026-01-01",
            "amount": "lots",
            "currency": "ZZZ",
            "event": "no-such-event",
            "targets": [
                {"indicator": "Schools", "unit": "", "target_value": "200", "target_year": 1999},
                {},
            ],
            "partners": [{"entity": "kijiji-telecom"}, {"entity": "nobody-at-all"}],
        },
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {
        "title",
        "focus_areas",
        "countries",
        "regions",
        "end_date",
        "amount",
        "currency",
        "event",
        "targets.0.unit",
        "targets.0.target_year",
        "targets.1",
        "partners.0.entity",
        "partners.1.entity",
    }
    assert "teleportation" in errors["focus_areas"][0]
    assert "XX" in errors["countries"][0]
    assert errors["title"] == ["The title has 300 characters: shorten it to 250 or fewer."]  # the form's message
    assert "leads this pledge" in errors["partners.0.entity"][0]
    assert not Pledge.objects.exists()


def test_a_wrong_type_is_named_by_field_too(amina_api: ApiClient) -> None:
    response = amina_api.post("/api/v1/my/pledges", {"sdgs": ["four"], "seeking_partners": "perhaps"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"sdgs.0", "seeking_partners"}


def test_a_body_that_is_not_json_is_a_bad_request(amina_api: ApiClient) -> None:
    response = amina_api.client.post(
        "/api/v1/my/pledges", "{title:", content_type="application/json", headers=amina_api.headers
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "The body is not valid JSON."}


def test_an_update_changes_only_what_is_sent(people: World, amina_api: ApiClient) -> None:
    reference = amina_api.post("/api/v1/my/pledges", FULL).json()["reference"]
    response = amina_api.patch(f"/api/v1/my/pledges/{reference}", {"version": 1, "title": "Connect 300 schools"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["title"], body["version"], body["summary"]) == ("Connect 300 schools", 2, FULL["summary"])
    assert [c["iso2"] for c in body["geography"]["countries"]] == ["KE", "UG"]
    assert len(body["targets"]) == 1 and len(body["partners"]) == 1
    event = AuditEvent.objects.filter(action="updated").get()
    assert list(event.changed_fields) == ["title"]

    # A change checked against what is saved: the end date before the saved start date.
    late = amina_api.patch(f"/api/v1/my/pledges/{reference}", {"version": 2, "end_date": "2025-01-01"})
    assert late.status_code == 422
    assert list(late.json()["errors"]) == ["end_date"]


def test_a_stale_version_is_a_conflict(people: World, amina_api: ApiClient) -> None:
    reference = amina_api.post("/api/v1/my/pledges", {"title": "First"}).json()["reference"]
    assert amina_api.patch(f"/api/v1/my/pledges/{reference}", {"version": 1, "title": "Second"}).status_code == 200
    stale = amina_api.patch(f"/api/v1/my/pledges/{reference}", {"version": 1, "title": "Third"})
    assert stale.status_code == 409
    assert stale.json()["version"] == 2
    assert "changed by someone else" in stale.json()["detail"]
    assert Pledge.objects.get(reference=reference).title == "Second"
    missing = amina_api.patch(f"/api/v1/my/pledges/{reference}", {"title": "No version"})
    assert missing.status_code == 422
    assert list(missing.json()["errors"]) == ["version"]


def test_a_submitted_pledge_cannot_be_changed_or_submitted_again(people: World, amina_api: ApiClient) -> None:
    pledge = complete_pledge(people.kijiji, state=Pledge.State.SUBMITTED)
    changed = amina_api.patch(f"/api/v1/my/pledges/{pledge.reference}", {"version": pledge.version, "title": "New"})
    assert changed.status_code == 409
    assert "being reviewed" in changed.json()["detail"]
    again = amina_api.post(f"/api/v1/my/pledges/{pledge.reference}/submit", {"version": pledge.version})
    assert again.status_code == 409


def test_an_incomplete_draft_is_refused_with_what_is_missing(amina_api: ApiClient) -> None:
    created = amina_api.post("/api/v1/my/pledges", {"title": "Half a pledge"}).json()
    assert set(created["missing"]) >= {"summary", "description", "focus_areas", "pledge_types"}
    response = amina_api.post(f"/api/v1/my/pledges/{created['reference']}/submit", {"version": created["version"]})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == set(created["missing"])


def test_the_organisations_pledges_in_every_state(people: World, amina_api: ApiClient) -> None:
    states = [Pledge.State.DRAFT, Pledge.State.SUBMITTED, Pledge.State.PUBLISHED, Pledge.State.REJECTED]
    mine = {complete_pledge(people.kijiji, state=s).reference: s for s in states}
    other = complete_pledge(people.savannah)
    body = amina_api.get("/api/v1/my/pledges?limit=2").json()
    found = [p for p in body["results"]]
    while body["next"]:
        body = amina_api.get(body["next"]).json()
        found += body["results"]
    assert {p["reference"]: p["state"] for p in found} == mine
    assert amina_api.get(f"/api/v1/my/pledges/{other.reference}").status_code == 404
    assert amina_api.patch(f"/api/v1/my/pledges/{other.reference}", {"version": 1, "title": "Mine"}).status_code == 404
    drafts = amina_api.get("/api/v1/my/pledges?state=draft").json()["results"]
    assert [p["state"] for p in drafts] == ["draft"]
    assert amina_api.get("/api/v1/my/pledges?state=lost").status_code == 422


def test_no_token_or_a_wrong_one_is_unauthorised(people: World) -> None:
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Bearer p2c_abcdef0123_" + "x" * 40}):
        response = ApiClient().client.get("/api/v1/my/pledges", headers=headers)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "detail" in response.json()


def test_a_revoked_token_stops_working(people: World) -> None:
    secret = token_for(people.amina, people.kijiji)
    ApiToken.objects.update(revoked_at=timezone.now())
    response = ApiClient(secret).get("/api/v1/my/pledges")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_a_token_stops_working_when_its_creator_leaves(people: World) -> None:
    secret = token_for(people.amina, people.kijiji)
    Membership.objects.filter(user=people.amina).update(status=Membership.Status.DECLINED)
    response = ApiClient(secret).post("/api/v1/my/pledges", {"title": "After leaving"})
    assert response.status_code == 403
    assert "no longer an active member of Kijiji Telecom" in response.json()["detail"]
    assert not Pledge.objects.exists()


def test_a_read_token_reads_but_does_not_write(people: World) -> None:
    client = ApiClient(token_for(people.amina, people.kijiji, scope=ApiToken.Scope.READ))
    assert client.get("/api/v1/my/pledges").status_code == 200
    response = client.post("/api/v1/my/pledges", {"title": "Nope"})
    assert response.status_code == 403
    assert "only read" in response.json()["detail"]


def test_the_token_acts_as_its_creator_whose_email_must_be_confirmed_to_submit(people: World) -> None:
    # Uma's address is unconfirmed: as in the form, she may save drafts but not submit them.
    Membership.objects.filter(user=people.uma).update(role=Membership.Role.FOCAL_POINT)
    client = ApiClient(token_for(people.uma, people.kijiji))
    pledge = complete_pledge(people.kijiji)
    response = client.post(f"/api/v1/my/pledges/{pledge.reference}/submit", {"version": pledge.version})
    assert response.status_code == 403
    assert "Confirm your email address" in response.json()["detail"]


def test_writes_and_reads_are_rate_limited_per_token(people: World, settings: Any) -> None:
    settings.P2C_API_RATE_WRITES_PER_MINUTE = 2
    settings.P2C_API_RATE_READS_PER_MINUTE = 3
    client = ApiClient(token_for(people.amina, people.kijiji))
    # The windows are whole minutes of the clock: start early in one, so that all the requests
    # below fall in the same window even on a slow machine.
    left = WINDOW_SECONDS - time.time() % WINDOW_SECONDS
    if left < 30:
        time.sleep(left + 0.05)
    assert [client.post("/api/v1/my/pledges", {"title": f"Draft {n}"}).status_code for n in range(3)] == [
        201,
        201,
        429,
    ]
    refused = client.post("/api/v1/my/pledges", {"title": "Again"})
    assert 1 <= int(refused["Retry-After"]) <= 61
    assert "Too many requests" in refused.json()["detail"]
    assert [client.get("/api/v1/my/pledges").status_code for _ in range(4)] == [200, 200, 200, 429]
    # Another token of the same organisation has its own allowance.
    other = ApiClient(token_for(people.amina, people.kijiji, name="Second system"))
    assert other.post("/api/v1/my/pledges", {"title": "Other"}).status_code == 201


def test_use_is_recorded_and_private_answers_are_not_cached(people: World, amina_api: ApiClient) -> None:
    response = amina_api.get("/api/v1/my/pledges")
    assert response["Cache-Control"] == "no-store"
    assert "Access-Control-Allow-Origin" not in response
    assert "ETag" not in response
    assert ApiToken.objects.get().last_used_at is not None


def test_the_organisations_list_costs_the_same_queries_however_many_pledges(
    people: World, amina_api: ApiClient
) -> None:
    complete_pledge(people.kijiji)
    amina_api.get("/api/v1/my/pledges")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert amina_api.get("/api/v1/my/pledges").status_code == 200
        return len(captured)

    few = queries()
    for state in (Pledge.State.DRAFT, Pledge.State.PUBLISHED, Pledge.State.SUBMITTED):
        complete_pledge(people.kijiji, state=state)
    assert queries() == few


def test_text_with_a_nul_character_is_refused_by_field(amina_api: ApiClient) -> None:
    response = amina_api.post(
        "/api/v1/my/pledges",
        {"title": "Nul\u0000", "partners": [{"entity": "savannah\u0000"}], "countries": ["K\u0000"]},
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"title", "partners.0.entity", "countries.0"}
    assert amina_api.get("/api/v1/my/pledges/P2C%00").status_code == 404
