"""Pledge emails are written in each recipient's language, with links into that language's pages.

Amina (French) and Mo (Arabic) are members of Kijiji Telecom, Lee (no language chosen) too; Rui
(French) and Rosa (Arabic) review. Whoever acts, on whichever page, each gets their own language.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.utils.translation import override

from p2c.entities.models import Membership
from p2c.pledges.models import Pledge
from p2c.pledges.transitions import pledge_publish, pledge_reject, pledge_request_changes, pledge_submit
from tests.accounts.helpers import assert_in_language, kijiji, send_emails_at_once, translated, verified_user
from tests.factories import MembershipFactory
from tests.pledges.test_transitions import complete_pledge, rui
from tests.review.helpers import rosa

pytestmark = pytest.mark.django_db
BASE = "https://pledges.example.org"
ENTITY = "Kijiji Telecom"
TITLE = "Connect 200 rural schools in Kenya"


@pytest.fixture
def people(settings: Any) -> dict[str, Any]:
    send_emails_at_once(settings)
    settings.P2C_BASE_URL = BASE
    entity, amina = kijiji()
    amina.language = "fr"
    amina.save()
    mo = verified_user(email="mo@kijiji.example", full_name="Mo", language="ar")
    lee = verified_user(email="lee@kijiji.example", full_name="Lee")  # never chose a language
    for member in (mo, lee):
        MembershipFactory(user=member, entity=entity, role=Membership.Role.MEMBER)
    reviewer = rui()
    reviewer.language = "fr"
    reviewer.save()
    second = rosa()
    second.language = "ar"
    second.save()
    return {"entity": entity, "amina": amina, "rui": reviewer}


def sent_to(address: str) -> Any:
    (message,) = [m for m in mail.outbox if m.to == [address]]
    return message


def test_the_submission_reaches_each_reviewer_in_their_language(
    people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    pledge = complete_pledge(people["entity"])
    with override("es"), django_capture_on_commit_callbacks(execute=True):  # Amina submits on a Spanish page
        pledge_submit(pledge=pledge, acting_user=people["amina"], expected_version=1)
    assert sorted(m.to[0] for m in mail.outbox) == ["rosa@secretariat.example", "rui@secretariat.example"]
    ref = pledge.reference
    for address, language in (("rui@secretariat.example", "fr"), ("rosa@secretariat.example", "ar")):
        values = {"entity": ENTITY, "title": TITLE, "reference": ref}
        assert_in_language(
            sent_to(address),
            language,
            subject=translated(
                language, "Pledge %(reference)s from %(entity)s is waiting for review", reference=ref, entity=ENTITY
            ),
            phrases=[
                translated(
                    language, "%(entity)s submitted the pledge “%(title)s” (%(reference)s) for review.", **values
                ),
                translated(language, "Read it, then publish it, request changes or reject it:"),
            ],
            html_phrases=[
                translated(
                    language,
                    "<strong>%(entity)s</strong> submitted the pledge “%(title)s” (%(reference)s) for review.",
                    **values,
                ),
                translated(language, "Review the pledge"),
            ],
            english=["submitted the pledge", "Read it, then publish it", "Review the pledge"],
            base_url=BASE,
        )
        assert f"{BASE}/{language}/review/{ref}/" in sent_to(address).body


def test_decisions_reach_each_member_in_their_language(
    people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    pledge = complete_pledge(people["entity"], state=Pledge.State.SUBMITTED)
    ref = pledge.reference
    values = {"entity": ENTITY, "title": TITLE, "reference": ref}

    with django_capture_on_commit_callbacks(execute=True):
        pledge_request_changes(pledge=pledge, acting_user=people["rui"], expected_version=1, comment="Quelles écoles ?")
    assert sorted(m.to[0] for m in mail.outbox) == ["amina@kijiji.example", "lee@kijiji.example", "mo@kijiji.example"]
    for address, language in (("amina@kijiji.example", "fr"), ("mo@kijiji.example", "ar")):
        message = sent_to(address)
        assert_in_language(
            message,
            language,
            subject=translated(language, "Changes requested to your pledge %(reference)s", reference=ref),
            phrases=[
                translated(
                    language,
                    "The secretariat reviewed the pledge “%(title)s” (%(reference)s) of %(entity)s and asks for "
                    "changes before publishing it.",
                    **values,
                ),
                translated(language, "Edit the pledge and submit it again:"),
                "Quelles écoles ?",
            ],
            english=["The reviewer's comment", "Edit the pledge", "asks for changes"],
            base_url=BASE,
        )
        assert f"{BASE}/{language}/my/pledges/{ref}/" in message.body
    # Lee chose no language: English, and English (unprefixed) pages.
    lee = sent_to("lee@kijiji.example")
    assert lee.subject == f"[Partner2Connect] Changes requested to your pledge {ref}"
    assert f"{BASE}/my/pledges/{ref}/" in lee.body
    assert '<html lang="en" dir="ltr">' in lee.alternatives[0][0]

    mail.outbox.clear()
    pledge_submit(pledge=pledge, acting_user=people["amina"], expected_version=2)
    with django_capture_on_commit_callbacks(execute=True):
        pledge_publish(pledge=pledge, acting_user=people["rui"], expected_version=3)
    for address, language in (("amina@kijiji.example", "fr"), ("mo@kijiji.example", "ar")):
        message = sent_to(address)
        assert_in_language(
            message,
            language,
            subject=translated(language, "Your pledge %(reference)s is published", reference=ref),
            phrases=[
                translated(
                    language,
                    "The secretariat published the pledge “%(title)s” (%(reference)s) of %(entity)s. "
                    "Everyone can now see it:",
                    **values,
                ),
                translated(language, "Thank you for your commitment."),
            ],
            html_phrases=[
                translated(language, "See the public page"),
                translated(language, "Thank you for your commitment."),
            ],
            english=["published the pledge", "Thank you for your commitment", "See the public page"],
            base_url=BASE,
        )
        assert f"{BASE}/{language}/pledges/{ref}/" in message.body


def test_a_rejection_reaches_each_member_in_their_language(
    people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    pledge = complete_pledge(people["entity"], state=Pledge.State.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        pledge_reject(pledge=pledge, acting_user=people["rui"], expected_version=1, reason="Hors sujet.")
    for address, language in (("amina@kijiji.example", "fr"), ("mo@kijiji.example", "ar")):
        assert_in_language(
            sent_to(address),
            language,
            subject=translated(language, "Your pledge %(reference)s was not accepted", reference=pledge.reference),
            phrases=[
                translated(language, "The reason given:"),
                translated(
                    language,
                    "If you think this is a mistake, reply to the secretariat. The pledge stays in your workspace:",
                ),
                "Hors sujet.",
            ],
            english=["The reason given", "decided not to publish", "Open the pledge"],
            base_url=BASE,
        )
