"""Membership emails are written in each recipient's language, with links into that language's pages.

Kijiji Telecom's focal points are Amina (French), Baraka (French) and Hoda (Arabic); Olga asks to join.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.utils.translation import override

from p2c.entities.models import Membership
from p2c.entities.services import membership_accept, membership_decline, membership_request
from tests.accounts.helpers import assert_in_language, kijiji, send_emails_at_once, translated, verified_user
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
BASE = "https://pledges.example.org"
ENTITY = "Kijiji Telecom"


@pytest.fixture(autouse=True)
def _emails_at_once(settings: Any) -> None:
    send_emails_at_once(settings)
    settings.P2C_BASE_URL = BASE


def test_a_request_to_join_reaches_the_focal_points_in_their_languages(
    django_capture_on_commit_callbacks: Any,
) -> None:
    entity, amina = kijiji()
    amina.language = "fr"
    amina.save()
    for email, language in (("baraka@kijiji.example", "fr"), ("hoda@kijiji.example", "ar")):
        MembershipFactory(
            user=verified_user(email=email, language=language), entity=entity, role=Membership.Role.FOCAL_POINT
        )
    olga = verified_user(email="olga@example.org", full_name="Olga", language="ru")
    with override("es"), django_capture_on_commit_callbacks(execute=True):  # Olga asks on a Spanish page
        membership_request(acting_user=olga, entity=entity, note="Je dirige le bureau de Nairobi.")
    # One email per language, to the focal points who read it (as before: one email to them all).
    assert sorted(sorted(m.to) for m in mail.outbox) == [
        ["amina@kijiji.example", "baraka@kijiji.example"],
        ["hoda@kijiji.example"],
    ]
    for message in mail.outbox:
        language = "ar" if message.to == ["hoda@kijiji.example"] else "fr"
        assert_in_language(
            message,
            language,
            subject=translated(language, "%(person)s asks to join %(entity)s", person="Olga", entity=ENTITY),
            phrases=[
                # The organisation's name is there (it came out empty before).
                translated(
                    language,
                    "You are a focal point of %(entity)s. Accept or decline the request here:",
                    entity=ENTITY,
                ),
                translated(language, "If you do not know this person, decline the request."),
                "Je dirige le bureau de Nairobi.",
            ],
            html_phrases=[
                translated(
                    language, "You are a focal point of %(entity)s. Accept or decline the request:", entity=ENTITY
                ),
                translated(language, "Answer the request"),
            ],
            english=["asks to join", "Accept or decline", "If you do not know this person", "Their note"],
            base_url=BASE,
        )
        assert f"{BASE}/{language}/my/entities/kijiji-telecom/#requests" in message.body


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_answer_reaches_the_person_in_their_language(
    language: str, django_capture_on_commit_callbacks: Any
) -> None:
    entity, amina = kijiji()  # Amina, who answers, chose no language: it does not matter
    olga = verified_user(email="olga@example.org", language=language)
    mo = verified_user(email="mo@example.org", language=language)
    asked = [
        MembershipFactory(user=person, entity=entity, role=Membership.Role.MEMBER, status=Membership.Status.REQUESTED)
        for person in (olga, mo)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        membership_accept(acting_user=amina, membership=asked[0])
        membership_decline(acting_user=amina, membership=asked[1], reason="Nous ne vous connaissons pas.")
    accepted, declined = mail.outbox
    assert_in_language(
        accepted,
        language,
        subject=translated(language, "You are now a member of %(entity)s", entity=ENTITY),
        phrases=[
            translated(
                language,
                "Your request to join %(entity)s was accepted. You can now draft and submit pledges on its behalf.",
                entity=ENTITY,
            )
        ],
        english=["was accepted", "draft and submit pledges"],
        base_url=BASE,
    )
    assert f"{BASE}/{language}/my/entities/kijiji-telecom/" in accepted.body
    assert_in_language(
        declined,
        language,
        subject=translated(language, "Your request to join %(entity)s was declined", entity=ENTITY),
        phrases=[translated(language, "The reason they gave:"), "Nous ne vous connaissons pas."],
        english=["declined your request", "The reason they gave", "Find an organisation"],
        base_url=BASE,
    )
    assert f"{BASE}/{language}/my/entities/join/" in declined.body
