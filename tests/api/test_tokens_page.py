"""The API tokens page of an organisation: focal points only; the secret shown once; revoking."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from p2c.api.auth import token_hash
from p2c.api.models import ApiToken
from p2c.core.models import AuditEvent
from p2c.entities.models import Membership
from tests.accounts.helpers import PASSWORD
from tests.api.helpers import ApiClient
from tests.workspace.helpers import World, world

pytestmark = pytest.mark.django_db
PAGE = "/my/entities/kijiji-telecom/api-tokens/"


@pytest.fixture
def people() -> World:
    return world()


def signed_in(email: str) -> Client:
    client = Client()
    assert client.login(username=email, password=PASSWORD)
    return client


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("uma@kijiji.example", 403), ("olga@example.org", 404), ("sara@savannah.example", 404),
     ("mo@kijiji.example", 403), ("rui@secretariat.example", 404), ("amina@kijiji.example", 200)],
)  # fmt: skip
def test_only_a_focal_point_sees_and_uses_the_page(people: World, who: str, status: int) -> None:
    Membership.objects.filter(user=people.uma).update(role=Membership.Role.FOCAL_POINT)  # unconfirmed email
    client = Client() if who == "anonymous" else signed_in(who)
    assert client.get(PAGE).status_code == status
    created = client.post(PAGE, {"name": "CRM", "scope": "write"})
    assert created.status_code == status
    assert ApiToken.objects.exists() == (status == 200)
    if who == "anonymous":
        assert client.get(PAGE)["Location"].startswith("/accounts/login/")


def test_the_secret_is_shown_once_and_only_its_hash_is_kept(people: World) -> None:
    client = signed_in("amina@kijiji.example")
    response = client.post(PAGE, {"name": "  CRM   export ", "scope": "write"})
    assert response.status_code == 200
    html = response.content.decode()
    secret = re.search(r'value="(p2c_[a-z0-9]+_[A-Za-z0-9]+)"', html).group(1)  # type: ignore[union-attr]
    token = ApiToken.objects.get()
    assert (token.name, token.scope, token.created_by, token.entity) == (
        "CRM export",
        "write",
        people.amina,
        people.kijiji,
    )
    assert token.secret_hash == token_hash(secret) and secret not in token.secret_hash
    assert secret.startswith(f"p2c_{token.prefix}_")
    assert response["Cache-Control"].startswith("max-age=0")
    listed = client.get(PAGE).content.decode()
    assert secret not in listed
    assert f"p2c_{token.prefix}_…" in listed
    assert ApiClient(secret).get("/api/v1/my/pledges").status_code == 200
    assert AuditEvent.objects.filter(action="created", object_id=str(token.pk), actor=people.amina).exists()


def test_a_token_needs_a_name_and_a_scope(people: World) -> None:
    response = signed_in("amina@kijiji.example").post(PAGE, {"name": " ", "scope": "everything"})
    assert response.status_code == 200
    assert b"Say what the token is for." in response.content
    assert not ApiToken.objects.exists()


def test_revoking_ends_the_token(people: World) -> None:
    client = signed_in("amina@kijiji.example")
    html = client.post(PAGE, {"name": "CRM", "scope": "read"}).content.decode()
    secret = re.search(r'value="(p2c_[^"]+)"', html).group(1)  # type: ignore[union-attr]
    token = ApiToken.objects.get()
    assert signed_in("mo@kijiji.example").post(f"{PAGE}{token.pk}/revoke/").status_code == 403
    response = client.post(f"{PAGE}{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == people.amina
    assert ApiClient(secret).get("/api/v1/my/pledges").status_code == 401
    assert "revoked" in client.get(PAGE).content.decode()


def test_the_organisation_page_links_focal_points_to_the_tokens(people: World) -> None:
    assert PAGE.encode() in signed_in("amina@kijiji.example").get("/my/entities/kijiji-telecom/").content
    assert PAGE.encode() not in signed_in("mo@kijiji.example").get("/my/entities/kijiji-telecom/").content
