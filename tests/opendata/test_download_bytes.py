"""The downloads byte for byte: every column as an independent reading of the pledges would write it.

The CSV is compared with what Python's ``csv`` module writes from the pledges read as model
instances — lists joined and sorted, money, dates, instants, booleans, neutralised formulas —
so that a faster way of reading or writing them cannot change a byte. It runs on both databases
(SQLite keeps decimals as floats, PostgreSQL as exact numerics).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import QuerySet
from django.http import QueryDict
from django.test import Client

from p2c.opendata import exports
from p2c.opendata.columns import COLUMN_NAMES
from p2c.opendata.records import PledgeReader
from p2c.pledges.filters import pledge_filter
from p2c.pledges.models import Pledge, PledgePartner, PledgeTarget
from tests.factories import EntityFactory, PledgeFactory
from tests.opendata.helpers import PUBLISHED, body, event, regional_pledge, rich_pledge

pytestmark = pytest.mark.django_db

ROLES = {"co_pledger": "Co-pledger", "implementer": "Implementing partner", "funder": "Funder"}


def _plain(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _text(value: str) -> str:
    return "'" + value if value.startswith(("=", "+", "-", "@", "\t", "\r")) else value


def _instant(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else ""


def _target(target: PledgeTarget) -> str:
    start = "" if target.baseline is None else f"from {_plain(target.baseline)} to "
    return f"{target.indicator}: {start}{_plain(target.target_value)} {target.unit} by {target.target_year}"


def expected_values(pledge: Pledge) -> dict[str, Any]:
    """Every column of ``pledge`` read from its model instance, as lists and text (the JSON Lines values)."""
    lead = pledge.lead_entity
    # Sorted as the database sorts names (its collation), as the export documents.
    partners = pledge.partnerships.select_related("entity").order_by("role", "pk")
    regions = pledge.regions.order_by("kind", "name")
    countries = pledge.countries.order_by("name")
    return {
        "reference": pledge.reference,
        "url": f"http://testserver/pledges/{pledge.reference}/",
        "external_reference": pledge.external_reference,
        "title": pledge.title,
        "summary": pledge.summary,
        "description": pledge.description,
        "lead_entity": lead.name,
        "lead_entity_slug": lead.slug,
        "lead_entity_acronym": lead.acronym,
        "lead_entity_type": lead.entity_type.name,
        "lead_entity_country": lead.home_country_id or "",
        "partners": [f"{p.entity.name} ({ROLES[p.role]})" for p in partners],
        "focus_areas": [a.name for a in pledge.focus_areas.order_by("order", "name")],
        "pillars": [p.name for p in pledge.pillars.order_by("focus_area__order", "order", "name")],
        "pledge_types": [t.name for t in pledge.pledge_types.order_by("order", "name")],
        "sdgs": [s.number for s in pledge.sdgs.order_by("number")],
        "target_groups": [g.name for g in pledge.target_groups.order_by("order", "name")],
        "scope": pledge.scope,
        "regions": [r.name for r in regions],
        "region_codes": [f"{'itu' if r.kind == 'itu_region' else 'm49'}:{r.code}" for r in regions],
        "countries": [c.iso2 for c in countries],
        "country_names": [c.name for c in countries],
        "amount": _plain(pledge.amount),
        "currency": pledge.currency,
        "usd_estimate": _plain(pledge.usd_estimate),
        "usd_rate": _plain(pledge.usd_rate),
        "usd_rate_date": pledge.usd_rate_date.isoformat() if pledge.usd_rate_date else "",
        "usd_source": pledge.usd_source,
        "pledged_on": pledge.pledged_on.isoformat(),
        "start_date": pledge.start_date.isoformat() if pledge.start_date else "",
        "end_date": pledge.end_date.isoformat() if pledge.end_date else "",
        "additionality": pledge.additionality,
        "seeking_partners": pledge.seeking_partners,
        "event": pledge.event.name if pledge.event else "",
        "event_slug": pledge.event.slug if pledge.event else "",
        "targets": [_target(t) for t in pledge.targets.order_by("order", "pk")],
        "delivery_status": pledge.delivery_status,
        "published_at": _instant(pledge.published_at),
        "updated_at": _instant(pledge.updated_at),
    }


def expected_csv(pledges: QuerySet[Pledge]) -> bytes:
    """The CSV download of ``pledges`` as ``csv.writer`` writes it from the model instances."""
    written = io.StringIO()
    writer = csv.writer(written)
    writer.writerow(COLUMN_NAMES)
    for pledge in pledges:
        row = []
        for value in expected_values(pledge).values():
            if isinstance(value, bool):
                row.append("yes" if value else "no")
            elif isinstance(value, list):
                row.append(_text(" | ".join(map(str, value))))
            else:
                row.append(_text(value))
        writer.writerow(row)
    return ("\ufeff" + written.getvalue()).encode()


@pytest.fixture
def awkward() -> None:
    """Published pledges with every kind of value a spreadsheet or a parser could trip on."""
    wsis = event()
    wsis.name = "=WSIS Forum, 2026"
    wsis.save()
    funder = EntityFactory(name='-Acme "Foundation", Ltd', slug="acme")
    implementer = EntityFactory(name="Zeta Networks", slug="zeta")
    co_pledger = EntityFactory(name="@Alpha Telecom", slug="alpha")
    lead = EntityFactory(name="+Société Ivoirienne des Télécoms", slug="sit", acronym="=SIT", home_country_id="CI")
    first = rich_pledge(
        lead=lead,
        title='=HYPERLINK("http://evil.example","x")',
        summary="Fibre, Wi-Fi and\r\nsolar power; 2+2=4",
        description='\tIndented "quoted" Markdown,\nwith lines — 连接学校 — ربط المدارس',
        partners=((funder, PledgePartner.Role.FUNDER), (implementer, "implementer"), (co_pledger, "co_pledger")),
        amount=Decimal("2500000.50"),
        currency="EUR",
        usd_estimate=Decimal("2700000.54"),
        usd_rate=Decimal("1.0800000000"),
        usd_rate_date=dt.date(2026, 3, 16),
        usd_source="ecb",
        event=wsis,
        delivery_status="on_track",
        external_reference="\rREG-17",
        published_at=dt.datetime(2026, 3, 20, 9, 30, 15, 123456, tzinfo=dt.UTC),
        countries=("UG", "KE", "CI", "AX"),
    )
    first.targets.all().delete()
    PledgeTarget.objects.create(
        pledge=first,
        indicator="-People trained, women",
        unit="people",
        baseline=Decimal("0.50"),
        target_value=Decimal("12345678901.25"),
        target_year=2030,
        order=1,
    )
    PledgeTarget.objects.create(
        pledge=first,
        indicator="Towers",
        unit="towers",
        baseline=None,
        target_value=Decimal("40"),
        target_year=2029,
        order=2,
    )
    regional_pledge(
        title="Backbone, Eastern Africa",
        amount=None,
        usd_estimate=None,
        usd_rate=Decimal("0.0000012345"),
        seeking_partners=False,
        start_date=None,
        end_date=None,
        published_at=dt.datetime(2026, 3, 20, 9, 30, 15, tzinfo=dt.UTC),
    )
    bare = PledgeFactory(state=PUBLISHED, title="+1 bare pledge", summary="", amount=Decimal("999999999999.99"))
    bare.sdgs.set([17, 3, 11])


def test_the_csv_is_byte_for_byte_what_the_csv_module_writes_from_the_pledges(
    client: Client, awkward: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)  # lists and caches across chunk boundaries
    for query in ("", "sort=title", "sort=value"):
        content = body(client.get(f"/pledges/download.csv?{query}"))
        assert content == expected_csv(pledge_filter(QueryDict(query)).queryset), query
    text = body(client.get("/pledges/download.csv?sort=title")).decode("utf-8-sig")
    assert '\'=HYPERLINK(""http://evil.example"",""x"")' in text
    assert '"\'@Alpha Telecom (Co-pledger) | -Acme ""Foundation"", Ltd (Funder) | Zeta Networks (Implementing' in text
    assert ",2500000.5,EUR,2700000.54,1.08,2026-03-16,ecb," in text
    assert ",,USD,,0.0000012345,," in text  # no amount, a tiny rate: plain decimals
    assert '"\'-People trained, women: from 0.5 to 12345678901.25 people by 2030 | Towers: 40 towers by 2029"' in text
    assert ",2026-03-20T09:30:15Z," in text and ",3 | 11 | 17," in text


def test_json_lines_hold_the_same_values_unneutralised(client: Client, awkward: None) -> None:
    lines = body(client.get("/pledges/download.jsonl")).decode().splitlines()
    expected = []
    for pledge in pledge_filter(QueryDict("")).queryset:
        values = {k: (None if v == "" else v) for k, v in expected_values(pledge).items()}
        expected.append(json.dumps(values, ensure_ascii=False, separators=(",", ":")))
    assert lines == expected


def test_a_chunk_has_exactly_the_columns(awkward: None) -> None:
    ids = list(pledge_filter(QueryDict("")).queryset.values_list("id", flat=True))
    chunk = PledgeReader(url_of=lambda reference: reference).read(ids)
    assert list(chunk) == COLUMN_NAMES
    assert {len(values) for values in chunk.values()} == {len(ids)}
