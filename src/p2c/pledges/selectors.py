"""Reads of pledges. Everything public starts from ``published_pledges()``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from p2c.entities.models import Entity
from p2c.geo.models import Country
from p2c.pledges.models import Pledge, PledgePartner


def published_pledges() -> QuerySet[Pledge]:
    """The only pledges anyone outside the review workflow may ever see."""
    return Pledge.objects.filter(state=Pledge.State.PUBLISHED)


@dataclass(frozen=True)
class HeadlineFigures:
    """The coalition's headline counters, over published pledges only."""

    pledges: int
    usd: Decimal
    entities: int
    countries: int


def headline_figures() -> HeadlineFigures:
    """Published pledges, their estimated USD, pledging entities and beneficiary countries.

    Pledging entities are lead entities and co-pledgers of published pledges (implementing
    partners and funders are not counted as pledgers); beneficiary countries are those named
    by published pledges. Each pledge counts once, whatever its partners or countries.
    """
    published = published_pledges()
    totals = published.aggregate(pledges_n=Count("id"), usd=Sum("usd_estimate"))
    published_ids = published.values("id")
    entities = Entity.objects.filter(
        Q(led_pledges__in=published_ids)
        | Q(
            partnerships__pledge__in=published_ids,
            partnerships__role=PledgePartner.Role.CO_PLEDGER,
        )
    )
    countries = Country.objects.filter(pledges__in=published_ids)
    return HeadlineFigures(
        pledges=totals["pledges_n"] or 0,
        usd=totals["usd"] or Decimal(0),
        entities=entities.distinct().count(),
        countries=countries.distinct().count(),
    )


def with_card_relations(pledges: QuerySet[Pledge]) -> QuerySet[Pledge]:
    """Everything the pledge card (``pledges/_card.html``) shows, fetched in a fixed number of queries."""
    return pledges.select_related("lead_entity").prefetch_related("focus_areas", "countries", "regions")


def latest_published_pledges(*, limit: int) -> QuerySet[Pledge]:
    """The most recently published pledges, ready for cards."""
    return with_card_relations(published_pledges()).order_by("-published_at", "-id")[:limit]
