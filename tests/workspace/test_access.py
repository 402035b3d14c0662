"""Who may see and do what in the workspace: members of the lead entity only; everyone else gets a 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from p2c.pledges.models import Pledge
from tests.workspace.helpers import World, complete_pledge, form_data, world

pytestmark = pytest.mark.django_db

LOGIN, OK, DONE, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = "login", 200, 302, 403, 404, 405
PERSONAS = ("anonymous", "unverified_member", "outsider", "other_entity", "reviewer", "member", "focal_point")
MEMBERS = {"outsider": NOT_FOUND, "other_entity": NOT_FOUND, "reviewer": NOT_FOUND, "member": OK, "focal_point": OK}


def person(w: World, persona: str) -> Any:
    return {
        "anonymous": None,
        "unverified_member": w.uma,
        "outsider": w.olga,
        "other_entity": w.sara,
        "reviewer": w.rui,
        "member": w.mo,
        "focal_point": w.amina,
    }[persona]


def only_members(result: int) -> dict[str, int]:
    return {**MEMBERS, "member": result, "focal_point": result}


# (method, path, data, expected for verified personas, the effect once done)
Check = tuple[
    str, Callable[[Pledge], str], Callable[[Pledge], dict[str, Any]], dict[str, int], Callable[[Pledge], bool] | None
]
CHECKS: dict[str, Check] = {
    "home": ("GET", lambda p: "/my/", lambda p: {}, dict.fromkeys(MEMBERS, OK), None),
    "new_form": ("GET", lambda p: "/my/pledges/new/", lambda p: {}, dict.fromkeys(MEMBERS, OK), None),
    "pledge_page": ("GET", lambda p: f"/my/pledges/{p.reference}/", lambda p: {}, only_members(OK), None),
    "lower_case_reference": (
        "GET",
        lambda p: f"/my/pledges/{p.reference.lower()}/",
        lambda p: {},
        only_members(OK),
        None,
    ),
    "edit_form": ("GET", lambda p: f"/my/pledges/{p.reference}/edit/", lambda p: {}, only_members(OK), None),
    "edit": (
        "POST",
        lambda p: f"/my/pledges/{p.reference}/edit/",
        lambda p: form_data(version="1", title="Changed"),
        only_members(DONE),
        lambda p: Pledge.objects.get(pk=p.pk).title == "Changed",
    ),
    "submit": (
        "POST",
        lambda p: f"/my/pledges/{p.reference}/submit/",
        lambda p: {"version": "1"},
        only_members(DONE),
        lambda p: Pledge.objects.get(pk=p.pk).state == "submitted",
    ),
    "withdraw_form": ("GET", lambda p: f"/my/pledges/{p.reference}/withdraw/", lambda p: {}, only_members(OK), None),
    "withdraw": (
        "POST",
        lambda p: f"/my/pledges/{p.reference}/withdraw/",
        lambda p: {"version": "1", "reason": "Merged."},
        only_members(DONE),
        lambda p: Pledge.objects.get(pk=p.pk).state == "withdrawn",
    ),
    "unknown_pledge": (
        "GET",
        lambda p: "/my/pledges/P2C-1999-0001/",
        lambda p: {},
        dict.fromkeys(MEMBERS, NOT_FOUND),
        None,
    ),
    "submit_by_get": (
        "GET",
        lambda p: f"/my/pledges/{p.reference}/submit/",
        lambda p: {},
        dict.fromkeys(MEMBERS, NOT_ALLOWED),
        None,
    ),
    "revise_by_get": (
        "GET",
        lambda p: f"/my/pledges/{p.reference}/revise/",
        lambda p: {},
        dict.fromkeys(MEMBERS, NOT_ALLOWED),
        None,
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("check", list(CHECKS))
def test_permission_matrix(client: Client, check: str, persona: str) -> None:
    method, path, data, expected_by_persona, effect = CHECKS[check]
    w = world()
    pledge = complete_pledge(w.kijiji)
    user = person(w, persona)
    if user is not None:
        client.force_login(user)
    expected = {"anonymous": LOGIN, "unverified_member": FORBIDDEN, **expected_by_persona}[persona]

    response = client.post(path(pledge), data(pledge)) if method == "POST" else client.get(path(pledge))

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    else:
        assert response.status_code == expected, response.content[:500]
    if effect is not None:
        assert effect(pledge) is (expected == DONE)


def test_a_reviewer_who_is_a_member_sees_the_pledge_as_a_member(client: Client) -> None:
    from tests.factories import MembershipFactory

    w = world()
    MembershipFactory(user=w.rui, entity=w.kijiji)
    pledge = complete_pledge(w.kijiji)
    client.force_login(w.rui)
    assert client.get(f"/my/pledges/{pledge.reference}/").status_code == 200


def test_a_pending_member_cannot_see_the_pledge(client: Client) -> None:
    from p2c.entities.models import Membership
    from tests.factories import MembershipFactory

    w = world()
    MembershipFactory(user=w.olga, entity=w.kijiji, status=Membership.Status.REQUESTED)
    pledge = complete_pledge(w.kijiji)
    client.force_login(w.olga)
    assert client.get(f"/my/pledges/{pledge.reference}/").status_code == 404
