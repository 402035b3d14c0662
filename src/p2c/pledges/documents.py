"""The JSON document of one published pledge: ``/pledges/<reference>.json``.

The shape is documented field by field in ``docs/pledge-json.md`` (a test fails when a key is not),
and is stable: fields are added, never renamed or removed, within one ``format`` version.
Amounts and rates are strings holding exact decimals (JSON numbers are binary floats); dates are
ISO 8601; taxonomy terms carry their stable ``code`` beside the English ``name``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from p2c.pledges.models import Pledge

FORMAT = "p2c-pledge/1"


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _date(value: dt.date | dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def pledge_document(pledge: Pledge, *, url: str, entity_url: Any) -> dict[str, Any]:
    """``pledge`` (published, fetched with ``published_pledge``) as a plain dict ready for JSON.

    ``url`` is the pledge page's absolute address; ``entity_url(slug)`` gives an entity page's.
    """
    lead = pledge.lead_entity
    return {
        "format": FORMAT,
        "reference": pledge.reference,
        "url": url,
        "title": pledge.title,
        "summary": pledge.summary,
        "description": pledge.description,
        "description_format": "markdown",
        "language": pledge.language,
        "state": pledge.state,
        "published_at": _date(pledge.published_at),
        "lead_entity": {
            "name": lead.name,
            "acronym": lead.acronym,
            "slug": lead.slug,
            "type": {"code": lead.entity_type.code, "name": lead.entity_type.name},
            "home_country": lead.home_country_id,
            "url": entity_url(lead.slug),
        },
        "partners": [
            {
                "name": partnership.entity.name,
                "acronym": partnership.entity.acronym,
                "slug": partnership.entity.slug,
                "role": partnership.role,
                "url": entity_url(partnership.entity.slug),
            }
            for partnership in pledge.partnerships.all()
        ],
        "focus_areas": [{"code": area.code, "name": area.name} for area in pledge.focus_areas.all()],
        "pillars": [
            {"code": pillar.code, "name": pillar.name, "focus_area": pillar.focus_area.code}
            for pillar in pledge.pillars.all()
        ],
        "pledge_types": [{"code": kind.code, "name": kind.name} for kind in pledge.pledge_types.all()],
        "sdgs": [{"number": sdg.number, "short_title": sdg.short_title} for sdg in pledge.sdgs.all()],
        "target_groups": [{"code": group.code, "name": group.name} for group in pledge.target_groups.all()],
        "geography": {
            "scope": pledge.scope,
            "regions": [
                {"kind": region.kind, "code": region.code, "name": region.name} for region in pledge.regions.all()
            ],
            "countries": [
                {"iso2": country.iso2, "iso3": country.iso3, "name": country.name} for country in pledge.countries.all()
            ],
        },
        "money": {
            "amount": _decimal(pledge.amount),
            "currency": pledge.currency or None,
            "usd_estimate": _decimal(pledge.usd_estimate),
            "usd_rate": _decimal(pledge.usd_rate),
            "usd_rate_date": _date(pledge.usd_rate_date),
            "usd_source": pledge.usd_source or None,
        },
        "dates": {
            "pledged_on": _date(pledge.pledged_on),
            "start_date": _date(pledge.start_date),
            "end_date": _date(pledge.end_date),
        },
        "additionality": pledge.additionality,
        "seeking_partners": pledge.seeking_partners,
        "event": None
        if pledge.event is None
        else {
            "name": pledge.event.name,
            "slug": pledge.event.slug,
            "starts_on": _date(pledge.event.starts_on),
            "ends_on": _date(pledge.event.ends_on),
            "location": pledge.event.location,
        },
        "targets": [
            {
                "indicator": target.indicator,
                "unit": target.unit,
                "baseline": _decimal(target.baseline),
                "target_value": _decimal(target.target_value),
                "target_year": target.target_year,
            }
            for target in pledge.targets.all()
        ],
        "delivery_status": pledge.delivery_status or None,
    }
