"""The bulk import at /secretariat/import/: preview, errors by row and column, all or nothing, re-import."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from p2c.accounts.models import User
from p2c.core.models import AuditEvent
from p2c.entities.models import Entity
from p2c.opendata import tables
from p2c.opendata.models import ImportBatch
from p2c.pledges.models import Pledge, ReferenceCounter
from tests.accounts.helpers import send_emails_at_once
from tests.factories import EntityFactory
from tests.opendata.helpers import body, rich_pledge
from tests.pledges.test_transitions import olga, rui

pytestmark = pytest.mark.django_db
Status = ImportBatch.Status
OnCommit = Callable[..., AbstractContextManager[Any]]


@pytest.fixture(autouse=True)
def _tasks_at_once(settings: Any) -> None:
    send_emails_at_once(settings)  # background tasks run in-process when queued


@pytest.fixture
def kijiji() -> Entity:
    return EntityFactory(name="Kijiji Telecom", slug="kijiji-telecom")


@pytest.fixture
def reviewer() -> User:
    return rui()


@pytest.fixture
def secretariat(reviewer: User) -> Client:
    client = Client()
    client.force_login(reviewer)
    return client


def csv_bytes(rows: list[dict[str, Any]], *, delimiter: str = ",") -> bytes:
    columns: list[str] = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def complete_row(**fields: Any) -> dict[str, Any]:
    """A row with everything a pledge sent for review or published needs."""
    return {
        "external_reference": "REG-1",
        "lead_entity": "Kijiji Telecom",
        "title": "Connect 200 rural schools",
        "summary": "Fibre and Wi-Fi for 200 schools.",
        "description": "Kijiji Telecom connects **200 schools**.",
        "focus_areas": "Access | adoption",
        "pledge_types": "financial",
        "sdgs": "4 | 9",
        "countries": "KE | Uganda",
        "amount": "1,000,000",
        "currency": "EUR",
        "pledged_on": "2026-03-16",
        "start_date": "2026-04-01",
        "end_date": "2027-12-31",
        "targets": "Schools connected: from 0 to 200 schools by 2027",
        "seeking_partners": "yes",
        **fields,
    }


@pytest.fixture
def upload(secretariat: Client, django_capture_on_commit_callbacks: OnCommit) -> Callable[..., ImportBatch]:
    """Upload a file as Rui and run its check; the batch, as the check left it."""

    def run(
        content: bytes, name: str = "registry.csv", mode: str = "draft", client: Client | None = None
    ) -> ImportBatch:
        with django_capture_on_commit_callbacks(execute=True):
            response = (client or secretariat).post(
                "/secretariat/import/", {"file": SimpleUploadedFile(name, content), "mode": mode}
            )
        assert response.status_code == 302, response.content.decode()[:2000]
        return ImportBatch.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[-1]))

    return run


@pytest.fixture
def commit(secretariat: Client, django_capture_on_commit_callbacks: OnCommit) -> Callable[[ImportBatch], ImportBatch]:
    """Press "Import" on a checked batch and run the import; the batch afterwards."""

    def run(batch: ImportBatch) -> ImportBatch:
        with django_capture_on_commit_callbacks(execute=True):
            response = secretariat.post(f"/secretariat/import/{batch.pk}/import/")
        assert response.status_code == 302
        batch.refresh_from_db()
        return batch

    return run


def rows_by_number(batch: ImportBatch) -> dict[int, dict[str, Any]]:
    return {row["row"]: row for row in batch.rows}


def written() -> tuple[int, int, list[Any]]:
    """What an import writes: pledges, audit events, reference counters."""
    return Pledge.objects.count(), AuditEvent.objects.count(), list(ReferenceCounter.objects.values_list())


# --- Who may import ---------------------------------------------------------------------------------
def test_only_reviewers_may_import(client: Client, secretariat: Client, kijiji: Entity, reviewer: User) -> None:
    batch = ImportBatch.objects.create(
        filename="x.csv", content=b"x", size=1, sha256="0" * 64, uploaded_by=reviewer, status=Status.CHECKED
    )
    urls = ["/secretariat/import/", f"/secretariat/import/{batch.pk}/"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(f"/secretariat/import/{batch.pk}/import/").status_code == 302
    outsider = Client()
    outsider.force_login(olga())
    for url in urls:
        assert outsider.get(url).status_code == 403
    assert outsider.post(f"/secretariat/import/{batch.pk}/import/").status_code == 403
    assert (
        outsider.post("/secretariat/import/", {"file": SimpleUploadedFile("a.csv", b"x"), "mode": "draft"}).status_code
        == 403
    )
    assert ImportBatch.objects.count() == 1
    for url in urls:
        assert secretariat.get(url).status_code == 200


def test_reviewers_without_an_authenticator_app_set_one_up_first(secretariat: Client, settings: Any) -> None:
    settings.P2C_REQUIRE_MFA_FOR_STAFF = True
    response = secretariat.get("/secretariat/import/")
    assert response.status_code == 302 and "/accounts/2fa/" in response["Location"]


# --- The check --------------------------------------------------------------------------------------
def test_the_check_previews_every_row_and_writes_nothing(
    upload: Callable[..., ImportBatch], secretariat: Client, kijiji: Entity
) -> None:
    existing = rich_pledge(lead=kijiji, state=Pledge.State.DRAFT, title="Old title", external_reference="REG-9")
    before = written()
    batch = upload(
        csv_bytes(
            [
                complete_row(),
                complete_row(external_reference="REG-2", title="Solar schools", lead_entity="kijiji-telecom"),
                {"external_reference": "REG-9", "lead_entity": "KIJIJI TELECOM", "title": "New title"},
            ]
        )
    )
    assert batch.status == Status.CHECKED
    assert batch.summary == {"rows": 3, "create": 2, "update": 1, "unchanged": 0, "error": 0}
    assert written() == before
    existing.refresh_from_db()
    assert existing.title == "Old title" and existing.version == 1
    rows = rows_by_number(batch)
    assert [rows[n]["action"] for n in (2, 3, 4)] == ["create", "create", "update"]
    # Its other cells are empty in a file that has those columns: they would be cleared too.
    assert rows[4]["reference"] == existing.reference and rows[4]["changed"][:2] == ["Title", "Summary"]

    page = secretariat.get(f"/secretariat/import/{batch.pk}/").content.decode()
    assert "Import 3 pledges" in page and "New pledge" in page and existing.reference in page
    assert 'http-equiv="refresh"' not in page


def test_errors_are_listed_by_row_and_column_and_block_the_import(
    upload: Callable[..., ImportBatch],
    commit: Callable[[ImportBatch], ImportBatch],
    secretariat: Client,
    kijiji: Entity,
) -> None:
    before = written()
    batch = upload(
        csv_bytes(
            [
                complete_row(),
                complete_row(external_reference="REG-2", lead_entity="Nobody Ltd"),
                complete_row(external_reference="REG-3", title="", countries="KE | Atlantis", start_date="1/4/2026"),
                complete_row(external_reference="REG-4", focus_areas="Access | Happiness", amount="lots"),
                complete_row(external_reference="REG-5", start_date="2027-01-01", end_date="2026-01-01"),
                complete_row(external_reference="REG-6", targets="More schools soon", currency="ZZZ"),
                complete_row(external_reference="REG-1"),  # the same pledge twice
                complete_row(external_reference=""),  # nothing to find it by again
            ]
        )
    )
    assert batch.status == Status.HAS_ERRORS
    assert batch.summary["create"] == 1 and batch.summary["error"] == 7
    errors = {number: row["errors"] for number, row in rows_by_number(batch).items()}
    assert errors[2] == {}
    assert list(errors[3]) == ["lead_entity"] and "Nobody Ltd" in errors[3]["lead_entity"][0]
    assert set(errors[4]) == {"title", "countries", "start_date"}
    assert "Atlantis" in errors[4]["countries"][0] and "YYYY-MM-DD" in errors[4]["start_date"][0]
    assert set(errors[5]) == {"focus_areas", "amount"}
    assert errors[6] == {"end_date": ["The end date is before the start date."]}
    assert set(errors[7]) == {"targets", "currency"}
    assert "already names this pledge" in errors[8]["external_reference"][0]
    assert set(errors[9]) == {"external_reference"}
    assert written() == before

    page = secretariat.get(f"/secretariat/import/{batch.pk}/").content.decode()
    assert "7 rows have errors" in page and "Import 1 pledge" not in page
    assert "<code>countries</code></dt><dd>There is no country “Atlantis”" in page
    assert commit(batch).status == Status.HAS_ERRORS
    assert written() == before


# --- Importing ---------------------------------------------------------------------------------------
def test_importing_creates_drafts_with_their_history(
    upload: Callable[..., ImportBatch],
    commit: Callable[[ImportBatch], ImportBatch],
    kijiji: Entity,
    reviewer: User,
    secretariat: Client,
) -> None:
    partner = EntityFactory(name="Acme Foundation", slug="acme")
    batch = upload(
        csv_bytes(
            [complete_row(partners="Acme Foundation (Funder)"), complete_row(external_reference="REG-2", title="B")]
        )
    )
    batch = commit(batch)
    assert batch.status == Status.IMPORTED and batch.imported_by == reviewer
    pledge = Pledge.objects.get(external_reference="REG-1")
    assert pledge.state == Pledge.State.DRAFT and pledge.lead_entity == kijiji and pledge.reference.startswith("P2C-")
    assert sorted(pledge.countries.values_list("iso2", flat=True)) == ["KE", "UG"]
    assert sorted(pledge.focus_areas.values_list("code", flat=True)) == ["access", "adoption"]
    assert list(pledge.sdgs.values_list("number", flat=True)) == [4, 9]
    assert pledge.amount == Decimal("1000000") and pledge.currency == "EUR" and pledge.usd_source == "ecb"
    assert pledge.usd_estimate and pledge.usd_estimate > 1_000_000
    assert pledge.scope == Pledge.Scope.COUNTRIES and pledge.seeking_partners
    assert [(p.entity, p.role) for p in pledge.partnerships.all()] == [(partner, "funder")]
    [target] = pledge.targets.all()
    assert (target.indicator, target.baseline, target.target_value, target.unit, target.target_year) == (
        "Schools connected",
        0,
        200,
        "schools",
        2027,
    )
    [event] = AuditEvent.objects.filter(object_id=str(pledge.pk), content_type__model="pledge")
    assert (event.action, event.actor, event.to_state) == ("imported", reviewer, "draft")
    assert "registry.csv" in event.comment and f"import {batch.pk}" in event.comment and "row 2" in event.comment
    assert {row["reference"] for row in batch.rows} == set(Pledge.objects.values_list("reference", flat=True))
    page = secretariat.get(f"/secretariat/import/{batch.pk}/").content.decode()
    assert "Imported on" in page and pledge.reference in page


def test_the_import_is_all_or_nothing(
    upload: Callable[..., ImportBatch], commit: Callable[[ImportBatch], ImportBatch], kijiji: Entity
) -> None:
    draft = rich_pledge(lead=kijiji, state=Pledge.State.DRAFT, external_reference="REG-9")
    batch = upload(
        csv_bytes([complete_row(), complete_row(external_reference="REG-9", lead_entity="Kijiji Telecom", title="Z")])
    )
    assert batch.status == Status.CHECKED
    # Meanwhile the draft is submitted: the import may no longer change it, so it imports nothing.
    Pledge.objects.filter(pk=draft.pk).update(state=Pledge.State.SUBMITTED)
    before = written()
    batch = commit(batch)
    assert batch.status == Status.FAILED and "Nothing was imported" in batch.message
    assert written()[:2] == before[:2]  # (the reference numbers reserved for it are skipped, never reused)
    assert not Pledge.objects.filter(external_reference="REG-1").exists()
    assert rows_by_number(batch)[3]["errors"] == {
        "row": [f"{draft.reference} is submitted, so the import cannot change it."]
    }


def test_importing_twice_updates_instead_of_duplicating(
    upload: Callable[..., ImportBatch],
    commit: Callable[[ImportBatch], ImportBatch],
    kijiji: Entity,
    secretariat: Client,
) -> None:
    rows = [complete_row(), complete_row(external_reference="REG-2", title="Solar schools")]
    commit(upload(csv_bytes(rows)))
    first = {p.external_reference: p for p in Pledge.objects.all()}

    again = upload(csv_bytes(rows))
    assert again.summary == {"rows": 2, "create": 0, "update": 0, "unchanged": 2, "error": 0}
    assert not again.can_import
    assert "Nothing to import" in secretariat.get(f"/secretariat/import/{again.pk}/").content.decode()

    rows[1]["title"] = "Solar schools and clinics"
    changed = commit(upload(csv_bytes(rows)))
    assert changed.status == Status.IMPORTED and changed.summary["update"] == 1 and changed.summary["unchanged"] == 1
    assert Pledge.objects.count() == 2
    solar = Pledge.objects.get(pk=first["REG-2"].pk)
    assert solar.title == "Solar schools and clinics" and solar.version == first["REG-2"].version + 1
    update = AuditEvent.objects.filter(object_id=str(solar.pk), action="updated").get()
    assert update.changed_fields == {"title": ["Solar schools", "Solar schools and clinics"]}
    assert Pledge.objects.get(pk=first["REG-1"].pk).version == first["REG-1"].version


def test_publishing_directly_migrates_a_reviewed_registry(
    upload: Callable[..., ImportBatch], commit: Callable[[ImportBatch], ImportBatch], kijiji: Entity, client: Client
) -> None:
    rows = [complete_row(published_at="2023-09-18"), complete_row(external_reference="REG-2", summary="")]
    checked = upload(csv_bytes(rows), mode="published")
    assert rows_by_number(checked)[3]["errors"] == {
        "summary": ["Required for a pledge sent for review or published: fill it in, or import as drafts."]
    }
    rows.pop()
    batch = commit(upload(csv_bytes(rows), mode="published"))
    pledge = Pledge.objects.get(external_reference="REG-1")
    assert pledge.state == Pledge.State.PUBLISHED and batch.status == Status.IMPORTED
    assert pledge.published_at == dt.datetime(2023, 9, 18, tzinfo=dt.UTC)
    assert pledge.reference in body(client.get("/pledges/download.csv")).decode()
    assert client.get(f"/pledges/{pledge.reference}/").status_code == 200


def test_sending_for_review_needs_complete_pledges(
    upload: Callable[..., ImportBatch], commit: Callable[[ImportBatch], ImportBatch], kijiji: Entity
) -> None:
    rows = [complete_row(), complete_row(external_reference="REG-2", countries="", focus_areas="")]
    checked = upload(csv_bytes(rows), mode="submitted")
    assert set(rows_by_number(checked)[3]["errors"]) == {"focus_areas", "countries"}
    commit(upload(csv_bytes(rows[:1]), mode="submitted"))
    pledge = Pledge.objects.get()
    assert pledge.state == Pledge.State.SUBMITTED and pledge.submitted_at is not None


def test_published_pledges_change_only_when_publishing_directly(
    upload: Callable[..., ImportBatch], commit: Callable[[ImportBatch], ImportBatch], kijiji: Entity
) -> None:
    published = rich_pledge(lead=kijiji, external_reference="REG-1", title="Published title")
    row = {"external_reference": "REG-1", "lead_entity": "Kijiji Telecom", "title": "Changed title"}
    refused = upload(csv_bytes([row]))
    assert "Publish directly" in rows_by_number(refused)[2]["errors"]["row"][0]
    batch = commit(upload(csv_bytes([row]), mode="published"))
    published.refresh_from_db()
    assert batch.status == Status.IMPORTED and published.title == "Changed title"
    assert published.state == Pledge.State.PUBLISHED


# --- Files that cannot be imported ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "The file is empty."),
        ("blank.csv", b"\n\n , \n", "The file has no rows"),
        ("header.csv", b"external_reference,lead_entity,title\n", "no pledges below them"),
        ("columns.csv", b"name,amount\nA,1\n", "these are missing: title, external_reference, lead_entity"),
        ("latin1.csv", "external_reference,lead_entity,title\nR1,Kijiji,Écoles\n".encode("latin-1"), "not in UTF-8"),
        ("report.pdf", b"%PDF-1.7 binary", "is not a CSV or XLSX file"),
        ("fake.xlsx", b"external_reference,title", "not a valid Excel workbook"),
        ("nul.csv", b"external_reference,title\x00\x00", "not a text file"),
        ("twice.csv", b"title,title,external_reference,lead_entity\n", "appears twice"),
    ],
)
def test_a_file_that_is_not_a_table_of_pledges_is_refused_clearly(
    upload: Callable[..., ImportBatch], secretariat: Client, name: str, content: bytes, message: str
) -> None:
    before = written()
    batch = upload(content, name=name) if content else None
    if batch is None:  # an empty upload is refused by the form itself
        response = secretariat.post("/secretariat/import/", {"file": SimpleUploadedFile(name, b""), "mode": "draft"})
        assert response.status_code == 400 and "The submitted file is empty." in response.content.decode()
        return
    assert batch.status == Status.INVALID and message in batch.message, batch.message
    assert written()[0] == before[0]
    page = secretariat.get(f"/secretariat/import/{batch.pk}/").content.decode()
    assert "This file cannot be imported." in page


def test_too_many_rows_are_refused(upload: Callable[..., ImportBatch], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "MAX_ROWS", 2)
    batch = upload(csv_bytes([complete_row(external_reference=f"R{i}") for i in range(3)]))
    assert batch.status == Status.INVALID and "more than 2 pledges" in batch.message


def test_a_file_with_semicolons_from_excel_is_read(upload: Callable[..., ImportBatch], kijiji: Entity) -> None:
    batch = upload(csv_bytes([complete_row()], delimiter=";"))
    assert batch.status == Status.CHECKED and batch.summary["create"] == 1


def test_a_check_still_running_refreshes_its_page(secretariat: Client, reviewer: User) -> None:
    batch = ImportBatch.objects.create(filename="x.csv", content=b"x", size=1, sha256="0" * 64, uploaded_by=reviewer)
    page = secretariat.get(f"/secretariat/import/{batch.pk}/").content.decode()
    assert 'http-equiv="refresh"' in page and "Checking every row" in page


# --- Round trips ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("fmt", "mode"), [("xlsx", "published"), ("csv", "draft")])
def test_a_download_imported_again_changes_nothing(
    upload: Callable[..., ImportBatch], client: Client, fmt: str, mode: str
) -> None:
    partner = EntityFactory(name="Acme Foundation", slug="acme")
    lead = EntityFactory(name="Société Ivoirienne des Télécoms", slug="sit")
    rich_pledge(lead=lead, title="=SUM(A1:A9) schools", partners=((partner, "implementer"),), external_reference="X-1")
    rich_pledge(title="-5% prices", countries=("CI", "SN"), summary="", amount=Decimal("250000.50"), currency="EUR",
                usd_estimate=Decimal("270000.54"), usd_source="ecb", usd_rate=Decimal("1.08"))  # fmt: skip
    from tests.opendata.helpers import regional_pledge

    regional_pledge(description="Line one\nline two, with “quotes” and a | bar")
    before = {p.pk: (p.version, p.updated_at) for p in Pledge.objects.all()}
    content = body(client.get(f"/pledges/download.{fmt}"))
    batch = upload(content, name=f"download.{fmt}", mode=mode)
    assert batch.summary == {"rows": 3, "create": 0, "update": 0, "unchanged": 3, "error": 0}, [
        (row["action"], row["errors"], row["changed"]) for row in batch.rows
    ]
    assert batch.status == Status.CHECKED
    assert {p.pk: (p.version, p.updated_at) for p in Pledge.objects.all()} == before


def test_upload_page_documents_the_columns_and_lists_recent_files(
    upload: Callable[..., ImportBatch], secretariat: Client, kijiji: Entity
) -> None:
    upload(csv_bytes([complete_row()]), name="first-registry.csv")
    page = secretariat.get("/secretariat/import/").content.decode()
    assert "<code>external_reference</code>" in page and "<code>targets</code>" in page
    assert "first-registry.csv" in page and "Ready to import" in page
