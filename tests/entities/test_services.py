"""Entity and membership services: who may act, what is refused, the audit trail and the emails."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from p2c.core.models import AuditEvent
from p2c.entities.matching import entity_search, likely_duplicates, name_similarity, normalise_name
from p2c.entities.models import Entity, EntityType, Membership
from p2c.entities.services import (
    ConcurrentEditError,
    LikelyDuplicatesError,
    entity_create,
    entity_update,
    membership_accept,
    membership_decline,
    membership_demote,
    membership_promote,
    membership_remove,
    membership_request,
)
from p2c.geo.models import Country
from tests.accounts.helpers import fast_passwords, kijiji, send_emails_at_once, verified_user
from tests.factories import EntityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ACTIVE, REQUESTED, DECLINED = Membership.Status.ACTIVE, Membership.Status.REQUESTED, Membership.Status.DECLINED
FOCAL, MEMBER = Membership.Role.FOCAL_POINT, Membership.Role.MEMBER


@pytest.fixture(autouse=True)
def _emails_at_once(settings: Any) -> None:
    send_emails_at_once(settings)
    fast_passwords(settings)


def private_sector() -> EntityType:
    return EntityType.objects.get(code="private-sector")


def events(target: Any) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id=str(target.pk), content_type__model=target._meta.model_name)
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- Names that look alike -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("Kijiji Telecom Ltd.", "kijiji telecom"),
        ("KIJIJI  TELECOM, Inc", "kijiji telecom"),
        ("Fundación Conectar", "conectar"),
        ("The Digital Skills Foundation", "digital skills"),
        ("Ministère de l'Économie", "ministere l economie"),
        ("Foundation", "foundation"),  # never normalised to nothing
    ],
)
def test_names_are_normalised_for_comparison(typed: str, normalised: str) -> None:
    assert normalise_name(typed) == normalised


def test_similarity_scores_near_names_high_and_different_names_low() -> None:
    assert name_similarity("kijiji telecom", "kijiji telecom") == 1.0
    assert name_similarity("kijiji telecom", "kijiji telekom") > 0.85
    assert name_similarity("kijiji telecom", "savannah broadband") < 0.5


def test_likely_duplicates_catch_case_suffixes_accents_typos_and_acronyms() -> None:
    kijiji_, _amina = kijiji()
    EntityFactory(name="Savannah Broadband Cooperative", acronym="SBC")
    for typed, acronym in [
        ("kijiji telecom ltd", ""),
        ("Kíjiji Telecom Foundation", ""),
        ("Kijiji Telekom", ""),
        ("Telecom company of Kijiji", "KTEL"),
        ("KTEL", ""),
    ]:
        matches = likely_duplicates(name=typed, acronym=acronym)
        assert [m.entity for m in matches][:1] == [kijiji_], typed
    assert likely_duplicates(name="Mountain Fibre Networks") == []


def test_search_finds_by_word_acronym_and_near_spelling() -> None:
    kijiji_, _amina = kijiji()
    other = EntityFactory(name="Savannah Broadband Cooperative", acronym="SBC")
    assert entity_search("telecom") == [kijiji_]
    assert entity_search("ktel") == [kijiji_]
    assert entity_search("savana broadband") == [other]
    assert entity_search("") == []


# --- Creating an entity ----------------------------------------------------------------------


def test_a_verified_person_creates_an_entity_and_becomes_its_focal_point() -> None:
    olga = verified_user(email="olga@example.org")
    entity = entity_create(
        acting_user=olga,
        name="  Mountain   Fibre Networks ",
        acronym="MFN",
        entity_type=private_sector(),
        home_country=Country.objects.get(iso2="NP"),
        website="https://mfn.example",
        description="Fibre for mountain villages.",
    )
    assert entity.name == "Mountain Fibre Networks"
    assert entity.slug == "mountain-fibre-networks"
    membership = Membership.objects.get(entity=entity)
    assert (membership.user, membership.role, membership.status) == (olga, FOCAL, ACTIVE)
    assert events(entity) == ["entity_created"]
    created = AuditEvent.objects.get(action="entity_created")
    assert created.actor == olga
    assert created.changed_fields["name"] == [None, "Mountain Fibre Networks"]
    assert events(membership) == ["membership_created"]


def test_an_unverified_person_cannot_create_an_entity() -> None:
    with pytest.raises(PermissionDenied):
        entity_create(acting_user=UserFactory(), name="Mountain Fibre Networks", entity_type=private_sector())
    assert not Entity.objects.exists()


def test_a_name_already_registered_is_refused_with_a_message_for_the_name_field() -> None:
    kijiji()
    with pytest.raises(ValidationError) as refused:
        entity_create(acting_user=verified_user(), name="KIJIJI TELECOM", entity_type=private_sector())
    assert "already registered" in refused.value.message_dict["name"][0]


def test_a_resembling_name_needs_confirmation_then_is_created() -> None:
    kijiji_, _amina = kijiji()
    olga = verified_user(email="olga@example.org")
    with pytest.raises(LikelyDuplicatesError) as warned:
        entity_create(acting_user=olga, name="Kijiji Telecom Ltd", entity_type=private_sector())
    assert [m.entity for m in warned.value.matches] == [kijiji_]
    assert Entity.objects.count() == 1
    entity = entity_create(
        acting_user=olga, name="Kijiji Telecom Ltd", entity_type=private_sector(), confirmed_not_duplicate=True
    )
    assert entity.slug == "kijiji-telecom-ltd"
    assert "different" in AuditEvent.objects.get(action="entity_created").comment


def test_slugs_are_unique_and_never_a_page_name() -> None:
    olga = verified_user()
    first = entity_create(acting_user=olga, name="New", entity_type=private_sector())
    assert first.slug == "new-2"
    second = entity_create(acting_user=olga, name="New!", entity_type=private_sector(), confirmed_not_duplicate=True)
    assert second.slug == "new-3"


def test_invalid_values_are_refused_field_by_field() -> None:
    with pytest.raises(ValidationError) as refused:
        entity_create(acting_user=verified_user(), name="x" * 201, entity_type=private_sector(), website="not a url")
    assert set(refused.value.message_dict) == {"name", "website"}


# --- Editing the profile ---------------------------------------------------------------------


def test_the_focal_point_edits_the_profile_and_the_change_is_audited() -> None:
    entity, amina = kijiji()
    updated = entity_update(
        entity=entity,
        acting_user=amina,
        expected_updated_at=entity.updated_at,
        description="Rural mobile broadband.",
        website="https://kijiji.example",
    )
    assert updated.description == "Rural mobile broadband."
    assert updated.slug == "kijiji-telecom"
    event = AuditEvent.objects.get(action="entity_updated")
    assert event.changed_fields == {
        "description": ["", "Rural mobile broadband."],
        "website": ["", "https://kijiji.example"],
    }


def test_an_edit_from_a_stale_copy_is_refused_and_nothing_is_overwritten() -> None:
    entity, amina = kijiji()
    copy_seen_by_both = entity.updated_at
    entity_update(entity=entity, acting_user=amina, expected_updated_at=copy_seen_by_both, description="First.")
    with pytest.raises(ConcurrentEditError):
        entity_update(entity=entity, acting_user=amina, expected_updated_at=copy_seen_by_both, description="Second.")
    entity.refresh_from_db()
    assert entity.description == "First."


def test_only_a_focal_point_edits_the_profile() -> None:
    entity, _amina = kijiji()
    member = verified_user()
    MembershipFactory(user=member, entity=entity, role=MEMBER)
    for person in (member, verified_user()):
        with pytest.raises(PermissionDenied):
            entity_update(entity=entity, acting_user=person, expected_updated_at=entity.updated_at, name="Taken over")


def test_renaming_to_another_entitys_name_is_refused() -> None:
    entity, amina = kijiji()
    EntityFactory(name="Savannah Broadband")
    with pytest.raises(ValidationError) as refused:
        entity_update(
            entity=entity, acting_user=amina, expected_updated_at=entity.updated_at, name="savannah broadband"
        )
    assert "name" in refused.value.message_dict


def test_entity_update_accepts_only_profile_fields() -> None:
    entity, amina = kijiji()
    with pytest.raises(TypeError):
        entity_update(entity=entity, acting_user=amina, expected_updated_at=entity.updated_at, verified=True)


# --- Joining ---------------------------------------------------------------------------------


def test_a_request_to_join_emails_the_focal_points(django_capture_on_commit_callbacks: Any) -> None:
    entity, amina = kijiji()
    second_focal = verified_user(email="baraka@kijiji.example")
    MembershipFactory(user=second_focal, entity=entity, role=FOCAL)
    olga = verified_user(email="olga@example.org", full_name="Olga")
    with django_capture_on_commit_callbacks(execute=True):
        membership = membership_request(acting_user=olga, entity=entity, note="I run the Nairobi office.")
    assert (membership.status, membership.role) == (REQUESTED, MEMBER)
    (message,) = mail.outbox
    assert sorted(message.to) == ["amina@kijiji.example", "baraka@kijiji.example"]
    assert message.subject == "[Partner2Connect] Olga asks to join Kijiji Telecom"
    assert "I run the Nairobi office." in message.body
    assert "/my/entities/kijiji-telecom/#requests" in message.body
    html = message.alternatives[0][0]
    assert "<strong>Olga</strong>" in html and "I run the Nairobi office." in html
    event = AuditEvent.objects.get(action="membership_requested")
    assert (event.actor, event.comment) == (olga, "I run the Nairobi office.")


def test_nothing_is_emailed_when_the_request_fails(django_capture_on_commit_callbacks: Any) -> None:
    entity, amina = kijiji()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        membership_request(acting_user=amina, entity=entity)
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("status", "message"),
    [(ACTIVE, "already a member"), (REQUESTED, "already asked"), (DECLINED, "was declined")],
)
def test_asking_twice_is_refused_with_a_clear_message(status: str, message: str) -> None:
    entity, _amina = kijiji()
    olga = verified_user()
    MembershipFactory(user=olga, entity=entity, role=MEMBER, status=status)
    with pytest.raises(ValidationError, match=message):
        membership_request(acting_user=olga, entity=entity)


def test_an_unverified_person_cannot_ask_to_join() -> None:
    entity, _amina = kijiji()
    with pytest.raises(PermissionDenied):
        membership_request(acting_user=UserFactory(), entity=entity)


def test_the_focal_point_accepts_and_the_person_is_emailed(django_capture_on_commit_callbacks: Any) -> None:
    entity, amina = kijiji()
    olga = verified_user(email="olga@example.org")
    request = MembershipFactory(user=olga, entity=entity, role=MEMBER, status=REQUESTED)
    with django_capture_on_commit_callbacks(execute=True):
        membership_accept(acting_user=amina, membership=request)
    request.refresh_from_db()
    assert (request.status, request.role) == (ACTIVE, MEMBER)
    (message,) = mail.outbox
    assert message.to == ["olga@example.org"]
    assert message.subject == "[Partner2Connect] You are now a member of Kijiji Telecom"
    assert message.alternatives[0][1] == "text/html"
    event = AuditEvent.objects.get(action="membership_accepted")
    assert (event.actor, event.from_state, event.to_state) == (amina, REQUESTED, ACTIVE)


def test_the_focal_point_declines_with_a_reason_and_the_person_is_emailed(
    django_capture_on_commit_callbacks: Any,
) -> None:
    entity, amina = kijiji()
    olga = verified_user(email="olga@example.org")
    request = MembershipFactory(user=olga, entity=entity, role=MEMBER, status=REQUESTED)
    with django_capture_on_commit_callbacks(execute=True):
        membership_decline(acting_user=amina, membership=request, reason="We do not know you.")
    request.refresh_from_db()
    assert request.status == DECLINED
    (message,) = mail.outbox
    assert message.subject == "[Partner2Connect] Your request to join Kijiji Telecom was declined"
    assert "We do not know you." in message.body
    assert AuditEvent.objects.get(action="membership_declined").comment == "We do not know you."


def test_a_request_is_answered_once() -> None:
    entity, amina = kijiji()
    request = MembershipFactory(user=verified_user(), entity=entity, role=MEMBER, status=REQUESTED)
    membership_accept(acting_user=amina, membership=request)
    with pytest.raises(ValidationError, match="already answered"):
        membership_decline(acting_user=amina, membership=request)


def test_only_a_focal_point_answers_requests() -> None:
    entity, _amina = kijiji()
    member = verified_user()
    MembershipFactory(user=member, entity=entity, role=MEMBER)
    request = MembershipFactory(user=verified_user(), entity=entity, role=MEMBER, status=REQUESTED)
    other_focal = verified_user()
    MembershipFactory(user=other_focal, role=FOCAL)  # focal point of another entity
    for person in (member, other_focal, request.user):
        with pytest.raises(PermissionDenied):
            membership_accept(acting_user=person, membership=request)


# --- Roles and removal: never without a focal point ------------------------------------------


def test_promote_then_demote_and_the_last_focal_point_stays() -> None:
    entity, amina = kijiji()
    amina_membership = Membership.objects.get(user=amina)
    member = MembershipFactory(user=verified_user(), entity=entity, role=MEMBER)
    with pytest.raises(ValidationError, match="at least one focal point"):
        membership_demote(acting_user=amina, membership=amina_membership)
    membership_promote(acting_user=amina, membership=member)
    membership_demote(acting_user=amina, membership=amina_membership)
    assert Membership.objects.get(pk=amina_membership.pk).role == MEMBER
    assert Membership.objects.get(pk=member.pk).role == FOCAL
    assert [e for e in events(member) if e.startswith("membership_")] == ["membership_promoted"]
    with pytest.raises(PermissionDenied):  # Amina is no longer a focal point
        membership_promote(acting_user=amina, membership=amina_membership)


def test_promoting_a_pending_request_or_a_focal_point_is_refused() -> None:
    entity, amina = kijiji()
    request = MembershipFactory(user=verified_user(), entity=entity, role=MEMBER, status=REQUESTED)
    with pytest.raises(ValidationError, match="Only active members"):
        membership_promote(acting_user=amina, membership=request)
    with pytest.raises(ValidationError, match="already a focal point"):
        membership_promote(acting_user=amina, membership=Membership.objects.get(user=amina))


def test_removing_members_leaving_and_withdrawing_a_request() -> None:
    entity, amina = kijiji()
    member = MembershipFactory(user=verified_user(), entity=entity, role=MEMBER)
    request = MembershipFactory(user=verified_user(), entity=entity, role=MEMBER, status=REQUESTED)
    leaver = MembershipFactory(user=verified_user(), entity=entity, role=MEMBER)
    with pytest.raises(PermissionDenied):  # a member cannot remove another member
        membership_remove(acting_user=leaver.user, membership=member)
    membership_remove(acting_user=amina, membership=member)
    membership_remove(acting_user=request.user, membership=request)
    membership_remove(acting_user=leaver.user, membership=leaver)
    assert list(Membership.objects.filter(entity=entity).values_list("user", flat=True)) == [amina.pk]
    assert events(entity).count("membership_removed") == 1
    assert events(entity).count("membership_left") == 2
    with pytest.raises(ValidationError, match="at least one focal point"):
        membership_remove(acting_user=amina, membership=Membership.objects.get(user=amina))


def test_a_membership_changed_meanwhile_is_reported() -> None:
    entity, amina = kijiji()
    member = MembershipFactory(user=verified_user(), entity=entity, role=MEMBER)
    stale = Membership.objects.get(pk=member.pk)
    membership_remove(acting_user=amina, membership=member)
    with pytest.raises(ValidationError, match="no longer exists"):
        membership_promote(acting_user=amina, membership=stale)


@pytest.mark.django_db(transaction=True)
def test_two_focal_points_demoting_each_other_at_once_leave_one_focal_point() -> None:
    entity, amina = kijiji()
    baraka = verified_user(email="baraka@kijiji.example")
    MembershipFactory(user=baraka, entity=entity, role=FOCAL)
    amina_m, baraka_m = Membership.objects.get(user=amina), Membership.objects.get(user=baraka)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def demote(actor: Any, target: Membership) -> None:
        try:
            start.wait()
            membership_demote(acting_user=actor, membership=target)
            outcomes.append("demoted")
        except (ValidationError, PermissionDenied) as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=demote, args=(amina, baraka_m)),
        threading.Thread(target=demote, args=(baraka, amina_m)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count("demoted") == 1, outcomes
    assert Membership.objects.filter(entity=entity, role=FOCAL, status=ACTIVE).count() == 1
