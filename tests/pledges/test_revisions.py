"""Changing a published pledge: a revision is reviewed while the published version stays public."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from p2c.accounts.models import User
from p2c.core.models import AuditEvent
from p2c.entities.models import Entity
from p2c.geo.models import Country
from p2c.pledges.models import Pledge, PledgeTarget
from p2c.pledges.revisions import open_revision, pledge_revision_open
from p2c.pledges.selectors import published_pledge, published_pledges
from p2c.pledges.services import NotEditableError, PartnerSpec, TargetSpec, pledge_update
from p2c.pledges.transitions import pledge_publish, pledge_reject, pledge_submit, pledge_withdraw
from tests.accounts.helpers import send_emails_at_once
from tests.factories import EntityFactory
from tests.pledges.test_transitions import complete_pledge, olga, rui

pytestmark = pytest.mark.django_db
State = Pledge.State


@pytest.fixture(autouse=True)
def _emails_at_once(settings: Any) -> None:
    send_emails_at_once(settings)


@pytest.fixture
def published(kijiji_amina: tuple[Entity, User]) -> Pledge:
    entity, amina = kijiji_amina
    pledge = complete_pledge(entity)
    pledge = pledge_submit(pledge=pledge, acting_user=amina, expected_version=pledge.version)
    return pledge_publish(pledge=pledge, acting_user=rui(), expected_version=pledge.version)


@pytest.fixture
def kijiji_amina() -> tuple[Entity, User]:
    from tests.accounts.helpers import kijiji

    return kijiji()


def _revise(published: Pledge, amina: User) -> Pledge:
    revision = pledge_revision_open(pledge=published, acting_user=amina)
    return pledge_update(
        pledge=revision,
        acting_user=amina,
        expected_version=revision.version,
        title="Connect 300 rural schools in Kenya and Uganda",
        countries=[Country.objects.get(iso2="KE"), Country.objects.get(iso2="UG")],
        targets=[TargetSpec(indicator="Schools connected", unit="schools", target_value=300, target_year=2027)],
    )


def test_a_revision_copies_the_published_content_and_is_reused(
    published: Pledge, kijiji_amina: tuple[Entity, User]
) -> None:
    _entity, amina = kijiji_amina
    revision = pledge_revision_open(pledge=published, acting_user=amina)
    assert revision.reference == f"{published.reference}-R1"
    assert (revision.state, revision.revision_of_id, revision.title) == (State.DRAFT, published.pk, published.title)
    assert list(revision.countries.all()) == list(published.countries.all())
    assert set(revision.focus_areas.all()) == set(published.focus_areas.all())
    assert pledge_revision_open(pledge=published, acting_user=amina) == revision
    assert open_revision(published) == revision


def test_the_published_version_stays_unchanged_until_the_revision_is_published(
    published: Pledge, kijiji_amina: tuple[Entity, User]
) -> None:
    _entity, amina = kijiji_amina
    reviewer = rui()
    revision = _revise(published, amina)
    revision = pledge_submit(pledge=revision, acting_user=amina, expected_version=revision.version)

    public = published_pledge(published.reference)
    assert public is not None
    assert public.title == "Connect 200 rural schools in Kenya"
    assert [c.iso2 for c in public.countries.all()] == ["KE"]
    assert published_pledges().count() == 1  # the revision is never public itself

    result = pledge_publish(pledge=revision, acting_user=reviewer, expected_version=revision.version)
    assert result.pk == published.pk
    public = published_pledge(published.reference)
    assert public is not None
    assert public.title == "Connect 300 rural schools in Kenya and Uganda"
    assert sorted(c.iso2 for c in public.countries.all()) == ["KE", "UG"]
    assert PledgeTarget.objects.filter(pledge=public).count() == 1
    assert public.version == published.version + 1
    assert public.published_at == published.published_at
    revision.refresh_from_db()
    assert revision.state == State.APPLIED
    page = Client().get(f"/pledges/{published.reference}/").content.decode()
    assert "Connect 300 rural schools in Kenya and Uganda" in page
    assert "Last updated" in page and "Published" in page
    revised = AuditEvent.objects.get(object_id=str(published.pk), action="revised")
    assert set(revised.changed_fields) == {"title", "countries", "targets"}
    assert revised.actor == reviewer
    assert published_pledges().count() == 1


def test_a_rejected_revision_leaves_the_published_pledge_as_it_was(
    published: Pledge, kijiji_amina: tuple[Entity, User]
) -> None:
    _entity, amina = kijiji_amina
    revision = _revise(published, amina)
    revision = pledge_submit(pledge=revision, acting_user=amina, expected_version=revision.version)
    pledge_reject(pledge=revision, acting_user=rui(), expected_version=revision.version, reason="Not agreed.")
    public = published_pledge(published.reference)
    assert public is not None and public.title == "Connect 200 rural schools in Kenya"
    assert open_revision(published) is None
    # A new revision can be started afterwards, numbered after the first.
    assert pledge_revision_open(pledge=published, acting_user=amina).reference.endswith("-R2")


def test_withdrawing_a_published_pledge_withdraws_its_open_revision(
    published: Pledge, kijiji_amina: tuple[Entity, User]
) -> None:
    _entity, amina = kijiji_amina
    revision = _revise(published, amina)
    pledge_withdraw(pledge=published, acting_user=amina, expected_version=published.version, reason="Merged.")
    revision.refresh_from_db()
    assert revision.state == State.WITHDRAWN
    assert published_pledge(published.reference) is None


def test_a_published_pledge_is_not_edited_directly(published: Pledge, kijiji_amina: tuple[Entity, User]) -> None:
    _entity, amina = kijiji_amina
    with pytest.raises(NotEditableError, match="propose a revision"):
        pledge_update(pledge=published, acting_user=amina, expected_version=published.version, title="Sneaky")


def test_only_members_revise_and_only_published_pledges(published: Pledge, kijiji_amina: tuple[Entity, User]) -> None:
    entity, amina = kijiji_amina
    with pytest.raises(PermissionDenied):
        pledge_revision_open(pledge=published, acting_user=olga())
    with pytest.raises(ValidationError):
        pledge_revision_open(pledge=complete_pledge(entity), acting_user=amina)


def test_the_database_refuses_a_public_revision(published: Pledge, kijiji_amina: tuple[Entity, User]) -> None:
    _entity, amina = kijiji_amina
    revision = pledge_revision_open(pledge=published, acting_user=amina)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pledge.objects.filter(pk=revision.pk).update(state=State.PUBLISHED, published_at=published.published_at)


# --- Relations through pledge_update --------------------------------------------------------------


def test_targets_and_partners_are_saved_and_audited(kijiji_amina: tuple[Entity, User]) -> None:
    entity, amina = kijiji_amina
    partner = EntityFactory(name="Savanna Schools Trust")
    draft = complete_pledge(entity)
    saved = pledge_update(
        pledge=draft,
        acting_user=amina,
        expected_version=draft.version,
        partners=[PartnerSpec(entity=partner, role="implementer")],
        targets=[TargetSpec(indicator="Schools", unit="schools", baseline=0, target_value=200, target_year=2027)],
    )
    assert [(p.entity, p.role) for p in saved.partnerships.all()] == [(partner, "implementer")]
    assert saved.targets.get().target_value == 200
    event = AuditEvent.objects.get(object_id=str(draft.pk), action="updated")
    assert event.changed_fields["partners"] == [[], ["Savanna Schools Trust (Implementing partner)"]]
    assert set(event.changed_fields) == {"partners", "targets"}


def test_bad_relations_are_refused_together_and_nothing_is_saved(kijiji_amina: tuple[Entity, User]) -> None:
    entity, amina = kijiji_amina
    draft = complete_pledge(entity)
    with pytest.raises(ValidationError) as caught:
        pledge_update(
            pledge=draft,
            acting_user=amina,
            expected_version=draft.version,
            title="A new title",
            partners=[PartnerSpec(entity=entity)],
            targets=[TargetSpec(indicator="Schools", unit="", target_value=None, target_year=2101)],
        )
    errors = caught.value.message_dict
    assert "leads this pledge" in errors["partners"][0]
    assert any("Target 1, unit" in m for m in errors["targets"])
    assert any("Target 1, target year" in m for m in errors["targets"])
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("Connect 200 rural schools in Kenya", 1)
    assert not draft.partnerships.exists() and not draft.targets.exists()


def test_revision_emails_say_they_are_about_changes(
    published: Pledge, kijiji_amina: tuple[Entity, User], django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    from django.core import mail

    settings.P2C_BASE_URL = "https://pledges.example.org"
    _entity, amina = kijiji_amina
    reviewer = User.objects.get(email="rui@secretariat.example")
    revision = _revise(published, amina)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        revision = pledge_submit(pledge=revision, acting_user=amina, expected_version=revision.version)
    (submitted,) = mail.outbox
    assert submitted.subject == (
        f"[Partner2Connect] Changes to pledge {published.reference} from Kijiji Telecom are waiting for review"
    )
    assert f"https://pledges.example.org/review/{revision.reference}/" in submitted.body
    with django_capture_on_commit_callbacks(execute=True):
        pledge_publish(pledge=revision, acting_user=reviewer, expected_version=revision.version)
    published_email = mail.outbox[-1]
    assert (
        published_email.subject == f"[Partner2Connect] The changes to your pledge {published.reference} are published"
    )
    assert f"https://pledges.example.org/pledges/{published.reference}/" in published_email.body
