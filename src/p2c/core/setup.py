"""Bringing an installation to life: reference data, taxonomy, the first run's demo data and accounts."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from p2c.accounts.models import User
from p2c.core.models import PlatformState

REVIEWERS_GROUP = "Secretariat reviewers"
DEMO_REVIEWER_EMAIL = "secretariat@example.org"
DEMO_PLEDGER_EMAIL = "pledger@example.org"
DEMO_ENTITY_NAME = "Kijiji Telecom"


@transaction.atomic
def reference_data_load_all() -> dict[str, int]:
    """Load (or refresh) countries, regions, groupings and the seed taxonomy; idempotent."""
    from p2c.geo.services import reference_data_load
    from p2c.pledges.taxonomy import taxonomy_load

    counts = dict(reference_data_load())
    counts.update(taxonomy_load())
    reviewers_group_ensure()
    return counts


def reviewers_group_ensure() -> Group:
    """The group whose members review pledges for the secretariat."""
    group, _created = Group.objects.get_or_create(name=REVIEWERS_GROUP)
    group.permissions.add(Permission.objects.get(codename="review_pledge", content_type__app_label="pledges"))
    return group


@dataclass(frozen=True)
class DemoPassword:
    """The demo accounts' password and whether it was generated (and so must be printed)."""

    value: str
    generated: bool


def demo_password() -> DemoPassword:
    """``P2C_DEMO_PASSWORD`` if set; otherwise one generated once and kept in ``var/demo-password``."""
    given = os.environ.get("P2C_DEMO_PASSWORD", "")
    if given:
        return DemoPassword(given, generated=False)
    path = Path(settings.VAR_DIR) / "demo-password"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(12))
        path.chmod(0o600)
    return DemoPassword(path.read_text().strip(), generated=True)


@transaction.atomic
def demo_accounts_ensure(*, password: str) -> list[User]:
    """The demo reviewer and the demo pledger (focal point of the demo entity), with ``password``."""
    from allauth.account.models import EmailAddress

    from p2c.entities.models import Entity, Membership

    reviewer, _ = User.objects.get_or_create(
        email=DEMO_REVIEWER_EMAIL, defaults={"full_name": "Rui (demo reviewer)", "is_staff": True}
    )
    reviewer.groups.add(reviewers_group_ensure())
    pledger, _ = User.objects.get_or_create(email=DEMO_PLEDGER_EMAIL, defaults={"full_name": "Amina (demo pledger)"})
    for user in (reviewer, pledger):
        user.set_password(password)
        user.save()
        # Sign-in requires a confirmed email address (allauth's EmailAddress); demo addresses are not real.
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    entity = Entity.objects.filter(name=DEMO_ENTITY_NAME).first()
    if entity is not None:
        Membership.objects.update_or_create(
            user=pledger,
            entity=entity,
            defaults={"role": Membership.Role.FOCAL_POINT, "status": Membership.Status.ACTIVE},
        )
    return [reviewer, pledger]


def about_seed_path() -> Path | None:
    """The coalition's About page as a WordPress document, when the shared seeds sit beside the checkout.

    Its prose is not ours to copy into the repository, so the first run imports it from there
    (``../shared/seeds/about-p2c.wp.json``, or ``P2C_ABOUT_SEED``) when it exists.
    """
    given = os.environ.get("P2C_ABOUT_SEED", "")
    path = Path(given) if given else Path(settings.BASE_DIR).parent / "shared" / "seeds" / "about-p2c.wp.json"
    return path if path.is_file() else None


def is_initialised() -> bool:
    """Whether the first run's set-up (demo data, accounts) has happened."""
    return PlatformState.objects.filter(id=1, initialised_at__isnull=False).exists()


@transaction.atomic
def mark_initialised() -> None:
    """Remember that the first run's set-up is done, so later runs reuse the data."""
    state = PlatformState.current()
    state.initialised_at = timezone.now()
    state.save(update_fields=["initialised_at"])
