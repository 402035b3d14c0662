"""The admin shows countries, regions and provenance; provenance cannot be edited there."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from p2c.accounts.models import User
from p2c.geo.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def rui(client: Client) -> Client:
    """Rui of the secretariat, signed in as a superuser."""
    user = User.objects.create_superuser(email="rui@example.org", password="correct horse battery staple")
    client.force_login(user)
    return client


def test_country_list_filters_and_searches(rui: Client) -> None:
    url = reverse("admin:geo_country_changelist")
    response = rui.get(url, {"is_ldc__exact": "1", "is_lldc__exact": "1", "q": "Nep"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert "Nepal" in response.content.decode()
    europe = Region.objects.get(kind=Region.Kind.M49_REGION, code="150")
    response = rui.get(url, {"income_group__exact": "H", "m49_region__id__exact": str(europe.pk)})
    assert response.status_code == 200
    assert "France" in response.content.decode()
    assert "India" not in response.content.decode()


def test_country_and_region_pages_open(rui: Client) -> None:
    assert rui.get(reverse("admin:geo_country_change", args=["KZ"])).status_code == 200
    assert rui.get(reverse("admin:geo_region_changelist"), {"kind__exact": "itu_region"}).status_code == 200


def test_reference_lists_are_read_only(rui: Client) -> None:
    response = rui.get(reverse("admin:geo_referencelist_changelist"))
    assert response.status_code == 200
    assert "World Bank income groups, FY2026" in response.content.decode()
    assert rui.get(reverse("admin:geo_referencelist_add")).status_code == 403
    detail = rui.post(reverse("admin:geo_referencelist_change", args=["ldc"]), {"member_count": 1})
    assert detail.status_code == 403
