"""Bulk downloads at /pledges/download.<csv|xlsx|jsonl>: the explorer's pledges, streamed, safe in a spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.http import FileResponse, QueryDict, StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from p2c.opendata import exports
from p2c.opendata.columns import COLUMN_NAMES
from p2c.opendata.exports import csv_field, csv_stream
from p2c.pledges.filters import pledge_filter, pledge_totals
from p2c.pledges.models import Pledge, PledgePartner
from tests.factories import EntityFactory, PledgeFactory
from tests.opendata.helpers import (
    PUBLISHED,
    body,
    csv_rows,
    download,
    event,
    regional_pledge,
    rich_pledge,
)

pytestmark = pytest.mark.django_db
FORMATS = ["csv", "xlsx", "jsonl"]


def explorer_references(query: str) -> list[str]:
    return [p.reference for p in pledge_filter(QueryDict(query)).queryset]


@pytest.fixture
def catalogue() -> dict[str, Any]:
    """Fourteen published pledges with ties in date, value and title; hidden pledges beside them."""
    kijiji = EntityFactory(name="Kijiji Telecom", slug="kijiji-telecom")
    ministry = EntityFactory(name="Ministry of ICT", slug="rwanda-mict", entity_type_id=kijiji.entity_type_id)
    same_moment = timezone.now() - dt.timedelta(days=3)
    made = [
        rich_pledge(
            lead=kijiji, title="Rural schools online", usd_estimate=Decimal("5000000"), published_at=same_moment
        ),
        rich_pledge(
            lead=kijiji, title="Rural schools online", usd_estimate=Decimal("5000000"), published_at=same_moment
        ),
        rich_pledge(lead=ministry, title="Digital skills for women", countries=("RW",), usd_estimate=None, amount=None),
        rich_pledge(
            lead=ministry, title="Digital skills for women", countries=("SN", "BJ"), usd_estimate=None, amount=None
        ),
        regional_pledge(title="Backbone for Eastern Africa", usd_estimate=Decimal("90000000")),
        rich_pledge(title="Solar school networks", countries=("NP",), partners=((ministry, "funder"),)),
    ]
    for i in range(8):
        made.append(
            rich_pledge(
                title=f"Community network {i % 3}",
                usd_estimate=Decimal(1000000 * (i % 4)),
                published_at=same_moment - dt.timedelta(days=i % 2),
                countries=("KE",) if i % 2 else ("BD",),
            )
        )
    rich_pledge(lead=kijiji, state=Pledge.State.DRAFT, title="Rural schools draft")
    rich_pledge(lead=kijiji, state=Pledge.State.WITHDRAWN, title="Rural schools withdrawn")
    return {"pledges": made, "kijiji": kijiji, "ministry": ministry}


QUERIES = [
    "",
    "sort=value",
    "sort=title",
    "focus_area=access&country=KE",
    "entity=rwanda-mict",
    "grouping=ldc&type=financial",
    "q=schools",
    "q=schools&sort=newest",
    "m49_region=002",
    "usd_min=1000000&usd_max=5000000&sort=value",
    "country=KE&country=XX&sdg=99",  # invalid values are left out, as the explorer does
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("query", QUERIES)
def test_a_download_holds_the_explorers_pledges_in_the_explorers_order(
    client: Client, catalogue: dict[str, Any], monkeypatch: pytest.MonkeyPatch, fmt: str, query: str
) -> None:
    monkeypatch.setattr(exports, "CHUNK_SIZE", 3)  # several chunks, with ties across their boundaries
    rows = download(client, fmt, query)
    expected = explorer_references(query)
    assert [row["reference"] for row in rows] == expected
    assert len(rows) == pledge_totals(pledge_filter(QueryDict(query)).queryset).count
    assert expected, "each combination should match something"


def test_ties_nulls_and_chunk_boundaries_keep_the_order(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    moment = timezone.now() - dt.timedelta(hours=1)
    for i in range(9):
        PledgeFactory(
            state=PUBLISHED,
            published_at=moment,
            title="Same",
            usd_estimate=None if i % 3 else Decimal("7"),
            amount=None,
        )
    for size in (1, 2, 4):
        monkeypatch.setattr(exports, "CHUNK_SIZE", size)
        for query in ("", "sort=value", "sort=title", "q=same"):
            assert [row["reference"] for row in download(client, "csv", query)] == explorer_references(query), (
                size,
                query,
            )


def test_the_csv_writes_every_column_as_documented(client: Client) -> None:
    partner = EntityFactory(name="Acme Foundation", slug="acme")
    wsis = event()
    pledge = rich_pledge(
        title="Connect schools",
        partners=((partner, PledgePartner.Role.FUNDER),),
        amount=Decimal("2500000.50"),
        currency="EUR",
        usd_estimate=Decimal("2700000.00"),
        usd_rate=Decimal("1.0800000000"),
        usd_rate_date=dt.date(2026, 3, 16),
        usd_source="ecb",
        event=wsis,
        delivery_status="on_track",
        external_reference="REG-17",
        published_at=dt.datetime(2026, 3, 20, 9, 30, 15, 123456, tzinfo=dt.UTC),
    )
    pledge.lead_entity.acronym = "KTEL"
    pledge.lead_entity.save()
    response = client.get("/pledges/download.csv")
    [row] = csv_rows(body(response))
    assert list(row) == COLUMN_NAMES
    assert row["reference"] == pledge.reference
    assert row["url"] == f"http://testserver/pledges/{pledge.reference}/"
    assert row["external_reference"] == "REG-17"
    assert row["lead_entity_slug"] == pledge.lead_entity.slug
    assert row["lead_entity_acronym"] == "KTEL"
    assert row["lead_entity_type"] == "Private sector"
    assert row["partners"] == "Acme Foundation (Funder)"
    assert row["focus_areas"] == "Access | Adoption"
    assert row["pledge_types"] == "Financial | Programmatic"
    assert row["sdgs"] == "4 | 9"
    assert row["scope"] == "countries"
    assert row["countries"] == "KE | UG"
    assert row["country_names"] == "Kenya | Uganda"
    assert row["regions"] == row["region_codes"] == ""
    assert (row["amount"], row["currency"], row["usd_estimate"]) == ("2500000.5", "EUR", "2700000")
    assert (row["usd_rate"], row["usd_rate_date"], row["usd_source"]) == ("1.08", "2026-03-16", "ecb")
    assert (row["pledged_on"], row["start_date"], row["end_date"]) == ("2026-03-16", "2026-04-01", "2027-12-31")
    assert row["seeking_partners"] == "yes"
    assert (row["event"], row["event_slug"]) == ("WSIS Forum 2026", "wsis-2026")
    assert row["targets"] == "Schools connected: from 0 to 200 schools by 2027"
    assert row["delivery_status"] == "on_track"
    assert row["published_at"] == "2026-03-20T09:30:15Z"
    assert row["updated_at"].endswith("Z")


def test_regions_are_given_by_name_and_by_code(client: Client) -> None:
    regional_pledge()
    [row] = download(client, "csv")
    assert row["scope"] == "regions"
    assert row["regions"] == "Africa | Eastern Africa"  # by kind (ITU, then UN M49), then name
    assert row["region_codes"] == "itu:africa | m49:014"


def test_json_lines_keep_types_lists_and_exact_decimals(client: Client) -> None:
    rich_pledge(amount=Decimal("1000000.25"), usd_estimate=Decimal("1000000.25"), summary="")
    [row] = download(client, "jsonl")
    assert list(row) == COLUMN_NAMES
    assert row["countries"] == ["KE", "UG"] and row["sdgs"] == [4, 9]
    assert row["amount"] == "1000000.25" and row["usd_estimate"] == "1000000.25"
    assert row["seeking_partners"] is True
    assert row["summary"] is None and row["event"] is None
    assert row["targets"] == ["Schools connected: from 0 to 200 schools by 2027"]


def test_the_xlsx_has_number_and_date_cells(client: Client) -> None:
    rich_pledge(amount=Decimal("1000000.25"), usd_estimate=Decimal("1000000.25"))
    [row] = download(client, "xlsx")
    assert list(row) == COLUMN_NAMES
    assert row["amount"] == pytest.approx(1000000.25) and isinstance(row["amount"], float)
    assert isinstance(row["start_date"], dt.datetime) and row["start_date"].date() == dt.date(2026, 4, 1)
    assert isinstance(row["published_at"], dt.datetime)
    assert row["countries"] == "KE | UG" and row["seeking_partners"] == "yes"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised(client: Client, start: str) -> None:
    dangerous = f'{start}HYPERLINK("http://evil.example","x")'
    partner = EntityFactory(name=f"{start}cmd|' /C calc'!A0", slug="evil")
    rich_pledge(title=dangerous, summary="2+2=4 stays as it is", partners=((partner, "co_pledger"),))

    [row] = download(client, "csv")
    assert row["title"] == "'" + dangerous
    assert row["partners"].startswith("'" + start)
    assert row["summary"] == "2+2=4 stays as it is"
    assert row["amount"] == "1000000"  # numbers are written as numbers

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(body(client.get("/pledges/download.xlsx")))).worksheets[0]
    title = sheet.cell(row=2, column=COLUMN_NAMES.index("title") + 1)
    # (XML turns a carriage return into a line feed when read back; what matters is the apostrophe.)
    assert title.data_type == "s" and title.value.startswith("'") and title.value.endswith(dangerous[1:])
    assert sheet.cell(row=2, column=COLUMN_NAMES.index("partners") + 1).value.startswith("'")

    [record] = download(client, "jsonl")
    assert record["title"] == dangerous  # JSON is not a spreadsheet: text as it is


def test_non_ascii_text_survives_every_format(client: Client) -> None:
    lead = EntityFactory(name="Société Ivoirienne des Télécoms", slug="sit")
    title = "Connecter 200 écoles — 连接学校 — ربط المدارس"
    rich_pledge(lead=lead, title=title, countries=("CI",))
    for fmt in FORMATS:
        [row] = download(client, fmt)
        assert (row["title"], row["lead_entity"]) == (title, lead.name), fmt
        assert row["country_names"] in ("Côte d’Ivoire", "Côte d'Ivoire", ["Côte d’Ivoire"], ["Côte d'Ivoire"]), fmt
    content = body(client.get("/pledges/download.csv"))
    assert content.startswith(b"\xef\xbb\xbf") and title.encode() in content


@pytest.mark.parametrize("fmt", FORMATS)
def test_responses_are_attachments_open_to_any_site(client: Client, fmt: str) -> None:
    rich_pledge()
    response = client.get(f"/pledges/download.{fmt}?country=KE")
    assert isinstance(response, FileResponse if fmt == "xlsx" else StreamingHttpResponse)
    assert response["Access-Control-Allow-Origin"] == "*"
    today = timezone.now().date().isoformat()
    assert f'filename="partner2connect-pledges-{today}.{fmt}"' in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"].startswith(
        {"csv": "text/csv", "jsonl": "application/jsonl", "xlsx": "application/vnd.openxmlformats"}[fmt]
    )
    body(response)


def test_unknown_formats_and_writes_are_refused(client: Client) -> None:
    assert client.get("/pledges/download.xls").status_code == 404
    assert client.post("/pledges/download.csv").status_code == 405
    assert client.head("/pledges/download.csv").status_code == 200


def test_an_empty_result_is_a_header_only(client: Client) -> None:
    assert download(client, "csv", "country=KE") == []
    assert download(client, "jsonl") == []
    assert download(client, "xlsx") == []
    assert body(client.get("/pledges/download.csv")).decode("utf-8-sig").strip() == ",".join(COLUMN_NAMES)


@pytest.mark.parametrize(
    "text",
    ["plain", "", "a,b", 'say "hi"', "line\nbreak", "cr\rhere", "crlf\r\n", " spaced ", "'quote", '"', "x;y|z\t"],
)
def test_fields_are_quoted_as_the_csv_module_quotes_them(text: str) -> None:
    written = io.StringIO()
    csv.writer(written).writerow([text, "next"])
    assert csv_field(text) + ",next\r\n" == written.getvalue()


# --- Streaming -------------------------------------------------------------------------------------
def queries_for_download(client: Client, size: int, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(exports, "CHUNK_SIZE", size)
    body(client.get("/pledges/download.csv"))  # the filters' reference data is cached after the first request
    with CaptureQueriesContext(connection) as captured:
        body(client.get("/pledges/download.csv"))
    return len(captured)


def test_queries_grow_with_chunks_not_with_rows(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(4):
        rich_pledge(partners=((EntityFactory(), "funder"),))
    four = queries_for_download(client, 10, monkeypatch)
    for _ in range(4):
        rich_pledge(partners=((EntityFactory(), "funder"),))
    eight = queries_for_download(client, 10, monkeypatch)
    assert eight == four, "one chunk of 4 or of 8 pledges costs the same queries"
    in_three_chunks = queries_for_download(client, 3, monkeypatch)
    per_chunk = (in_three_chunks - eight) / 2
    assert per_chunk == 5, (
        f"five queries per chunk (ids, last row's sort values, pledges, partners, targets), not {per_chunk}"
    )


def test_the_first_chunk_is_sent_before_the_rest_is_read() -> None:
    for i in range(5):
        rich_pledge(title=f"Pledge {i}")
    stream = csv_stream(pledge_filter(QueryDict("sort=title")), url_of=lambda r: r, size=2)
    with CaptureQueriesContext(connection) as captured:
        header = next(stream)
        first = next(stream)
        read_then = len(captured)
        rest = b"".join(stream)
    assert header.decode("utf-8-sig").startswith("reference,url,")
    assert [line.split(",")[3] for line in first.decode().splitlines()] == ["Pledge 0", "Pledge 1"]
    assert read_then < len(captured), "later chunks are read only after the first was handed out"
    assert [line.split(",")[3] for line in rest.decode().splitlines()] == ["Pledge 2", "Pledge 3", "Pledge 4"]


# --- Nothing unreviewed leaks ------------------------------------------------------------------------
def test_only_published_pledges_are_ever_downloaded(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    lead = EntityFactory(name="Kijiji Telecom", slug="kijiji-telecom")
    published = rich_pledge(lead=lead, title="Leaky schools published")
    other = rich_pledge(lead=lead, title="Leaky schools also published")
    hidden = [
        rich_pledge(lead=lead, state=state, title=f"Leaky schools {state}")
        for state in (
            Pledge.State.DRAFT,
            Pledge.State.SUBMITTED,
            Pledge.State.CHANGES_REQUESTED,
            Pledge.State.REJECTED,
            Pledge.State.WITHDRAWN,
        )
    ]
    for n, state in enumerate((Pledge.State.DRAFT, Pledge.State.SUBMITTED, Pledge.State.APPLIED), start=1):
        hidden.append(
            rich_pledge(
                lead=lead,
                state=state,
                title=f"Leaky schools revision {state}",
                revision_of=published,
                reference=f"{published.reference}-R{n}",
            )
        )
    hidden_refs = {p.reference for p in hidden}
    expected = {published.reference, other.reference}
    for query in ("", "q=leaky", "entity=kijiji-telecom", "country=KE", "focus_area=access&type=financial",
                  "sort=title", "sort=value", "q=leaky&sort=relevance", "seeking_partners=1"):  # fmt: skip
        for fmt in FORMATS:
            references = {row["reference"] for row in download(client, fmt, query)}
            assert references == expected, (fmt, query)
            assert not references & hidden_refs


# --- The explorer's links -------------------------------------------------------------------------------
def test_the_explorer_links_to_the_downloads_of_what_it_lists(client: Client) -> None:
    rich_pledge(countries=("KE",))
    rich_pledge(countries=("KE", "UG"))
    rich_pledge(countries=("SN",))
    html = client.get("/pledges/?country=KE&sort=title&page=1").content.decode()
    assert "Download these 2 pledges:" in html
    for fmt in FORMATS:
        assert f'href="/pledges/download.{fmt}?country=KE&amp;sort=title"' in html
    fragment = client.get("/pledges/?country=SN", headers={"X-P2C-Fragment": "results"}).content.decode()
    assert "Download this pledge:" in fragment and 'href="/pledges/download.csv?country=SN"' in fragment
    assert "download.csv" not in client.get("/pledges/?country=FR").content.decode()
