"""factory_boy factories with the project's personas: pledger Amina of Kijiji Telecom, reviewer Rui, outsider Olga."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from p2c.accounts.models import User
from p2c.entities.models import Entity, EntityType, Membership
from p2c.pledges.models import Pledge


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password("correct horse battery staple")


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity

    name = factory.Sequence(lambda n: f"Test Entity {n}")
    slug = factory.Sequence(lambda n: f"test-entity-{n}")
    entity_type = factory.LazyFunction(lambda: EntityType.objects.get(code="private-sector"))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    entity = factory.SubFactory(EntityFactory)
    role = Membership.Role.FOCAL_POINT
    status = Membership.Status.ACTIVE


class PledgeFactory(factory.django.DjangoModelFactory):
    """A draft by default; pass ``state=Pledge.State.PUBLISHED`` for a public one."""

    class Meta:
        model = Pledge
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"P2C-2026-{n + 1:04d}")
    title = factory.Sequence(lambda n: f"Connect 100 schools, phase {n}")
    lead_entity = factory.SubFactory(EntityFactory)
    pledged_on = dt.date(2026, 3, 16)
    state = Pledge.State.DRAFT
    published_at = factory.LazyAttribute(lambda o: timezone.now() if o.state == Pledge.State.PUBLISHED else None)
    usd_estimate = Decimal("1000000.00")
    amount = Decimal("1000000.00")
    currency = "USD"
    usd_source = Pledge.UsdSource.USD

    @factory.post_generation
    def countries(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.countries.set(extracted)  # type: ignore[attr-defined]

    @factory.post_generation
    def regions(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.regions.set(extracted)  # type: ignore[attr-defined]

    @factory.post_generation
    def focus_areas(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """``focus_areas=["access", "adoption"]`` (codes) or FocusArea objects."""
        if create and extracted:
            from p2c.pledges.models import FocusArea

            codes = [a for a in extracted if isinstance(a, str)]
            areas = [a for a in extracted if not isinstance(a, str)] + list(FocusArea.objects.filter(code__in=codes))
            self.focus_areas.set(areas)  # type: ignore[attr-defined]


def amina() -> User:
    """Amina, focal point of Kijiji Telecom."""
    user = UserFactory(email="amina@kijiji.example", full_name="Amina")
    entity = EntityFactory(name="Kijiji Telecom", slug="kijiji-telecom", acronym="KTEL")
    MembershipFactory(user=user, entity=entity)
    return user
