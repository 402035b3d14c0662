"""Pledges with every relation, reading downloads back, and running the import's tasks in-process."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

from django.http import StreamingHttpResponse
from django.test import Client
from django.utils import timezone

from p2c.content.models import Event
from p2c.entities.models import Entity
from p2c.geo.models import Country, Region
from p2c.pledges.models import (
    SDG,
    FocusArea,
    Pillar,
    Pledge,
    PledgePartner,
    PledgeTarget,
    PledgeType,
    TargetGroup,
)
from tests.factories import EntityFactory, PledgeFactory

PUBLISHED = Pledge.State.PUBLISHED


def rich_pledge(
    *,
    lead: Entity | None = None,
    state: str = PUBLISHED,
    countries: tuple[str, ...] = ("KE", "UG"),
    partners: tuple[tuple[Entity, str], ...] = (),
    **fields: Any,
) -> Pledge:
    """A pledge with focus areas, pillars, types, SDGs, target groups, countries, partners and targets."""
    values: dict[str, Any] = {
        "title": "Connect 200 rural schools",
        "summary": "Fibre and Wi-Fi for 200 schools.",
        "description": "Kijiji Telecom connects **200 schools** by 2027.",
        "start_date": dt.date(2026, 4, 1),
        "end_date": dt.date(2027, 12, 31),
        "seeking_partners": True,
        **fields,
    }
    if state == PUBLISHED:
        values.setdefault("published_at", timezone.now())
    pledge: Pledge = PledgeFactory(lead_entity=lead or EntityFactory(), state=state, **values)
    pledge.focus_areas.set(FocusArea.objects.filter(code__in=["access", "adoption"]))
    pledge.pillars.set(Pillar.objects.order_by("pk")[:1])
    pledge.pledge_types.set(PledgeType.objects.filter(code__in=["financial", "programmatic"]))
    pledge.sdgs.set(SDG.objects.filter(number__in=[4, 9]))
    pledge.target_groups.set(TargetGroup.objects.order_by("order")[:1])
    pledge.countries.set(Country.objects.filter(iso2__in=countries))
    for entity, role in partners:
        PledgePartner.objects.create(pledge=pledge, entity=entity, role=role)
    PledgeTarget.objects.create(
        pledge=pledge, indicator="Schools connected", unit="schools", baseline=0, target_value=200, target_year=2027
    )
    return pledge


def regional_pledge(**fields: Any) -> Pledge:
    """A published pledge for Eastern Africa (UN M49 014) and the ITU's Africa region."""
    pledge = rich_pledge(countries=(), scope=Pledge.Scope.REGIONS, **fields)
    pledge.regions.set(
        [
            Region.objects.get(kind=Region.Kind.M49_INTERMEDIATE, code="014"),
            Region.objects.get(kind=Region.Kind.ITU_REGION, code="africa"),
        ]
    )
    return pledge


def event() -> Event:
    return Event.objects.create(name="WSIS Forum 2026", slug="wsis-2026", starts_on=dt.date(2026, 3, 16))


def body(response: Any) -> bytes:
    """The whole body of a (possibly streaming) response."""
    if isinstance(response, StreamingHttpResponse) or getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def csv_rows(content: bytes) -> list[dict[str, str]]:
    """A CSV download as dicts (the byte order mark removed)."""
    assert content.startswith("\ufeff".encode()), "the CSV starts with a UTF-8 byte order mark"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def jsonl_rows(content: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in content.decode().splitlines() if line]


def xlsx_rows(content: bytes) -> list[dict[str, Any]]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = [str(v) for v in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def download(client: Client, fmt: str, query: str = "") -> list[dict[str, Any]]:
    """The rows of a download as dicts, whatever the format."""
    response = client.get(f"/pledges/download.{fmt}" + (f"?{query}" if query else ""))
    assert response.status_code == 200, response.status_code
    content = body(response)
    return {"csv": csv_rows, "jsonl": jsonl_rows, "xlsx": xlsx_rows}[fmt](content)


def usd(value: str) -> Decimal:
    return Decimal(value)
