"""People, pledges and cycles for the reporting tests.

Amina (focal point) and Mo (member) report for Kijiji Telecom; Rui and Rosa review for the
secretariat; Olga belongs to nothing. ``scene()`` gives a published pledge of Kijiji Telecom
(USD 1,000,000, two targets, published in March 2026) and the open 2026 cycle, taking reports today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from p2c.accounts.models import User
from p2c.entities.models import Entity, Membership
from p2c.pledges.models import Pledge, PledgeTarget
from p2c.reporting.models import ProgressReport, ReportingCycle, TargetActual
from tests.accounts.helpers import kijiji, verified_user
from tests.factories import MembershipFactory, PledgeFactory
from tests.pledges.test_transitions import olga, rui
from tests.review.helpers import rosa

__all__ = ["Scene", "accepted_report", "cycle", "olga", "published", "rosa", "rui", "scene", "values"]

PUBLISHED_AT = dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.UTC)


@dataclass
class Scene:
    kijiji: Entity
    amina: User
    mo: User
    rui: User
    pledge: Pledge
    targets: list[PledgeTarget]
    cycle: ReportingCycle


def cycle(year: int, *, state: str = ReportingCycle.State.OPEN, **fields: Any) -> ReportingCycle:
    """The cycle of ``year``: the calendar year, open from 15 January after it, due by 31 March."""
    values: dict[str, Any] = {
        "period_start": dt.date(year, 1, 1),
        "period_end": dt.date(year, 12, 31),
        "opens_on": dt.date(year + 1, 1, 15),
        "closes_on": dt.date(year + 1, 3, 31),
        **fields,
    }
    return ReportingCycle.objects.create(year=year, state=state, **values)


def open_now(year: int = 2026, **fields: Any) -> ReportingCycle:
    """The open cycle of ``year``, taking reports today (it opened yesterday; due in 40 days)."""
    today = timezone.localdate()
    return cycle(year, opens_on=today - dt.timedelta(days=1), closes_on=today + dt.timedelta(days=40), **fields)


def published(entity: Entity, *, published_at: dt.datetime = PUBLISHED_AT, **fields: Any) -> Pledge:
    """A published pledge of ``entity`` worth USD 1,000,000."""
    values: dict[str, Any] = {
        "title": "Connect 200 rural schools in Kenya",
        "start_date": dt.date(2026, 4, 1),
        "end_date": dt.date(2029, 12, 31),
        "focus_areas": ["access"],
        "state": Pledge.State.PUBLISHED,
        **fields,
    }
    return PledgeFactory(lead_entity=entity, published_at=published_at, **values)


def with_targets(pledge: Pledge) -> list[PledgeTarget]:
    return [
        PledgeTarget.objects.create(
            pledge=pledge, indicator="Schools connected", unit="schools", baseline=0, target_value=200,
            target_year=2028, order=1,
        ),
        PledgeTarget.objects.create(
            pledge=pledge, indicator="Teachers trained", unit="teachers", target_value=800, target_year=2028, order=2
        ),
    ]  # fmt: skip


def scene(**cycle_fields: Any) -> Scene:
    entity, amina = kijiji()
    mo = verified_user(email="mo@kijiji.example", full_name="Mo")
    MembershipFactory(user=mo, entity=entity, role=Membership.Role.MEMBER)
    pledge = published(entity)
    targets = with_targets(pledge)
    return Scene(entity, amina, mo, rui(), pledge, targets, open_now(**cycle_fields))


def values(s: Scene, **overrides: Any) -> dict[str, Any]:
    """A complete report's values for ``report_draft_save``: on track, 40 %, USD 400,000, both actuals."""
    found: dict[str, Any] = {
        "delivery_status": Pledge.DeliveryStatus.ON_TRACK,
        "percent_complete": 40,
        "usd_disbursed": Decimal("400000"),
        "narrative": "Fibre reached **80 schools** in Turkana and Marsabit.",
        "evidence_links": ["https://kijiji.example/annual-report-2026"],
        "actuals": {s.targets[0].pk: Decimal("80"), s.targets[1].pk: Decimal("310")},
    }
    found.update(overrides)
    return found


def accepted_report(
    pledge: Pledge,
    report_cycle: ReportingCycle,
    *,
    status: str = Pledge.DeliveryStatus.ON_TRACK,
    disbursed: Decimal | None = Decimal("100"),
    latest: bool = True,
) -> ProgressReport:
    """An accepted report written straight to the database, with the pledge's fields set as accepting does."""
    if latest:
        ProgressReport.objects.filter(pledge=pledge, is_latest=True).update(is_latest=False)
    report = ProgressReport.objects.create(
        pledge=pledge,
        cycle=report_cycle,
        state=ProgressReport.State.ACCEPTED,
        delivery_status=status,
        percent_complete=50,
        usd_disbursed=disbursed,
        narrative="Done.",
        submitted_at=timezone.now(),
        accepted_at=timezone.now(),
        is_latest=latest,
    )
    for target in pledge.targets.all():
        TargetActual.objects.create(
            report=report, target=target, indicator=target.indicator, unit=target.unit, baseline=target.baseline,
            target_value=target.target_value, target_year=target.target_year, actual_value=target.target_value / 2,
        )  # fmt: skip
    if latest:
        Pledge.objects.filter(pk=pledge.pk).update(delivery_status=status, last_report_year=report_cycle.year)
    return report
