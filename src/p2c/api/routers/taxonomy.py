"""``/api/v1/taxonomy``: every code the filters and the write API take (focus areas, pillars, types, …)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import translation
from ninja import Router

from p2c.api.schemas import Taxonomy
from p2c.content.models import Event
from p2c.entities.models import EntityType
from p2c.geo.models import Country, ReferenceList, Region
from p2c.pledges.filters import GROUPINGS
from p2c.pledges.models import SDG, FocusArea, Pillar, Pledge, PledgePartner, PledgeType, TargetGroup

router = Router(tags=["Reference data"])


def _choices(choices: Any) -> list[dict[str, str]]:
    return [{"code": str(value), "name": str(label)} for value, label in choices if value]


@router.get(
    "/taxonomy",
    response={200: Taxonomy},
    summary="Every code: taxonomy, regions, groupings, events",
    description="Focus areas with their pillars, pledge types, SDGs, target groups, entity types, regions, "
    "groupings (with the date and source of each list), income groups, events, and the values of the "
    "other coded fields. Names are in English.",
)
def taxonomy(request: HttpRequest) -> dict[str, Any]:
    """What does each code mean, and which codes are there?"""
    areas = FocusArea.objects.prefetch_related(Prefetch("pillars", queryset=Pillar.objects.order_by("order", "name")))
    with translation.override("en"):
        return {
            "focus_areas": [
                {
                    "code": a.code,
                    "name": a.name,
                    "tagline": a.tagline,
                    "colour": a.colour,
                    "pillars": [
                        {"code": p.code, "name": p.name, "description": p.description} for p in a.pillars.all()
                    ],
                }
                for a in areas
            ],
            "pledge_types": [
                {"code": t.code, "name": t.name, "description": t.description} for t in PledgeType.objects.all()
            ],
            "sdgs": [{"number": s.number, "short_title": s.short_title, "colour": s.colour} for s in SDG.objects.all()],
            "target_groups": [{"code": g.code, "name": g.name} for g in TargetGroup.objects.all()],
            "entity_types": [{"code": t.code, "name": t.name} for t in EntityType.objects.all()],
            "regions": [
                {"kind": r.kind, "code": r.code, "name": r.name} for r in Region.objects.order_by("kind", "code")
            ],
            "income_groups": _choices(Country.IncomeGroup.choices),
            "groupings": [{"code": code, "name": str(label)} for code, label in GROUPINGS.items()],
            "reference_lists": [
                {
                    "code": r.code,
                    "name": r.name,
                    "as_of": r.as_of.isoformat(),
                    "source": r.source,
                    "url": r.url,
                    "licence": r.licence,
                    "members": r.member_count,
                }
                for r in ReferenceList.objects.order_by("code")
            ],
            "events": [
                {
                    "slug": e.slug,
                    "name": e.name,
                    "starts_on": e.starts_on.isoformat() if e.starts_on else None,
                    "ends_on": e.ends_on.isoformat() if e.ends_on else None,
                    "location": e.location,
                }
                for e in Event.objects.order_by("-starts_on", "slug")
            ],
            "scopes": _choices(Pledge.Scope.choices),
            "additionality": _choices(Pledge.Additionality.choices),
            "partner_roles": _choices(PledgePartner.Role.choices),
            "delivery_statuses": _choices(Pledge.DeliveryStatus.choices),
        }
