"""The explorer's totals and pages are cached per filter state; a publication or withdrawal shows at once."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from p2c.pledges.models import Pledge
from p2c.pledges.transitions import pledge_publish, pledge_submit, pledge_withdraw
from tests.accounts.helpers import kijiji, send_emails_at_once
from tests.pledges.test_transitions import complete_pledge, rui

pytestmark = pytest.mark.django_db


def shown_count(client: Client, query: str = "") -> int:
    page = client.get(f"/pledges/?{query}").content.decode()
    match = re.search(r"(\d[\d,]*)\s+pledges?\b", page)
    assert match, page[:2000]
    return int(match.group(1).replace(",", ""))


def test_publishing_and_withdrawing_change_the_cached_totals_at_once(
    settings: Any, django_assert_max_num_queries: Any
) -> None:
    send_emails_at_once(settings)
    entity, amina = kijiji()
    complete_pledge(entity, state=Pledge.State.PUBLISHED, usd_estimate=Decimal("1000"))
    client = Client()
    assert shown_count(client) == 1
    assert shown_count(client, "focus_area=access") == 1

    pledge = complete_pledge(entity, title="Solar Wi-Fi for Turkana")
    pledge = pledge_submit(pledge=pledge, acting_user=amina, expected_version=pledge.version)
    assert shown_count(client) == 1  # submitted: not public
    pledge = pledge_publish(pledge=pledge, acting_user=rui(), expected_version=pledge.version)
    assert shown_count(client) == 2
    assert shown_count(client, "focus_area=access") == 2
    # The page's cached ids were replaced too: the new pledge is listed.
    assert "Solar Wi-Fi for Turkana" in client.get("/pledges/?focus_area=access").content.decode()

    pledge_withdraw(pledge=pledge, acting_user=amina, expected_version=pledge.version)
    assert shown_count(client) == 1
    assert shown_count(client, "focus_area=access") == 1
    assert "Solar Wi-Fi for Turkana" not in client.get("/pledges/?focus_area=access").content.decode()
