"""Workspace access beyond the permission matrix (tests/test_permission_matrix.py): edge cases of membership."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.workspace.helpers import complete_pledge, world

pytestmark = pytest.mark.django_db


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
