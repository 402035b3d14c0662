"""The pledge form: saving drafts, every validation message next to its field, submitting, conflicts, shortcuts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from p2c.core.models import AuditEvent
from p2c.geo.models import Country
from p2c.pledges.models import Pledge, PledgePartner
from tests.workspace.helpers import (
    World,
    complete_form,
    complete_pledge,
    form_data,
    message_next_to,
    page,
    rows,
    ticked,
    value_of,
    world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> World:
    return world()


@pytest.fixture
def amina(client: Client, w: World) -> Client:
    client.force_login(w.amina)
    return client


def draft(w: World, **fields: Any) -> Pledge:
    return complete_pledge(w.kijiji, **fields)


def edit_url(pledge: Pledge) -> str:
    return f"/my/pledges/{pledge.reference}/edit/"


# --- Saving drafts -----------------------------------------------------------------------------


def test_a_draft_saves_with_every_field_empty(amina: Client, w: World) -> None:
    response = amina.post("/my/pledges/new/", form_data())

    pledge = Pledge.objects.get()
    assert response.status_code == 302
    assert response["Location"] == edit_url(pledge)
    assert (pledge.state, pledge.lead_entity, pledge.title, pledge.created_by) == ("draft", w.kijiji, "", w.amina)
    follow = amina.get(response["Location"])
    assert "Draft saved." in follow.content.decode()


def test_the_form_is_filled_from_the_saved_draft_and_saves_every_field(amina: Client, w: World) -> None:
    amina.post(
        "/my/pledges/new/",
        complete_form(
            sdgs=["4", "9"],
            **{
                "targets-0-indicator": "Schools connected",
                "targets-0-unit": "schools",
                "targets-0-baseline": "0",
                "targets-0-target_value": "200",
                "targets-0-target_year": "2027",
                "partners-0-organisation": "savannah broadband",
                "partners-0-role": "implementer",
            },
        ),
    )
    pledge = Pledge.objects.get()
    assert pledge.usd_source == "ecb" and pledge.usd_estimate and pledge.usd_estimate > Decimal("2000000")
    assert [str(t) for t in pledge.targets.all()] == ["Schools connected: 200.00 schools by 2027"]
    assert [(p.entity, p.role) for p in pledge.partnerships.all()] == [(w.savannah, "implementer")]

    html = page(amina.get(edit_url(pledge)))
    assert value_of(html, "title") == "Connect 200 rural schools in Kenya"
    assert value_of(html, "amount") == "2,000,000"
    assert ticked(html, "countries") == {"KE"}
    assert ticked(html, "sdgs") == {"4", "9"}
    assert value_of(html, "targets-0-indicator") == "Schools connected"
    assert value_of(html, "partners-0-organisation") == "Savannah Broadband"
    assert value_of(html, "partners-0-role") == "implementer"
    assert value_of(html, "targets-1-indicator") == value_of(html, "targets-2-indicator") == ""  # two blank rows
    assert "≈" in html.by_id("money").text()  # the computed USD estimate is shown after saving


def test_the_lead_entity_is_chosen_when_the_person_belongs_to_several(amina: Client, w: World) -> None:
    from tests.factories import MembershipFactory

    MembershipFactory(user=w.amina, entity=w.savannah)
    html = page(amina.get("/my/pledges/new/"))
    options = {o.attrs.get("value") for o in html.by_id("id_lead_entity").find("option")}
    assert options == {"", "kijiji-telecom", "savannah-broadband"}

    response = amina.post("/my/pledges/new/", form_data(title="No entity chosen"))
    assert message_next_to(page(response), "id_lead_entity") == "Choose the organisation that makes the pledge."
    assert not Pledge.objects.exists()

    amina.post("/my/pledges/new/", form_data(lead_entity="savannah-broadband"))
    assert Pledge.objects.get().lead_entity == w.savannah


def test_with_one_entity_the_lead_entity_is_shown_as_fixed_text(amina: Client) -> None:
    html = page(amina.get("/my/pledges/new/"))
    assert not html.find(id="id_lead_entity")
    assert "On behalf of Kijiji Telecom" in html.by_id("about").text()


def test_someone_without_an_entity_is_told_to_register_or_join_one(client: Client, w: World) -> None:
    client.force_login(w.olga)
    response = client.get("/my/pledges/new/")
    html = page(response)
    assert not html.find("form", method="post") or all(
        "logout" in (f.attrs.get("action") or "") for f in html.find("form")
    )
    assert "A pledge is made on behalf of an organisation" in html.text()
    assert html.find("a", href="/my/entities/new/") and html.find("a", href="/my/entities/join/")
    assert client.post("/my/pledges/new/", form_data(title="x")).status_code == 200
    assert not Pledge.objects.exists()


# --- Every invalid value: a message next to its field, and what was typed kept ---------------

INVALID = [
    (
        "end before start",
        {"start_date": "2027-01-01", "end_date": "2026-01-01"},
        "id_end_date",
        "The end date is before the start date",
        {"start_date": "2027-01-01", "end_date": "2026-01-01"},
    ),
    (
        "unknown currency without an amount",
        {"currency": "XYZ"},
        "id_currency",
        "“XYZ” is not a currency code we know",
        {"currency": "XYZ"},
    ),
    (
        "amount not a number",
        {"amount": "two million", "currency": "USD"},
        "id_amount",
        "Enter a number",
        {"amount": "two million"},
    ),
    ("negative amount", {"amount": "-5", "currency": "USD"}, "id_amount", "cannot be negative", {"amount": "-5"}),
    (
        "amount above a trillion dollars (the foundation's rule)",
        {"amount": "2,000,000,000,000", "currency": "USD"},
        "id_amount",
        "more than USD 1 trillion",
        {"amount": "2,000,000,000,000"},
    ),
    (
        "amount without a currency",
        {"amount": "1000"},
        "id_currency",
        "Choose the currency of the amount.",
        {"amount": "1000"},
    ),
    (
        "a currency the ECB does not publish, without the pledger's estimate",
        {"amount": "5,000,000", "currency": "KES"},
        "id_usd_estimate",
        "publishes no reference rate for KES",
        {"amount": "5,000,000", "currency": "KES"},
    ),
    ("title of 300 characters", {"title": "T" * 300}, "id_title", "The title has 300 characters", {"title": "T" * 300}),
    (
        "summary of 700 characters",
        {"summary": "S" * 700},
        "id_summary",
        "The summary has 700 characters",
        {"summary": "S" * 700},
    ),
    (
        "impossible date",
        {"start_date": "2026-02-31"},
        "id_start_date",
        "Enter a valid date",
        {"start_date": "2026-02-31"},
    ),
]


@pytest.mark.parametrize(("case", "values", "field_id", "message", "kept"), INVALID, ids=[c[0] for c in INVALID])
def test_an_invalid_value_is_reported_next_to_its_field_and_kept(
    amina: Client, w: World, case: str, values: dict[str, str], field_id: str, message: str, kept: dict[str, str]
) -> None:
    pledge = draft(w, title="Before")
    response = amina.post(
        edit_url(pledge), form_data(version=str(pledge.version), description="Typed text stays.", **values)
    )

    assert response.status_code == 200
    html = page(response)
    assert message in message_next_to(html, field_id)
    assert message in html.by_id("error-summary").text()
    assert html.by_id("error-summary").find("a", href=f"#{field_id}")
    for name, value in kept.items():
        assert value_of(html, name) == value
    assert value_of(html, "description") == "Typed text stays."
    pledge.refresh_from_db()
    assert (pledge.title, pledge.version) == ("Before", 1)  # nothing saved


def test_the_title_input_has_no_maxlength_so_nothing_is_cut(amina: Client) -> None:
    html = page(amina.get("/my/pledges/new/"))
    assert "maxlength" not in html.by_id("id_title").attrs
    assert "maxlength" not in html.by_id("id_summary").attrs


def test_a_country_code_that_does_not_exist_is_named(amina: Client, w: World) -> None:
    pledge = draft(w)
    response = amina.post(edit_url(pledge), form_data(version="1", scope="countries", countries=["KE", "QQ"]))
    html = page(response)
    assert "“QQ” is not a country code we know" in message_next_to(html, "id_countries")
    assert ticked(html, "countries") == {"KE"}  # the real one stays ticked
    assert list(pledge.countries.values_list("iso2", flat=True)) == ["KE"]


def test_the_pledgers_usd_estimate_is_used_for_a_currency_the_ecb_does_not_publish(amina: Client, w: World) -> None:
    pledge = draft(w, amount=None, usd_estimate=None, currency="")
    amina.post(edit_url(pledge), form_data(version="1", amount="5,000,000", currency="kes", usd_estimate="38,000"))
    pledge.refresh_from_db()
    assert (pledge.amount, pledge.currency, pledge.usd_estimate, pledge.usd_source) == (
        Decimal("5000000"),
        "KES",
        Decimal("38000"),
        "pledger",
    )


def test_a_target_year_after_2030_is_a_warning_and_the_draft_still_saves(amina: Client, w: World) -> None:
    pledge = draft(w)
    target = {
        "targets-0-indicator": "People trained",
        "targets-0-unit": "people",
        "targets-0-target_value": "5000",
        "targets-0-target_year": "2035",
    }
    response = amina.post(edit_url(pledge), form_data(version="1", **target))

    assert response.status_code == 302
    assert pledge.targets.get().target_year == 2035
    html = page(amina.get(edit_url(pledge)))
    year = html.by_id("id_targets-0-target_year")
    warning = html.by_id("id_targets-0-target_year_warning")
    assert warning.text() == "The coalition's horizon is 2030 — check this year."
    assert warning in year.box().all()
    assert "id_targets-0-target_year_warning" in (year.attrs.get("aria-describedby") or "")
    assert "aria-invalid" not in year.attrs


TARGET_ERRORS = [
    ({"targets-1-unit": "schools"}, "id_targets-1-indicator", "Fill this in, or leave the whole row empty."),
    (
        {
            "targets-1-indicator": "Schools",
            "targets-1-unit": "schools",
            "targets-1-target_value": "many",
            "targets-1-target_year": "2028",
        },
        "id_targets-1-target_value",
        "Enter a number",
    ),
    (
        {
            "targets-1-indicator": "Schools",
            "targets-1-unit": "schools",
            "targets-1-target_value": "10",
            "targets-1-target_year": "1999",
        },
        "id_targets-1-target_year",
        "Enter a year between 2021 and 2100",
    ),
    (
        {
            "targets-1-indicator": "Schools",
            "targets-1-unit": "schools",
            "targets-1-baseline": "10",
            "targets-1-target_value": "10",
            "targets-1-target_year": "2028",
        },
        "id_targets-1-target_value",
        "The target value equals the baseline",
    ),
]


@pytest.mark.parametrize(("values", "field_id", "message"), TARGET_ERRORS)
def test_a_targets_errors_sit_in_its_row(
    amina: Client, w: World, values: dict[str, str], field_id: str, message: str
) -> None:
    pledge = draft(w)
    response = amina.post(edit_url(pledge), form_data(version="1", **values))
    html = page(response)
    assert message in message_next_to(html, field_id)
    assert html.by_id(field_id).box().parent.tag in ("div",)  # inside the row's fields
    for name, value in values.items():
        assert value_of(html, name) == value
    assert not pledge.targets.exists()


def test_a_blank_target_or_partner_row_is_ignored(amina: Client, w: World) -> None:
    pledge = draft(w)
    amina.post(edit_url(pledge), form_data(version="1", **{"partners-1-role": "funder"}))
    pledge.refresh_from_db()
    assert pledge.version == 2
    assert not pledge.targets.exists() and not pledge.partnerships.exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Nowhere Networks", "No registered organisation is called “Nowhere Networks”."),
        ("Kijiji Telecom", "Kijiji Telecom leads this pledge, so it cannot also be a partner."),
        ("KTEL", "Kijiji Telecom leads this pledge, so it cannot also be a partner."),
    ],
)
def test_a_partner_that_is_unknown_or_the_lead_entity_is_refused_in_its_row(
    amina: Client, w: World, typed: str, message: str
) -> None:
    pledge = draft(w)
    response = amina.post(
        edit_url(pledge), form_data(version="1", **{"partners-0-organisation": typed, "partners-0-role": "funder"})
    )
    html = page(response)
    assert message in message_next_to(html, "id_partners-0-organisation")
    assert value_of(html, "partners-0-organisation") == typed
    assert value_of(html, "partners-0-role") == "funder"
    assert not pledge.partnerships.exists()


def test_partners_are_found_by_acronym_or_slug_and_listed_once(amina: Client, w: World) -> None:
    pledge = draft(w)
    response = amina.post(
        edit_url(pledge),
        form_data(
            version="1",
            **rows("partners", 2),
            **{"partners-0-organisation": "SAVB", "partners-0-role": "funder"},
            **{"partners-1-organisation": "savannah-broadband", "partners-1-role": "co_pledger"},
        ),
    )
    assert "Savannah Broadband is already listed above." in message_next_to(
        page(response), "id_partners-1-organisation"
    )
    amina.post(
        edit_url(pledge), form_data(version="1", **{"partners-0-organisation": "SAVB", "partners-0-role": "funder"})
    )
    assert list(PledgePartner.objects.values_list("entity__name", "role")) == [("Savannah Broadband", "funder")]


# --- Markdown: nothing dangerous reaches the page ------------------------------------------------


def test_a_description_cannot_inject_script_handlers_or_javascript_links(amina: Client, w: World) -> None:
    description = (
        "**Bold** text.\n\n<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "[click me](javascript:alert(1)) and [site](https://example.org)"
    )
    pledge = draft(w, description=description)
    response = amina.get(f"/my/pledges/{pledge.reference}/")
    html = response.content.decode()
    rendered = page(response).find("div", class_="prose ws-description")[0]
    assert rendered.find("strong")[0].text() == "Bold"
    assert "<script>alert" not in html
    assert not [n for n in rendered.all() if any(k.startswith("on") for k in n.attrs)]
    assert [a.attrs.get("href") for a in rendered.find("a")] == ["https://example.org"]
    assert "javascript:" not in "".join(str(a.attrs) for a in page(response).find("a"))


# --- Submitting ------------------------------------------------------------------------------


def test_submitting_an_incomplete_pledge_keeps_the_draft_and_lists_what_is_missing(amina: Client, w: World) -> None:
    response = amina.post("/my/pledges/new/", form_data(title="Only a title", action="submit"))

    pledge = Pledge.objects.get()
    assert (pledge.state, pledge.title) == ("draft", "Only a title")
    html = page(response)
    summary = html.by_id("error-summary")
    assert summary.text().startswith("Saved as a draft. Complete these before submitting:")
    assert "This is required before you submit the pledge." in message_next_to(html, "id_summary")
    assert "Choose at least one focus area." in message_next_to(html, "id_focus_areas")
    assert "Choose the countries that benefit" in message_next_to(html, "id_countries")
    assert value_of(html, "title") == "Only a title"
    # The page now edits the saved draft, at its saved version: saving again does not create another.
    form = [f for f in html.find("form") if f.attrs.get("method") == "post" and "ws-form" in f.classes()][0]
    assert form.attrs["action"] == edit_url(pledge)
    assert value_of(html, "version") == str(pledge.version)


def test_submitting_a_complete_pledge_sends_it_for_review_and_queues_an_email(
    amina: Client, w: World, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        response = amina.post("/my/pledges/new/", complete_form(action="submit"))

    pledge = Pledge.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/my/pledges/{pledge.reference}/"
    assert pledge.state == "submitted" and pledge.submitted_at is not None
    (job,) = DBTaskResult.objects.filter(queue_name="email")
    assert job.args_kwargs["kwargs"]["to"] == ["rui@secretariat.example"]
    assert pledge.reference in job.args_kwargs["kwargs"]["subject"]
    assert "Submitted for review" in amina.get(response["Location"]).content.decode()


def test_a_pledge_sent_back_shows_the_reviewers_comment_and_can_be_resubmitted(amina: Client, w: World) -> None:
    from p2c.pledges.transitions import pledge_request_changes, pledge_submit

    pledge = draft(w)
    pledge_submit(pledge=pledge, acting_user=w.amina, expected_version=1)
    pledge_request_changes(pledge=pledge, acting_user=w.rui, expected_version=2, comment="Name the 200 schools.")

    html = page(amina.get(edit_url(pledge)))
    assert "Name the 200 schools." in html.text()
    response = amina.post(edit_url(pledge), complete_form(version="3", action="submit", summary="The 200 schools: …"))
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert (pledge.state, pledge.summary) == ("submitted", "The 200 schools: …")


# --- Two people at once ---------------------------------------------------------------------


def test_a_stale_version_is_refused_and_nothing_is_overwritten(amina: Client, w: World) -> None:
    from p2c.pledges.services import pledge_update

    pledge = draft(w, title="Original")
    pledge_update(pledge=pledge, acting_user=w.mo, expected_version=1, title="Mo's title")

    response = amina.post(edit_url(pledge), form_data(version="1", title="Amina's title", summary="Amina's summary"))

    assert response.status_code == 409
    html = page(response)
    assert "Someone else saved this pledge while you were editing it" in html.by_id("error-summary").text()
    assert html.by_id("error-summary").find("a", href=edit_url(pledge))
    assert value_of(html, "title") == "Amina's title"
    assert value_of(html, "summary") == "Amina's summary"
    assert value_of(html, "version") == "2"  # saving again, knowingly, replaces Mo's version
    pledge.refresh_from_db()
    assert (pledge.title, pledge.version) == ("Mo's title", 2)
    assert not AuditEvent.objects.filter(object_id=str(pledge.pk), actor=w.amina).exists()


# --- The country shortcut ------------------------------------------------------------------------


def test_the_shortcut_ticks_the_ldcs_in_africa_without_saving(amina: Client, w: World) -> None:
    africa_ldcs = set(Country.objects.filter(is_ldc=True, m49_region__code="002").values_list("iso2", flat=True))
    assert len(africa_ldcs) > 20
    pledge = draft(w, countries=[Country.objects.get(iso2="IN")])
    response = amina.post(
        edit_url(pledge),
        form_data(
            version="1",
            title="Typed, not saved",
            scope="global",
            countries=["IN"],
            shortcut_grouping="ldc",
            shortcut_region="002",
            action="add_countries",
        ),
    )

    assert response.status_code == 200
    html = page(response)
    assert ticked(html, "countries") == africa_ldcs | {"IN"}
    assert ticked(html, "scope") == {"countries"}
    note = html.by_id("countries-note").text()
    assert note.startswith(f"Added {len(africa_ldcs)} countries (Least developed countries (LDCs) — Africa): ")
    assert value_of(html, "title") == "Typed, not saved"
    pledge.refresh_from_db()
    assert (pledge.title, pledge.version) == ("Connect 200 rural schools in Kenya", 1)
    assert list(pledge.countries.values_list("iso2", flat=True)) == ["IN"]


def test_only_the_list_matching_the_scope_is_saved(amina: Client, w: World) -> None:
    pledge = draft(w)
    region = pledge.regions.model.objects.get(kind="itu_region", code="africa")
    amina.post(edit_url(pledge), form_data(version="1", scope="regions", regions=[str(region.pk)], countries=["KE"]))
    pledge.refresh_from_db()
    assert pledge.scope == "regions"
    assert list(pledge.regions.all()) == [region] and not pledge.countries.exists()
