"""Milestones: thresholds first crossed by published pledges, recorded once, shown on the timeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from p2c.content.models import Milestone
from p2c.content.services import milestones_record
from p2c.pledges.models import Pledge
from tests.factories import PledgeFactory

pytestmark = pytest.mark.django_db


def publish(n: int, *, usd: str, start: dt.datetime) -> list[Pledge]:
    return [
        PledgeFactory(
            state=Pledge.State.PUBLISHED, published_at=start + dt.timedelta(days=i), usd_estimate=Decimal(usd)
        )
        for i in range(n)
    ]


def test_thresholds_are_recorded_on_the_day_they_were_first_crossed(settings: object) -> None:
    settings.P2C_MILESTONE_PLEDGES_STEP = 3  # type: ignore[attr-defined]
    settings.P2C_MILESTONE_USD_STEP = 10_000_000_000  # type: ignore[attr-defined]
    start = dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC)
    publish(7, usd="4000000000", start=start)
    PledgeFactory(state=Pledge.State.SUBMITTED, usd_estimate=Decimal("900000000000"))  # never counts
    new = milestones_record()
    got = {(m.metric, m.threshold): m.achieved_on for m in new}
    assert got == {
        ("pledges", Decimal(3)): dt.date(2024, 1, 3),
        ("pledges", Decimal(6)): dt.date(2024, 1, 6),
        ("usd", Decimal(10_000_000_000)): dt.date(2024, 1, 3),  # 12 bn after the third
        ("usd", Decimal(20_000_000_000)): dt.date(2024, 1, 5),  # 20 bn after the fifth
    }
    assert Milestone.objects.get(metric="usd", threshold=20_000_000_000).title == "USD 20 billion in published pledges"


def test_recording_again_adds_nothing_and_a_withdrawal_does_not_erase_history(settings: object) -> None:
    settings.P2C_MILESTONE_PLEDGES_STEP = 2  # type: ignore[attr-defined]
    pledges = publish(4, usd="1", start=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    assert len(milestones_record()) == 2
    assert milestones_record() == []
    Pledge.objects.filter(pk=pledges[-1].pk).update(state=Pledge.State.WITHDRAWN)
    assert milestones_record() == []
    assert Milestone.objects.filter(kind="automatic").count() == 2


def test_the_timeline_lists_milestones_by_year(settings: object, client: Client) -> None:
    settings.P2C_MILESTONE_PLEDGES_STEP = 1  # type: ignore[attr-defined]
    publish(1, usd="5", start=dt.datetime(2023, 6, 9, tzinfo=dt.UTC))
    milestones_record()
    Milestone.objects.create(title="Annual meeting", achieved_on=dt.date(2024, 12, 1), precision="month")
    body = client.get("/timeline/").content.decode()
    assert body.index("2023") < body.index("2024")
    assert "9 June 2023" in body and ">1 published pledge</span>" in body  # one: the singular (ngettext)
    assert "December 2024" in body and "Annual meeting" in body


def test_an_empty_timeline_says_what_will_appear(client: Client) -> None:
    assert "No milestones yet" in client.get("/timeline/").content.decode()
