"""Reports are validated like pledges: drafts may be incomplete, but what they say must be valid.

Also: who may write a report, on which pledges and in which cycle; cycles opened and closed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from p2c.core.models import AuditEvent
from p2c.dashboard.models import DataVersion
from p2c.pledges.models import Pledge
from p2c.reporting.models import ProgressReport, ReportingCycle
from p2c.reporting.services import (
    ConcurrentEditError,
    NotEditableError,
    cycle_close,
    cycle_open,
    owes_report,
    pledges_owing_reports,
    report_draft_save,
    report_submission_errors,
)
from tests.reporting.helpers import Scene, accepted_report, cycle, olga, published, scene, values

pytestmark = pytest.mark.django_db


@pytest.fixture
def s() -> Scene:
    return scene()


def save(s: Scene, report: ProgressReport | None = None, **given: Any) -> ProgressReport:
    return report_draft_save(
        pledge=s.pledge,
        cycle=s.cycle,
        acting_user=s.amina,
        report=report,
        expected_version=report.version if report is not None else None,
        **given,
    )


def refused(s: Scene, **given: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        save(s, **given)
    assert not ProgressReport.objects.exists()
    return caught.value.message_dict


# --- Validation ---------------------------------------------------------------------------------


def test_a_draft_may_be_empty_and_is_saved_with_a_row_per_target(s: Scene) -> None:
    report = save(s)
    assert (report.state, report.version, report.created_by) == ("draft", 1, s.amina)
    assert [a.indicator for a in report.actuals.all()] == ["Schools connected", "Teachers trained"]
    assert all(a.actual_value is None for a in report.actuals.all())
    assert report_submission_errors(report).keys() == {
        "delivery_status",
        "percent_complete",
        "usd_disbursed",
        "narrative",
        f"actual_{s.targets[0].pk}",
        f"actual_{s.targets[1].pk}",
    }
    (event,) = AuditEvent.objects.filter(content_type__model="progressreport")
    assert (event.action, event.actor, event.to_state) == ("created", s.amina, "draft")


def test_money_disbursed_is_never_negative(s: Scene) -> None:
    errors = refused(s, usd_disbursed=Decimal("-1"))
    assert errors == {
        "usd_disbursed": ["The amount disbursed cannot be negative: enter 0 if nothing was disbursed yet."]
    }


def test_more_than_pledged_needs_a_confirmation_and_a_note(s: Scene) -> None:
    errors = refused(s, usd_disbursed=Decimal("1200000"))
    assert set(errors) == {"over_pledge_confirmed", "over_pledge_note"}
    assert "more than the USD 1,000,000.00 pledged" in errors["over_pledge_confirmed"][0]
    assert set(refused(s, usd_disbursed=Decimal("1200000"), over_pledge_confirmed=True)) == {"over_pledge_note"}
    assert set(refused(s, usd_disbursed=Decimal("1200000"), over_pledge_note="A co-financier joined.")) == {
        "over_pledge_confirmed"
    }
    report = save(s, usd_disbursed=Decimal("1200000"), over_pledge_confirmed=True, over_pledge_note=" A co-financier. ")
    assert (report.usd_disbursed, report.over_pledge_confirmed, report.over_pledge_note) == (
        Decimal("1200000"),
        True,
        "A co-financier.",
    )
    # Exactly the pledged amount is not more than pledged; a confirmation then means nothing and is dropped.
    again = save(s, report, usd_disbursed=Decimal("1000000"))
    assert (again.over_pledge_confirmed, again.version) == (False, 2)


def test_a_pledge_without_an_estimate_has_nothing_to_exceed(s: Scene) -> None:
    Pledge.objects.filter(pk=s.pledge.pk).update(usd_estimate=None, amount=None)
    assert save(s, usd_disbursed=Decimal("5000")).usd_disbursed == Decimal("5000")


@pytest.mark.parametrize("bad", ["many", Decimal("1.234"), Decimal("1e19")])
def test_actual_values_are_numbers_in_the_targets_unit(s: Scene, bad: Any) -> None:
    errors = refused(s, actuals={s.targets[0].pk: bad})
    (message,) = errors[f"actual_{s.targets[0].pk}"]
    assert "schools" in message


def test_an_actual_for_another_pledges_target_is_refused(s: Scene) -> None:
    other = published(s.kijiji, title="Another pledge")
    from tests.reporting.helpers import with_targets

    foreign = with_targets(other)[0]
    assert "actuals" in refused(s, actuals={foreign.pk: Decimal("3")})


@pytest.mark.parametrize(
    "links",
    [
        ["javascript:alert(1)"],
        ["ftp://kijiji.example/report.pdf"],
        ["kijiji.example/report"],
        ["https://kijiji.example/" + "a" * 600],
        [f"https://kijiji.example/{n}" for n in range(6)],
    ],
)
def test_evidence_links_are_a_few_http_addresses(s: Scene, links: list[str]) -> None:
    assert "evidence_links" in refused(s, evidence_links=links)


def test_percent_complete_is_between_0_and_100(s: Scene) -> None:
    assert "percent_complete" in refused(s, percent_complete=101)
    assert "percent_complete" in refused(s, percent_complete=-1)
    assert save(s, percent_complete=100).percent_complete == 100


def test_a_complete_report_has_no_submission_errors(s: Scene) -> None:
    report = save(s, **values(s))
    assert report_submission_errors(report) == {}
    assert [a.actual_value for a in report.actuals.all()] == [Decimal("80"), Decimal("310")]


# --- Drafts -------------------------------------------------------------------------------------


def test_saving_again_needs_the_version_it_started_from(s: Scene) -> None:
    report = save(s, percent_complete=10)
    save(s, report, percent_complete=20)
    with pytest.raises(ConcurrentEditError):
        report_draft_save(
            pledge=s.pledge, cycle=s.cycle, acting_user=s.mo, report=report, expected_version=1, percent_complete=30
        )
    report.refresh_from_db()
    assert (report.percent_complete, report.version) == (20, 2)
    updated = AuditEvent.objects.filter(content_type__model="progressreport", action="updated").get()
    assert updated.changed_fields == {"percent_complete": [10, 20]}


def test_a_second_report_for_the_same_cycle_is_refused(s: Scene) -> None:
    save(s)
    with pytest.raises(ConcurrentEditError):
        save(s)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressReport.objects.create(pledge=s.pledge, cycle=s.cycle)


def test_a_withdrawn_report_leaves_room_for_a_new_one(s: Scene) -> None:
    report = save(s)
    ProgressReport.objects.filter(pk=report.pk).update(state=ProgressReport.State.WITHDRAWN)
    assert save(s).pk != report.pk


def test_only_members_of_the_lead_entity_write_reports(s: Scene) -> None:
    for person in (olga(), s.rui):
        with pytest.raises(PermissionDenied):
            report_draft_save(pledge=s.pledge, cycle=s.cycle, acting_user=person)
    assert save(s).pk  # Amina may; so may Mo:
    assert (
        report_draft_save(pledge=published(s.kijiji, title="Second"), cycle=s.cycle, acting_user=s.mo).created_by
        == s.mo
    )


@pytest.mark.parametrize("state", [ProgressReport.State.SUBMITTED, ProgressReport.State.ACCEPTED])
def test_a_report_under_review_or_accepted_cannot_be_changed(s: Scene, state: str) -> None:
    report = save(s)
    ProgressReport.objects.filter(pk=report.pk).update(state=state)
    report.refresh_from_db()
    with pytest.raises(NotEditableError):
        save(s, report, percent_complete=5)


def test_reports_need_a_published_pledge_and_a_cycle_taking_reports(s: Scene) -> None:
    draft = published(s.kijiji, title="Not yet", state=Pledge.State.DRAFT, published_at=None)
    with pytest.raises(NotEditableError, match="Only published pledges"):
        report_draft_save(pledge=draft, cycle=s.cycle, acting_user=s.amina)
    ReportingCycle.objects.filter(pk=s.cycle.pk).update(opens_on=timezone.localdate() + dt.timedelta(days=3))
    with pytest.raises(NotEditableError, match="opens on"):
        save(s)
    ReportingCycle.objects.filter(pk=s.cycle.pk).update(opens_on=timezone.localdate(), state="closed")
    with pytest.raises(NotEditableError, match="closed"):
        save(s)


def test_which_pledges_owe_a_report(s: Scene) -> None:
    """Published before the period ended, and not reported completed or discontinued in an earlier cycle."""
    on_last_day = published(s.kijiji, title="Last day", published_at=dt.datetime(2026, 12, 31, 23, 59, tzinfo=dt.UTC))
    too_late = published(s.kijiji, title="Too late", published_at=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    finished = published(s.kijiji, title="Finished in 2025")
    accepted_report(finished, cycle(2025, state="closed"), status=Pledge.DeliveryStatus.COMPLETED)
    stopped = published(s.kijiji, title="Stopped in 2025")
    accepted_report(stopped, ReportingCycle.objects.get(year=2025), status=Pledge.DeliveryStatus.DISCONTINUED)
    delayed = published(s.kijiji, title="Delayed in 2025")
    accepted_report(delayed, ReportingCycle.objects.get(year=2025), status=Pledge.DeliveryStatus.DELAYED)
    published(s.kijiji, title="Withdrawn", state=Pledge.State.WITHDRAWN)
    owing = set(pledges_owing_reports(s.cycle).values_list("title", flat=True))
    assert owing == {s.pledge.title, "Last day", "Delayed in 2025"}
    assert owes_report(on_last_day, s.cycle) and not owes_report(too_late, s.cycle)
    with pytest.raises(NotEditableError, match="owes no report"):
        report_draft_save(pledge=finished, cycle=s.cycle, acting_user=s.amina)


# --- Cycles -------------------------------------------------------------------------------------


def test_a_reviewer_opens_and_closes_a_cycle_one_at_a_time_and_the_dashboard_notices() -> None:
    from tests.reporting.helpers import rui

    reviewer = rui()
    dates: dict[str, Any] = {
        "period_start": dt.date(2026, 1, 1),
        "period_end": dt.date(2026, 12, 31),
        "opens_on": dt.date(2027, 1, 15),
        "closes_on": dt.date(2027, 3, 31),
    }
    before = DataVersion.objects.filter(id=1).values_list("number", flat=True).first() or 0
    first = cycle_open(acting_user=reviewer, year=2026, label="", **dates)
    assert (first.state, first.opened_by, first.name) == ("open", reviewer, "2026 progress reports")
    with pytest.raises(ValidationError) as caught:
        cycle_open(acting_user=reviewer, year=2027, **dates)
    assert "still open" in str(caught.value)
    cycle_close(acting_user=reviewer, cycle=first)
    with pytest.raises(ValidationError, match="already closed"):
        cycle_close(acting_user=reviewer, cycle=first)
    with pytest.raises(ValidationError) as caught:
        cycle_open(acting_user=reviewer, year=2026, **dates)
    assert caught.value.message_dict == {"year": ["There is already a cycle for 2026."]}
    assert DataVersion.objects.get(id=1).number == before + 2
    assert [e.action for e in AuditEvent.objects.filter(content_type__model="reportingcycle").order_by("id")] == [
        "opened",
        "closed",
    ]


def test_cycle_dates_must_be_in_order_and_only_reviewers_open_cycles(s: Scene) -> None:
    with pytest.raises(PermissionDenied):
        cycle_open(
            acting_user=s.amina,
            year=2030,
            period_start=dt.date(2030, 1, 1),
            period_end=dt.date(2030, 12, 31),
            opens_on=dt.date(2031, 1, 1),
            closes_on=dt.date(2031, 2, 1),
        )
    cycle_close(acting_user=s.rui, cycle=s.cycle)
    with pytest.raises(ValidationError) as caught:
        cycle_open(
            acting_user=s.rui,
            year=2030,
            period_start=dt.date(2030, 12, 31),
            period_end=dt.date(2030, 1, 1),
            opens_on=dt.date(2031, 2, 1),
            closes_on=dt.date(2031, 1, 1),
        )
    assert set(caught.value.message_dict) == {"period_end", "closes_on"}
    with pytest.raises(PermissionDenied):
        cycle_close(acting_user=s.amina, cycle=s.cycle)


def test_the_database_allows_one_open_cycle(s: Scene) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        cycle(2027)
