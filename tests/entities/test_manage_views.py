"""The /my/entities/ pages: registering, joining and managing organisations, and who may do what."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from p2c.accounts.models import User
from p2c.core.setup import reviewers_group_ensure
from p2c.entities.models import Entity, Membership
from tests.accounts.helpers import fast_passwords, send_emails_at_once, verified_user
from tests.factories import EntityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

FOCAL, MEMBER = Membership.Role.FOCAL_POINT, Membership.Role.MEMBER
ACTIVE, REQUESTED, DECLINED = Membership.Status.ACTIVE, Membership.Status.REQUESTED, Membership.Status.DECLINED
NEW_ENTITY = {
    "name": "Mountain Fibre Networks",
    "acronym": "MFN",
    "entity_type": "private-sector",
    "home_country": "NP",
    "website": "https://mfn.example",
    "description": "Fibre for mountain villages.",
}


@pytest.fixture(autouse=True)
def _emails_at_once(settings: Any) -> None:
    send_emails_at_once(settings)
    fast_passwords(settings)


@dataclass
class World:
    """Kijiji Telecom with Amina (focal point), Baraka (focal point), Mo and Tess (members) and Paul's request;
    Savannah Broadband with its member Sara; outsider Olga; unverified Uma; reviewer Rui; admin Ada."""

    kijiji: Entity
    people: dict[str, User | None]
    paul: Membership
    tess: Membership
    baraka: Membership


def world() -> World:
    kijiji = EntityFactory(name="Kijiji Telecom", slug="kijiji-telecom", acronym="KTEL")
    savannah = EntityFactory(name="Savannah Broadband", slug="savannah-broadband")
    amina = verified_user(email="amina@kijiji.example", full_name="Amina")
    MembershipFactory(user=amina, entity=kijiji, role=FOCAL)
    baraka = MembershipFactory(user=verified_user(email="baraka@kijiji.example"), entity=kijiji, role=FOCAL)
    mo = verified_user(email="mo@kijiji.example")
    MembershipFactory(user=mo, entity=kijiji, role=MEMBER)
    tess = MembershipFactory(user=verified_user(email="tess@kijiji.example"), entity=kijiji, role=MEMBER)
    paul = MembershipFactory(user=verified_user(email="paul@example.org"), entity=kijiji, role=MEMBER, status=REQUESTED)
    sara = verified_user(email="sara@savannah.example")
    MembershipFactory(user=sara, entity=savannah, role=MEMBER)
    rui = verified_user(email="rui@example.org")
    rui.groups.add(reviewers_group_ensure())
    people: dict[str, User | None] = {
        "anonymous": None,
        "unverified": UserFactory(email="uma@example.org"),
        "outsider": verified_user(email="olga@example.org"),
        "other_member": sara,
        "member": mo,
        "focal_point": amina,
        "reviewer": rui,
        "admin": verified_user(email="ada@example.org", is_staff=True, is_superuser=True),
    }
    return World(kijiji, people, paul, tess, baraka)


# --- The permission matrix -------------------------------------------------------------------

LOGIN, OK, DONE, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = "login", 200, 302, 403, 404, 405
EVERYONE_VERIFIED = {
    "outsider": OK,
    "other_member": OK,
    "member": OK,
    "focal_point": OK,
    "reviewer": OK,
    "admin": OK,
}
ONLY_FOCAL = {
    "outsider": NOT_FOUND,
    "other_member": NOT_FOUND,
    "member": FORBIDDEN,
    "focal_point": DONE,
    "reviewer": NOT_FOUND,
    "admin": NOT_FOUND,
}


def everyone(result: Any) -> dict[str, Any]:
    return dict.fromkeys(EVERYONE_VERIFIED, result)


@dataclass(frozen=True)
class Action:
    method: str
    path: Callable[[World], str]
    expected: dict[str, Any]  # for verified personas; anonymous → login, unverified → 403 always
    data: Callable[[World], dict[str, Any]] = lambda w: {}
    effect: Callable[[World], bool] | None = None  # True once the action took effect


def member_path(verb: str, target: str) -> Callable[[World], str]:
    return lambda w: f"/my/entities/kijiji-telecom/members/{getattr(w, target).pk}/{verb}/"


def status_of(target: str) -> Callable[[World], Any]:
    return lambda w: Membership.objects.filter(pk=getattr(w, target).pk).values_list("status", "role").first()


ACTIONS: dict[str, Action] = {
    "list": Action("GET", lambda w: "/my/entities/", EVERYONE_VERIFIED),
    "new_form": Action("GET", lambda w: "/my/entities/new/", EVERYONE_VERIFIED),
    "new_submit": Action(
        "POST",
        lambda w: "/my/entities/new/",
        everyone(DONE),
        data=lambda w: NEW_ENTITY,
        effect=lambda w: Entity.objects.filter(name="Mountain Fibre Networks").exists(),
    ),
    "join_search": Action("GET", lambda w: "/my/entities/join/?q=kijiji", EVERYONE_VERIFIED),
    "join_form": Action("GET", lambda w: "/my/entities/join/kijiji-telecom/", EVERYONE_VERIFIED),
    "join_submit": Action(
        "POST",
        lambda w: "/my/entities/join/kijiji-telecom/",
        everyone(DONE),  # members and focal points are told they already belong (no new request)
        data=lambda w: {"note": "Hello"},
        effect=lambda w: Membership.objects.filter(entity=w.kijiji, status=REQUESTED).count() > 1,
    ),
    "join_unknown": Action("GET", lambda w: "/my/entities/join/no-such-entity/", everyone(NOT_FOUND)),
    "manage": Action(
        "GET",
        lambda w: "/my/entities/kijiji-telecom/",
        {**ONLY_FOCAL, "member": OK, "focal_point": OK},
    ),
    "manage_unknown": Action("GET", lambda w: "/my/entities/no-such-entity/", everyone(NOT_FOUND)),
    "edit": Action(
        "POST",
        lambda w: "/my/entities/kijiji-telecom/",
        ONLY_FOCAL,
        data=lambda w: {
            **NEW_ENTITY,
            "name": "Kijiji Telecom",
            "version": Entity.objects.get(pk=w.kijiji.pk).updated_at.isoformat(),
        },
        effect=lambda w: Entity.objects.get(pk=w.kijiji.pk).website == "https://mfn.example",
    ),
    "accept": Action(
        "POST",
        member_path("accept", "paul"),
        ONLY_FOCAL,
        effect=lambda w: status_of("paul")(w) == (ACTIVE, MEMBER),
    ),
    "decline": Action(
        "POST",
        member_path("decline", "paul"),
        ONLY_FOCAL,
        data=lambda w: {"reason": "Unknown to us."},
        effect=lambda w: status_of("paul")(w) == (DECLINED, MEMBER),
    ),
    "promote": Action(
        "POST", member_path("promote", "tess"), ONLY_FOCAL, effect=lambda w: status_of("tess")(w) == (ACTIVE, FOCAL)
    ),
    "demote": Action(
        "POST",
        member_path("demote", "baraka"),
        ONLY_FOCAL,
        effect=lambda w: status_of("baraka")(w) == (ACTIVE, MEMBER),
    ),
    "remove": Action("POST", member_path("remove", "tess"), ONLY_FOCAL, effect=lambda w: status_of("tess")(w) is None),
    "accept_by_get": Action("GET", member_path("accept", "paul"), everyone(NOT_ALLOWED)),
    "edit_by_put": Action("PUT", lambda w: "/my/entities/kijiji-telecom/", everyone(NOT_ALLOWED)),
}
PERSONAS = ["anonymous", "unverified", *EVERYONE_VERIFIED]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action_name", list(ACTIONS))
def test_permission_matrix(client: Client, action_name: str, persona: str) -> None:
    action = ACTIONS[action_name]
    w = world()
    user = w.people[persona]
    if user is not None:
        client.force_login(user)
    expected = {"anonymous": LOGIN, "unverified": FORBIDDEN, **action.expected}[persona]
    response = client.generic(action.method, action.path(w), data=_encode(action.data(w)), content_type=_form)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    else:
        assert response.status_code == expected, response.content.decode()[:2000]
    if expected == FORBIDDEN and persona == "unverified":
        assert "Confirm your email address first" in response.content.decode()
    if action.effect is not None:
        took_effect = action.effect(w)
        should = expected == DONE and not (action_name == "join_submit" and persona in {"member", "focal_point"})
        assert took_effect == should, f"{action_name} by {persona}: effect {took_effect}, expected {should}"


_form = "application/x-www-form-urlencoded"


def _encode(data: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    return urlencode(data)


def test_the_member_sees_the_profile_but_no_edit_form_and_can_leave(client: Client) -> None:
    w = world()
    client.force_login(w.people["member"])
    html = client.get("/my/entities/kijiji-telecom/").content.decode()
    assert "You are a member of this organisation" in html
    assert "Save the profile" not in html and "Make focal point" not in html and "Requests to join" not in html
    mo = Membership.objects.get(user=w.people["member"])
    assert f"/members/{mo.pk}/remove/" in html and "Leave the organisation" in html
    response = client.post(f"/my/entities/kijiji-telecom/members/{mo.pk}/remove/")
    assert response["Location"] == "/my/entities/"
    assert not Membership.objects.filter(pk=mo.pk).exists()


def test_a_requester_withdraws_their_own_request(client: Client) -> None:
    w = world()
    client.force_login(w.paul.user)
    response = client.post(f"/my/entities/kijiji-telecom/members/{w.paul.pk}/remove/")
    assert response["Location"] == "/my/entities/"
    assert not Membership.objects.filter(pk=w.paul.pk).exists()


# --- Registering an organisation -------------------------------------------------------------


def test_register_an_organisation_and_land_on_its_page(client: Client) -> None:
    olga = verified_user(email="olga@example.org")
    client.force_login(olga)
    page = client.get("/my/entities/new/").content.decode()
    for control in ("id_name", "id_acronym", "id_entity_type", "id_home_country", "id_website", "id_description"):
        assert f'for="{control}"' in page
    assert "confirmed_not_duplicate" not in page  # only asked when there are look-alikes
    response = client.post("/my/entities/new/", NEW_ENTITY, follow=True)
    assert response.redirect_chain == [("/my/entities/mountain-fibre-networks/", 302)]
    html = response.content.decode()
    assert "Mountain Fibre Networks (MFN) is registered, and you are its focal point." in html
    assert 'value="Mountain Fibre Networks"' in html
    assert Membership.objects.get(user=olga).role == FOCAL


def test_a_resembling_name_shows_the_likely_duplicates_first_keeping_what_was_typed(client: Client) -> None:
    world()
    client.force_login(verified_user(email="olga@example.org"))
    data = {**NEW_ENTITY, "name": "Kijiji Telecom Ltd", "acronym": ""}
    response = client.post("/my/entities/new/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Is it one of these?" in html
    assert "Kijiji Telecom (KTEL)" in html
    assert 'href="/my/entities/join/kijiji-telecom/"' in html
    assert 'value="Kijiji Telecom Ltd"' in html and "Fibre for mountain villages." in html
    assert 'name="confirmed_not_duplicate"' in html
    assert not Entity.objects.filter(name="Kijiji Telecom Ltd").exists()
    response = client.post("/my/entities/new/", {**data, "confirmed_not_duplicate": "on"})
    assert response.status_code == 302
    assert Entity.objects.filter(name="Kijiji Telecom Ltd").exists()


def test_invalid_values_get_messages_next_to_their_fields_and_nothing_is_lost(client: Client) -> None:
    world()
    client.force_login(verified_user())
    data = {
        **NEW_ENTITY,
        "name": "kijiji telecom",
        "website": "not a web address",
        "entity_type": "",
        "home_country": "XX",
    }
    response = client.post("/my/entities/new/", data)
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("website", "entity_type", "home_country"):
        assert f'id="id_{field}_error"' in html, field
    assert 'value="not a web address"' in html and "Fibre for mountain villages." in html
    # The name is checked once the form is valid: an exact match (any case) is refused with a way forward.
    response = client.post("/my/entities/new/", {**NEW_ENTITY, "name": "kijiji telecom"})
    html = response.content.decode()
    assert 'id="id_name_error"' in html and "already registered. Ask to join it instead." in html


# --- Joining ---------------------------------------------------------------------------------


def test_search_then_ask_to_join_and_the_focal_points_are_emailed(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    w = world()
    olga = w.people["outsider"]
    client.force_login(olga)
    html = client.get("/my/entities/join/?q=ktel").content.decode()
    assert "Kijiji Telecom (KTEL)" in html and 'href="/my/entities/join/kijiji-telecom/"' in html
    html = client.get("/my/entities/join/?q=nothing+like+it").content.decode()
    assert "0 organisations found" in html and 'href="/my/entities/new/"' in html
    page = client.get("/my/entities/join/kijiji-telecom/").content.decode()
    assert 'for="id_note"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/my/entities/join/kijiji-telecom/", {"note": "Nairobi office."}, follow=True)
    assert "Your request to join Kijiji Telecom was sent to its focal point." in response.content.decode()
    assert "Request waiting for an answer" in response.content.decode()
    (message,) = mail.outbox
    assert sorted(message.to) == ["amina@kijiji.example", "baraka@kijiji.example"]
    html = client.get("/my/entities/join/?q=kijiji").content.decode()
    assert "Request sent" in html


def test_the_focal_point_answers_requests_from_the_page(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    w = world()
    client.force_login(w.people["focal_point"])
    mine = client.get("/my/entities/").content.decode()
    assert "Requests waiting for your answer" in mine and "paul@example.org" in mine
    html = client.get("/my/entities/kijiji-telecom/").content.decode()
    assert 'id="requests"' in html and "paul@example.org" in html
    assert f'for="reason-{w.paul.pk}"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/my/entities/kijiji-telecom/members/{w.paul.pk}/accept/", follow=True)
    assert "is now a member." in response.content.decode()
    assert mail.outbox[0].to == ["paul@example.org"]
    response = client.post(f"/my/entities/kijiji-telecom/members/{w.paul.pk}/decline/", follow=True)
    assert "already answered" in response.content.decode()


def test_the_last_focal_point_cannot_leave_and_is_told_why(client: Client) -> None:
    w = world()
    amina = w.people["focal_point"]
    client.force_login(amina)
    client.post(f"/my/entities/kijiji-telecom/members/{w.baraka.pk}/demote/")
    own = Membership.objects.get(user=amina)
    response = client.post(f"/my/entities/kijiji-telecom/members/{own.pk}/remove/", follow=True)
    assert "needs at least one focal point" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk, role=FOCAL).exists()


# --- Editing the profile at the same time ----------------------------------------------------


def test_a_concurrent_edit_is_refused_clearly_and_keeps_what_was_typed(client: Client) -> None:
    w = world()
    client.force_login(w.people["focal_point"])
    other = Client()
    other.force_login(Membership.objects.get(pk=w.baraka.pk).user)
    version = Entity.objects.get(pk=w.kijiji.pk).updated_at.isoformat()
    base = {"name": "Kijiji Telecom", "acronym": "KTEL", "entity_type": "private-sector", "home_country": ""}
    first = other.post("/my/entities/kijiji-telecom/", {**base, "description": "Baraka's words.", "version": version})
    assert first.status_code == 302
    second = client.post("/my/entities/kijiji-telecom/", {**base, "description": "Amina's words.", "version": version})
    assert second.status_code == 409
    html = second.content.decode()
    assert "Someone else saved this profile while you were editing it." in html
    assert "The profile as it is saved now" in html and "Baraka&#x27;s words." in html
    assert "Amina&#x27;s words.</textarea>" in html
    assert Entity.objects.get(pk=w.kijiji.pk).description == "Baraka's words."
    # Saving again, having seen the other change, is a deliberate overwrite.
    new_version = Entity.objects.get(pk=w.kijiji.pk).updated_at.isoformat()
    assert f'value="{new_version}"' in html
    third = client.post(
        "/my/entities/kijiji-telecom/", {**base, "description": "Amina's words.", "version": new_version}
    )
    assert third.status_code == 302
    assert Entity.objects.get(pk=w.kijiji.pk).description == "Amina's words."


def test_list_page_query_count_does_not_grow_with_memberships(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    olga = verified_user(email="olga@example.org")
    for n in range(12):
        MembershipFactory(user=olga, entity=EntityFactory(name=f"Org {n}"), role=MEMBER)
    client.force_login(olga)
    with django_assert_max_num_queries(12):
        assert client.get("/my/entities/").status_code == 200
