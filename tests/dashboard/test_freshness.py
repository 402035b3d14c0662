"""Fresh figures: publishing or withdrawing a pledge shows on the (cached) dashboard at once.

Personas: Amina of Kijiji Telecom pledges and withdraws; Rui reviews and publishes.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from p2c.dashboard.freshness import data_version, data_version_bump
from p2c.dashboard.models import DataVersion
from p2c.entities.models import EntityType
from p2c.geo.models import Country
from p2c.pledges.models import FocusArea, Pledge, PledgePartner
from p2c.pledges.transitions import pledge_publish, pledge_submit, pledge_withdraw
from tests.accounts.helpers import kijiji, send_emails_at_once
from tests.factories import EntityFactory, PledgeFactory
from tests.pledges.test_transitions import complete_pledge, rui

pytestmark = pytest.mark.django_db

PUBLISHED = Pledge.State.PUBLISHED


@pytest.fixture(autouse=True)
def _emails_at_once(settings: Any) -> None:
    send_emails_at_once(settings)


def shown(client: Client, figure: str, query: str = "") -> int:
    """The number the dashboard shows for a headline figure (``pledges``, ``countries``, ``ldc`` …)."""
    html = client.get(f"/dashboard/?{query}").content.decode()
    match = re.search(rf'data-figure="{figure}">(?:<span class="figure-number">)?([\d,]+)', html)
    assert match, figure
    return int(match.group(1).replace(",", ""))


def test_publishing_and_withdrawing_show_on_the_dashboard_at_once(client: Client) -> None:
    kijiji_telecom, amina = kijiji()
    reviewer = rui()
    PledgeFactory(state=PUBLISHED, countries=[Country.objects.get(iso2="FR")])
    assert (shown(client, "pledges"), shown(client, "countries"), shown(client, "ldc")) == (1, 1, 0)
    assert cache.get(next(iter_keys())) is not None  # the figures are cached ...

    pledge = complete_pledge(kijiji_telecom, countries=[Country.objects.get(iso2="UG")])
    pledge = pledge_submit(pledge=pledge, acting_user=amina, expected_version=pledge.version)
    assert shown(client, "pledges") == 1  # submitted is not public
    pledge = pledge_publish(pledge=pledge, acting_user=reviewer, expected_version=pledge.version)
    # ... and yet the next request shows the publication, whatever the cache holds.
    assert (shown(client, "pledges"), shown(client, "countries"), shown(client, "ldc")) == (2, 2, 1)
    assert shown(client, "pledges", "country=UG") == 1

    pledge_withdraw(pledge=pledge, acting_user=amina, expected_version=pledge.version, reason="Cancelled.")
    assert (shown(client, "pledges"), shown(client, "countries"), shown(client, "ldc")) == (1, 1, 0)
    assert shown(client, "pledges", "country=UG") == 0


def iter_keys() -> Any:
    """The dashboard's keys in the in-memory test cache."""
    return (key.split(":", 2)[-1] for key in cache._cache if "p2c:dashboard:aggregates" in key)  # type: ignore[attr-defined]


def test_what_changes_the_data_version() -> None:
    version = data_version()
    draft = PledgeFactory(countries=[Country.objects.get(iso2="KE")])
    assert data_version() != version  # a new pledge row (bulk inserts send no signals)
    version = data_version()
    draft.title = "Another title"
    draft.save()
    draft.focus_areas.set(FocusArea.objects.all()[:1])
    assert data_version() == version  # editing a draft changes nothing the dashboard counts

    published = PledgeFactory(state=PUBLISHED)
    version = data_version()
    published.focus_areas.set(FocusArea.objects.all()[:2])  # an edit in the admin, say
    assert data_version() != version
    version = data_version()
    PledgePartner.objects.create(pledge=published, entity=EntityFactory())
    assert data_version() != version
    version = data_version()
    lead = published.lead_entity
    lead.entity_type = EntityType.objects.get(code="government")
    lead.save()
    assert data_version() != version
    version = data_version()
    Country.objects.filter(iso2="KE").update(is_ldc=False)  # a bulk write: it must bump itself
    assert data_version() == version
    data_version_bump()
    assert data_version() != version


def test_deleting_many_published_pledges_bumps_the_version_once() -> None:
    for _ in range(5):
        PledgeFactory(state=PUBLISHED, usd_estimate=Decimal(1))
    before = DataVersion.objects.get(id=1).number
    Pledge.objects.filter(state=PUBLISHED).delete()
    assert DataVersion.objects.get(id=1).number == before + 1


def test_the_version_survives_an_emptied_table() -> None:
    DataVersion.objects.all().delete()
    assert data_version().startswith("0-")
    data_version_bump()
    assert DataVersion.objects.get(id=1).number == 1
