"""The reporting screens as people use them: the pledger's form and list, the secretariat's queue,
review page and cycles, and the public delivery timeline (which never shows an unaccepted report)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from p2c.accounts.models import User
from p2c.pledges.models import Pledge
from p2c.reporting.models import ProgressReport, ReportingCycle
from p2c.reporting.services import report_draft_save
from p2c.reporting.transitions import report_submit
from tests.factories import MembershipFactory
from tests.reporting.helpers import Scene, accepted_report, cycle, published, scene, values, with_targets
from tests.workspace.helpers import message_next_to, page, value_of

pytestmark = pytest.mark.django_db
State = ProgressReport.State


@pytest.fixture
def s() -> Scene:
    return scene()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_url(s: Scene) -> str:
    return f"/my/pledges/{s.pledge.reference}/report/"


def posted(s: Scene, **fields: Any) -> dict[str, Any]:
    """What the report form posts, filled in completely, with ``fields`` changed."""
    data = {
        "version": "",
        "delivery_status": "on_track",
        "percent_complete": "40",
        "usd_disbursed": "400,000",
        "narrative": "Fibre reached **80 schools**.",
        "evidence_links": "https://kijiji.example/report-2026\n",
        f"actual_{s.targets[0].pk}": "80",
        f"actual_{s.targets[1].pk}": "310",
        "action": "save",
    }
    data.update(fields)
    return data


def main_form_value(root: Any, name: str) -> str:
    """The value of an input of the report form itself (the discard form has a ``version`` too)."""
    (form,) = [n for n in root.find("form") if "rp-form" in n.classes()]
    return value_of(form, name)


def submitted(s: Scene) -> ProgressReport:
    report = report_draft_save(pledge=s.pledge, cycle=s.cycle, acting_user=s.amina, **values(s))
    return report_submit(report=report, acting_user=s.amina, expected_version=report.version)


# --- The pledger ---------------------------------------------------------------------------------


def test_the_form_labels_each_actual_with_its_unit_and_target(s: Scene) -> None:
    root = page(client_for(s.amina).get(form_url(s)))
    label = next(n for n in root.find("label") if n.attrs.get("for") == f"id_actual_{s.targets[0].pk}")
    assert label.text() == "Schools connected, in schools"
    assert (
        "Target: 200 schools by 2028. Baseline: 0 schools."
        in root.by_id(f"id_actual_{s.targets[0].pk}_helptext").text()
    )
    assert root.find("input", name="delivery_status", type="radio")


def test_errors_sit_next_to_their_fields_and_what_was_typed_is_kept(s: Scene) -> None:
    response = client_for(s.amina).post(
        form_url(s),
        posted(s, usd_disbursed="-5", percent_complete="140", evidence_links="not a link",
               **{f"actual_{s.targets[0].pk}": "eighty"}),
    )  # fmt: skip
    assert response.status_code == 200
    root = page(response)
    assert "cannot be negative" in message_next_to(root, "id_usd_disbursed")
    assert "from 0 to 100" in message_next_to(root, "id_percent_complete")
    assert "in schools" in message_next_to(root, f"id_actual_{s.targets[0].pk}")
    assert "not a web address" in message_next_to(root, "id_evidence_links")
    summary = root.by_id("error-summary")
    assert [a.attrs["href"] for a in summary.find("a")][:2] == ["#id_percent_complete", "#id_usd_disbursed"]
    assert value_of(root, f"actual_{s.targets[0].pk}") == "eighty"
    assert value_of(root, "narrative") == "Fibre reached **80 schools**."
    assert not ProgressReport.objects.exists()


def test_more_than_pledged_asks_for_the_box_and_the_note(s: Scene) -> None:
    client = client_for(s.amina)
    root = page(client.post(form_url(s), posted(s, usd_disbursed="1,200,000")))
    assert "more than the USD 1,000,000.00 pledged" in message_next_to(root, "id_over_pledge_confirmed")
    assert "Say why" in message_next_to(root, "id_over_pledge_note")
    response = client.post(
        form_url(s), posted(s, usd_disbursed="1,200,000", over_pledge_confirmed="on", over_pledge_note="Co-financed.")
    )
    assert response.status_code == 302
    assert ProgressReport.objects.get().over_pledge_confirmed


def test_a_draft_is_saved_then_submitted(s: Scene) -> None:
    client = client_for(s.mo)
    response = client.post(form_url(s), {"version": "", "percent_complete": "10", "action": "save"})
    assert response.status_code == 302 and response["Location"] == form_url(s)
    report = ProgressReport.objects.get()
    assert (report.state, report.percent_complete, report.created_by) == (State.DRAFT, 10, s.mo)
    # Submitting an incomplete draft saves it and lists what is missing.
    root = page(client.post(form_url(s), {"version": "1", "percent_complete": "20", "action": "submit"}))
    assert "Saved as a draft. Complete these before submitting:" in root.by_id("error-summary").text()
    assert "Tell in a few sentences" in message_next_to(root, "id_narrative")
    report.refresh_from_db()
    assert (report.state, report.percent_complete, report.version) == (State.DRAFT, 20, 2)
    assert main_form_value(root, "version") == "2"
    response = client.post(form_url(s), posted(s, version="2", action="submit"))
    assert response.status_code == 302 and response["Location"] == "/my/reports/"
    report.refresh_from_db()
    assert report.state == State.SUBMITTED
    html = client.get(form_url(s)).content.decode()
    assert "the secretariat is reviewing it" in html and '<form class="form ws-form' not in html


def test_a_colleagues_save_meanwhile_is_not_overwritten(s: Scene) -> None:
    report = report_draft_save(pledge=s.pledge, cycle=s.cycle, acting_user=s.amina, percent_complete=10)
    report_draft_save(
        pledge=s.pledge, cycle=s.cycle, acting_user=s.mo, report=report, expected_version=1, percent_complete=30
    )
    response = client_for(s.amina).post(form_url(s), posted(s, version="1", percent_complete="15"))
    assert response.status_code == 409
    root = page(response)
    assert "Someone else saved this report" in root.by_id("error-summary").text()
    assert value_of(root, "percent_complete") == "15" and main_form_value(root, "version") == "2"
    assert ProgressReport.objects.get().percent_complete == 30


def test_a_report_can_be_discarded_and_started_again(s: Scene) -> None:
    report = report_draft_save(pledge=s.pledge, cycle=s.cycle, acting_user=s.amina, percent_complete=10)
    client = client_for(s.amina)
    response = client.post(f"{form_url(s)}discard/", {"version": str(report.version)})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == State.WITHDRAWN
    assert value_of(page(client.get(form_url(s))), "percent_complete") == ""


def test_the_form_says_why_when_no_report_can_be_written(s: Scene) -> None:
    client = client_for(s.amina)
    ReportingCycle.objects.update(state=ReportingCycle.State.CLOSED)
    assert "No reporting cycle is open" in client.get(form_url(s)).content.decode()
    assert client.post(form_url(s), posted(s)).status_code == 200
    assert not ProgressReport.objects.exists()
    late = published(s.kijiji, title="Published later", published_at=dt.datetime(2027, 2, 1, tzinfo=dt.UTC))
    cycle(2027, opens_on=dt.date(2020, 1, 1), closes_on=dt.date(2030, 1, 1), period_start=dt.date(2026, 1, 1),
          period_end=dt.date(2026, 12, 31))  # fmt: skip
    assert "owes no report" in client.get(f"/my/pledges/{late.reference}/report/").content.decode()


def test_my_reports_lists_what_each_entity_has_to_report(s: Scene, django_assert_max_num_queries: Any) -> None:
    report_draft_save(pledge=s.pledge, cycle=s.cycle, acting_user=s.amina, percent_complete=5)
    published(s.kijiji, title="Not started yet")
    published(s.kijiji, title="Too recent", published_at=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    client = client_for(s.amina)
    html = client.get("/my/reports/").content.decode()
    assert "2 reports to write or finish" in html
    assert "Continue the draft" in html and "Write the report" in html and "No report needed" in html

    def count() -> int:
        cache.clear()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get("/my/reports/").status_code == 200
        return len(queries)

    few = count()
    for i in range(8):
        pledge = published(s.kijiji, title=f"More {i}")
        if i % 2:
            report_draft_save(pledge=pledge, cycle=s.cycle, acting_user=s.amina, percent_complete=i)
    assert count() == few
    with django_assert_max_num_queries(12):
        client.get("/my/reports/")


def test_the_workspace_links_to_the_reports(s: Scene) -> None:
    assert 'href="/my/reports/"' in client_for(s.amina).get("/my/").content.decode()


# --- The secretariat -----------------------------------------------------------------------------


def test_the_reviewer_accepts_from_the_queue(s: Scene) -> None:
    report = submitted(s)
    client = client_for(s.rui)
    queue = client.get("/review/reports/").content.decode()
    assert f'href="/review/reports/{report.pk}/"' in queue and s.pledge.title in queue
    review = client.get(f"/review/reports/{report.pk}/").content.decode()
    assert "Schools connected" in review and "Fibre reached <strong>80 schools</strong>" in review
    response = client.post(f"/review/reports/{report.pk}/accept/", {"version": str(report.version)})
    assert response.status_code == 302 and response["Location"] == "/review/reports/"
    report.refresh_from_db()
    assert report.state == State.ACCEPTED
    assert Pledge.objects.get(pk=s.pledge.pk).delivery_status == "on_track"


def test_a_clarification_without_a_question_comes_back_with_the_error(s: Scene) -> None:
    report = submitted(s)
    response = client_for(s.rui).post(
        f"/review/reports/{report.pk}/request-clarification/", {"version": str(report.version), "comment": ""}
    )
    assert response.status_code == 400
    assert "Say what needs clarifying." in response.content.decode()
    report.refresh_from_db()
    assert report.state == State.SUBMITTED


def test_a_decision_on_a_changed_report_is_refused_with_409(s: Scene) -> None:
    report = submitted(s)
    client = client_for(s.rui)
    client.post(f"/review/reports/{report.pk}/accept/", {"version": str(report.version)})
    response = client.post(
        f"/review/reports/{report.pk}/request-clarification/", {"version": str(report.version), "comment": "Why?"}
    )
    assert response.status_code == 409
    assert "This report changed since you opened it" in response.content.decode()


def test_a_reviewer_who_is_a_member_sees_but_may_not_decide(s: Scene) -> None:
    report = submitted(s)
    MembershipFactory(user=s.rui, entity=s.kijiji)
    client = client_for(s.rui)
    assert "another reviewer must review" in client.get(f"/review/reports/{report.pk}/").content.decode()
    assert client.post(f"/review/reports/{report.pk}/accept/", {"version": "2"}).status_code == 403


def test_a_draft_is_not_for_reviewers_to_see(s: Scene) -> None:
    report = report_draft_save(pledge=s.pledge, cycle=s.cycle, acting_user=s.amina)
    assert client_for(s.rui).get(f"/review/reports/{report.pk}/").status_code == 404


def test_the_queue_and_the_review_page_make_the_same_queries_for_few_or_many(
    s: Scene, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report = submitted(s)
    client = client_for(s.rui)

    def count(url: str) -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    queue, review = count("/review/reports/"), count(f"/review/reports/{report.pk}/")
    for i in range(6):
        pledge = published(s.kijiji, title=f"Other {i}")
        with_targets(pledge)
        targets = list(pledge.targets.all())
        actuals = {t.pk: Decimal(1) for t in targets}
        other = report_draft_save(pledge=pledge, cycle=s.cycle, acting_user=s.amina, **values(s, actuals=actuals))
        report_submit(report=other, acting_user=s.amina, expected_version=other.version)
    accepted_report(s.pledge, cycle(2025, state="closed"), latest=False)
    assert count("/review/reports/") == queue
    assert count(f"/review/reports/{report.pk}/") == review
    with django_assert_max_num_queries(14):
        client.get(f"/review/reports/{report.pk}/")


def test_cycles_are_opened_and_closed_on_their_page(s: Scene) -> None:
    client = client_for(s.rui)
    html = client.get("/review/cycles/").content.decode()
    assert "2026 progress reports" in html and "Close 2026 progress reports" in html
    response = client.post("/review/cycles/2026/close/")
    assert response.status_code == 302
    assert ReportingCycle.objects.get(year=2026).state == "closed"
    form = page(client.get("/review/cycles/"))
    assert value_of(form, "year") == "2027" and value_of(form, "period_start") == "2027-01-01"
    bad = client.post("/review/cycles/", {"year": "2027", "period_start": "2027-12-31", "period_end": "2027-01-01",
                                          "opens_on": "2028-01-15", "closes_on": "2028-03-31"})  # fmt: skip
    assert "The period ends before it starts" in message_next_to(page(bad), "id_period_end")
    good = client.post("/review/cycles/", {"year": "2027", "period_start": "2027-01-01", "period_end": "2027-12-31",
                                           "opens_on": "2028-01-15", "closes_on": "2028-03-31"})  # fmt: skip
    assert good.status_code == 302
    assert ReportingCycle.objects.get(year=2027).opened_by == s.rui


# --- The public page: the delivery timeline ------------------------------------------------------


def test_the_pledge_page_shows_accepted_reports_only(client: Client, s: Scene) -> None:
    submitted(s)
    html = client.get(f"/pledges/{s.pledge.reference}/").content.decode()
    assert "No progress report yet." in html
    assert "Fibre reached" not in html and "Report for 2026" not in html


def test_the_delivery_timeline_shows_each_accepted_report(client: Client, s: Scene) -> None:
    older = accepted_report(
        s.pledge, cycle(2025, state="closed"), status="delayed", disbursed=Decimal(100_000), latest=False
    )
    ProgressReport.objects.filter(pk=older.pk).update(
        narrative="<script>alert(1)</script> [a link](javascript:alert(2))",
        evidence_links=["https://kijiji.example/2025", "javascript:alert(3)"],
    )
    accepted_report(s.pledge, s.cycle, status="on_track", disbursed=Decimal(400_000))
    html = client.get(f"/pledges/{s.pledge.reference}/").content.decode()
    delivery = html.split('id="delivery"', 1)[1].split("</section>", 1)[0]
    assert delivery.index("Report for 2026") < delivery.index("Report for 2025")
    assert "<strong>On track</strong>" in delivery
    assert "USD 400,000" in delivery and "40% of the USD 1,000,000 pledged" in delivery
    assert "Schools connected" in delivery and "50% of the way" in delivery
    assert "<script>" not in delivery and 'href="javascript:' not in delivery
    assert 'href="https://kijiji.example/2025" rel="nofollow noopener"' in delivery
    assert 'href="/static/reporting/reporting.css"' in html


def test_reports_of_an_unpublished_pledge_are_never_shown(client: Client, s: Scene) -> None:
    accepted_report(s.pledge, s.cycle)
    Pledge.objects.filter(pk=s.pledge.pk).update(state=Pledge.State.WITHDRAWN)
    assert client.get(f"/pledges/{s.pledge.reference}/").status_code == 404
    from p2c.reporting.selectors import accepted_reports

    assert accepted_reports(Pledge.objects.get(pk=s.pledge.pk)) == []


def test_the_pledge_page_makes_the_same_queries_for_one_report_or_many(
    client: Client, s: Scene, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    accepted_report(s.pledge, s.cycle)

    def count() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/pledges/{s.pledge.reference}/").status_code == 200
        return len(queries)

    one = count()
    for year in (2022, 2023, 2024, 2025):
        accepted_report(s.pledge, cycle(year, state="closed"), latest=False)
    assert count() == one
    with django_assert_max_num_queries(14):
        client.get(f"/pledges/{s.pledge.reference}/")


def test_the_form_and_the_cycles_page_make_the_same_queries_for_few_or_many(
    s: Scene, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from p2c.pledges.models import PledgeTarget

    report_draft_save(pledge=s.pledge, cycle=s.cycle, acting_user=s.amina, percent_complete=5)
    pledger, reviewer = client_for(s.amina), client_for(s.rui)

    def count(client: Client, url: str) -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    form, cycles = count(pledger, form_url(s)), count(reviewer, "/review/cycles/")
    for i in range(8):
        PledgeTarget.objects.create(
            pledge=s.pledge, indicator=f"Indicator {i}", unit="u", target_value=10, target_year=2030
        )
    for year in range(2018, 2026):
        cycle(year, state="closed")
    assert count(pledger, form_url(s)) == form
    assert count(reviewer, "/review/cycles/") == cycles
    with django_assert_max_num_queries(14):
        pledger.get(form_url(s))
