"""Report emails and reminders are written in each recipient's language, with links into its pages.

Amina (French) and Mo (Arabic) report for Kijiji Telecom; Rui (French) and Rosa (Arabic) review.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.utils import formats
from django.utils.translation import override

from p2c.reporting.models import ProgressReport
from p2c.reporting.reminders import reminders_send
from p2c.reporting.services import report_draft_save
from p2c.reporting.transitions import report_accept, report_request_clarification, report_submit
from tests.accounts.helpers import assert_in_language, send_emails_at_once, translated, translated_plural
from tests.reporting.helpers import Scene, rosa, scene, values

pytestmark = pytest.mark.django_db
BASE = "https://pledges.example.org"
ENTITY = "Kijiji Telecom"
TITLE = "Connect 200 rural schools in Kenya"
MEMBERS = (("amina@kijiji.example", "fr"), ("mo@kijiji.example", "ar"))


@pytest.fixture
def s(settings: Any) -> Scene:
    send_emails_at_once(settings)
    settings.P2C_BASE_URL = BASE
    found = scene()
    for user, language in ((found.amina, "fr"), (found.mo, "ar"), (found.rui, "fr"), (rosa(), "ar")):
        user.language = language
        user.save()
    return found


def sent_to(address: str) -> Any:
    (message,) = [m for m in mail.outbox if m.to == [address]]
    return message


def submitted(s: Scene) -> ProgressReport:
    report = report_draft_save(pledge=s.pledge, cycle=s.cycle, acting_user=s.amina, **values(s))
    return report_submit(report=report, acting_user=s.amina, expected_version=report.version)


def test_a_submitted_report_reaches_each_reviewer_in_their_language(
    s: Scene, django_capture_on_commit_callbacks: Any
) -> None:
    with override("es"), django_capture_on_commit_callbacks(execute=True):
        report = submitted(s)
    ref, year = s.pledge.reference, s.cycle.year
    for address, language in (("rui@secretariat.example", "fr"), ("rosa@secretariat.example", "ar")):
        message = sent_to(address)
        assert_in_language(
            message,
            language,
            subject=translated(
                language,
                "Progress report %(year)s on %(reference)s from %(entity)s is waiting for review",
                year=year,
                reference=ref,
                entity=ENTITY,
            ),
            phrases=[
                translated(
                    language,
                    "%(entity)s submitted its %(year)s progress report on the pledge “%(title)s” (%(reference)s).",
                    entity=ENTITY,
                    year=year,
                    title=TITLE,
                    reference=ref,
                ),
                translated(
                    language,
                    "Read it beside the pledge and its last report, then accept it (it is published on the pledge's "
                    "page) or ask for clarification:",
                ),
            ],
            english=["submitted its", "Read it beside the pledge", "Review the report"],
            base_url=BASE,
        )
        assert f"{BASE}/{language}/review/reports/{report.pk}/" in message.body


def test_a_question_and_an_acceptance_reach_each_member_in_their_language(
    s: Scene, django_capture_on_commit_callbacks: Any
) -> None:
    report = submitted(s)
    ref, year = s.pledge.reference, s.cycle.year
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request_clarification(
            report=report, acting_user=s.rui, expected_version=report.version, comment="Quelles écoles ?"
        )
    for address, language in MEMBERS:
        message = sent_to(address)
        assert_in_language(
            message,
            language,
            subject=translated(
                language, "A question on your %(year)s progress report on %(reference)s", year=year, reference=ref
            ),
            phrases=[
                translated(language, "The reviewer's question:"),
                translated(language, "Correct or complete the report and submit it again:"),
                "Quelles écoles ?",
            ],
            english=["The reviewer's question", "Correct or complete", "Open the report"],
            base_url=BASE,
        )
        assert f"{BASE}/{language}/my/pledges/{ref}/report/" in message.body

    mail.outbox.clear()
    report = report_submit(report=report, acting_user=s.amina, expected_version=report.version)
    with django_capture_on_commit_callbacks(execute=True):
        report_accept(report=report, acting_user=s.rui, expected_version=report.version)
    for address, language in MEMBERS:
        message = sent_to(address)
        assert_in_language(
            message,
            language,
            subject=translated(
                language, "Your %(year)s progress report on %(reference)s is published", year=year, reference=ref
            ),
            phrases=[translated(language, "Thank you for reporting: it is what makes pledges count.")],
            english=["Thank you for reporting", "accepted your", "See the pledge's page"],
            base_url=BASE,
        )
        assert f"{BASE}/{language}/pledges/{ref}/#delivery" in message.body


def test_a_reminder_reaches_each_member_in_their_language(s: Scene, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = reminders_send()
    assert (run.kind, run.emails) == ("opened", 2)
    ref, year = s.pledge.reference, s.cycle.year
    for address, language in MEMBERS:
        message = sent_to(address)
        with override(language):
            due = formats.date_format(s.cycle.closes_on, "DATE_FORMAT")
        assert_in_language(
            message,
            language,
            subject=translated_plural(
                language,
                "Progress reports for %(year)s are open: %(counter)s pledge of %(entity)s to report on",
                "Progress reports for %(year)s are open: %(counter)s pledges of %(entity)s to report on",
                1,
                year=year,
                counter=1,
                entity=ENTITY,
            ),
            phrases=[
                translated(language, "Still to report on:"),
                translated(language, "Every report of your organisation:"),
                due,
            ],
            html_phrases=[
                translated(language, "Still to report on:"),
                translated(language, "Every report of your organisation"),
                due,
            ],
            english=["Still to report on", "Every report of your organisation", "Progress reports for"],
            base_url=BASE,
        )
        assert f"{BASE}/{language}/my/pledges/{ref}/report/" in message.body
        assert f"{BASE}/{language}/my/reports/" in message.body
