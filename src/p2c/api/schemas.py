"""The shapes of the API's requests and responses (pydantic, through django-ninja); OpenAPI is generated from them.

A pledge is the document of ``/pledges/<reference>.json`` (``p2c.pledges.documents``, docs/pledge-json.md):
the API returns exactly that dict, and ``PledgeDocument`` describes it key by key (a test checks that
the two agree). Amounts, rates and USD totals are strings holding exact decimals; dates are ISO 8601.
"""

from __future__ import annotations

from typing import Annotated, Literal

from django.utils.translation import gettext
from ninja import Field, Schema
from pydantic import AfterValidator


def _without_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError(gettext("Text may not contain NUL characters."))
    return value


# Text sent to the API: no NUL characters (no text column can hold them; PostgreSQL refuses them).
Text = Annotated[str, AfterValidator(_without_nul)]
DecimalText = Annotated[str, Field(description="An exact decimal number as a string, e.g. `5000000.00`.")]
Date = Annotated[str, Field(json_schema_extra={"format": "date"})]
DateTime = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
Errors = dict[str, list[str]]


# --- Errors --------------------------------------------------------------------------------------
class Detail(Schema):
    """A refusal that is not about a field: not found, not allowed, a conflict, too many requests."""

    detail: str


class Conflict(Schema):
    """The pledge changed since the version sent (``version`` is the current one), or its state forbids the action."""

    detail: str
    version: int | None = None


class ValidationErrors(Schema):
    """What is wrong, by field (``targets.0.unit`` for a field of the first target; ``non_field_errors`` otherwise)."""

    errors: Errors


# --- Pledges (the pledge document) ---------------------------------------------------------------
class Term(Schema):
    code: str
    name: str


class LeadEntity(Schema):
    name: str
    acronym: str
    slug: str
    type: Term
    home_country: str | None = Field(description="ISO 3166 alpha-2 code, or null.")
    url: str


class PartnerRef(Schema):
    name: str
    acronym: str
    slug: str
    role: Literal["co_pledger", "implementer", "funder"]
    url: str


class PillarTerm(Schema):
    code: str
    name: str
    focus_area: str


class SdgTerm(Schema):
    number: int
    short_title: str


class RegionRef(Schema):
    kind: Literal["m49_region", "m49_subregion", "m49_intermediate", "itu_region"]
    code: str
    name: str


class CountryRef(Schema):
    iso2: str
    iso3: str
    name: str


class Geography(Schema):
    scope: Literal["global", "regions", "countries"]
    regions: list[RegionRef]
    countries: list[CountryRef]


class Money(Schema):
    amount: DecimalText | None
    currency: str | None
    usd_estimate: DecimalText | None
    usd_rate: DecimalText | None
    usd_rate_date: Date | None
    usd_source: Literal["usd", "ecb", "pledger"] | None


class Dates(Schema):
    pledged_on: Date | None
    start_date: Date | None
    end_date: Date | None


class EventRef(Schema):
    name: str
    slug: str
    starts_on: Date | None
    ends_on: Date | None
    location: str


class TargetOut(Schema):
    indicator: str
    unit: str
    baseline: DecimalText | None
    target_value: DecimalText
    target_year: int


class PledgeDocument(Schema):
    """One pledge, as ``/pledges/<reference>.json`` gives it (docs/pledge-json.md)."""

    format: Literal["p2c-pledge/1"]
    reference: str
    url: str
    title: str
    summary: str
    description: str
    description_format: Literal["markdown"]
    language: str = Field(description="The language the pledger wrote the text in: ar, zh-hans, en, fr, ru or es.")
    state: str
    published_at: DateTime | None
    lead_entity: LeadEntity
    partners: list[PartnerRef]
    focus_areas: list[Term]
    pillars: list[PillarTerm]
    pledge_types: list[Term]
    sdgs: list[SdgTerm]
    target_groups: list[Term]
    geography: Geography
    money: Money
    dates: Dates
    additionality: Literal["new", "expanded", "existing"]
    seeking_partners: bool
    event: EventRef | None
    targets: list[TargetOut]
    delivery_status: Literal["not_started", "on_track", "delayed", "completed", "discontinued"] | None


class PledgeList(Schema):
    """A page of published pledges, with how many match in all and their estimated value."""

    count: int = Field(description="Published pledges matching the filters (all pages), each counted once.")
    total_usd: DecimalText = Field(description="Their estimated value in US dollars (pledges without one count zero).")
    valued: int = Field(description="How many of them state an estimated value.")
    filters: Errors = Field(description="The filter values that applied, cleaned (and the sort order).")
    errors: Errors = Field(description="Parameters or values that could not be used, by parameter; left out.")
    next: str | None = Field(description="The URL of the next page; null on the last one.")
    results: list[PledgeDocument]


# --- The pledger's own pledges -------------------------------------------------------------------
class MyPledge(PledgeDocument):
    """A pledge of the token's organisation, in any state, with what the write API needs."""

    version: int = Field(description="Send it back with the next change (optimistic locking).")
    revision_of: str | None = Field(description="The reference of the published pledge this revision changes.")
    created_at: DateTime
    updated_at: DateTime
    submitted_at: DateTime | None
    missing: Errors | None = Field(
        description="What must still be completed before it can be submitted, by field; empty when it cannot be "
        "edited; null in lists (read the pledge itself)."
    )


class MyPledgeList(Schema):
    """A page of the organisation's pledges, newest first."""

    next: str | None
    results: list[MyPledge]


class TargetIn(Schema):
    """A measurable target. Numbers may be JSON numbers or strings (``"1,500"`` is fine)."""

    indicator: Text = ""
    unit: Text = ""
    baseline: Text | float | None = None
    target_value: Text | float | None = None
    target_year: int | Text | None = None


class PartnerIn(Schema):
    """Another registered organisation taking part, by its slug (as in ``/api/v1/entities``)."""

    entity: Text
    role: Literal["co_pledger", "implementer", "funder"] = "co_pledger"


Amount = Text | float | None


class PledgeIn(Schema):
    """A pledge's content. Everything is optional in a draft; what is given must be valid.

    Taxonomy by code, countries by ISO alpha-2, regions by code, the event and partners by slug
    (see ``/api/v1/taxonomy``). Lists replace the whole list.
    """

    title: Text | None = Field(None, description="At most 250 characters.")
    summary: Text | None = Field(None, description="One or two sentences, at most 600 characters.")
    description: Text | None = Field(None, description="Markdown.")
    focus_areas: list[Text] | None = Field(None, description="Focus area codes (`access`, …).")
    pillars: list[Text] | None = Field(None, description="Pillar codes (`infrastructure`, …).")
    pledge_types: list[Text] | None = Field(None, description="`financial`, `programmatic`, `policy`, `advocacy`.")
    sdgs: list[int] | None = Field(None, description="Goal numbers, 1 to 17.")
    target_groups: list[Text] | None = Field(None, description="Target group codes (`youth`, …).")
    scope: Literal["global", "regions", "countries"] | None = Field(
        None, description="Only the list that matches it (`regions` or `countries`) is kept."
    )
    regions: list[Text] | None = Field(None, description="M49 codes (`002`) or ITU region slugs (`africa`).")
    countries: list[Text] | None = Field(None, description="ISO 3166 alpha-2 codes.")
    pledged_on: Date | None = Field(None, description="Today if not given; the USD rate is this day's.")
    start_date: Date | None = None
    end_date: Date | None = Field(None, description="Not before `start_date`.")
    amount: Amount = Field(None, description='In `currency`; `"2,000,000"` is fine. A financial pledge needs one.')
    currency: Text | None = Field(None, description="ISO 4217 code, e.g. EUR.")
    usd_estimate: Amount = Field(None, description="Only for currencies the ECB does not publish.")
    event: Text | None = Field(None, description="Slug of the event it was announced at.")
    additionality: Literal["new", "expanded", "existing"] | None = Field(
        None, description="New commitment, expansion of an existing programme, or existing programme."
    )
    seeking_partners: bool | None = None
    targets: list[TargetIn] | None = Field(None, description="Measurable targets; replaces the whole list.")
    partners: list[PartnerIn] | None = Field(None, description="Other organisations; replaces the whole list.")


class PledgeUpdateIn(PledgeIn):
    """Changes to a draft: only the fields sent change. ``version`` is the one you last read."""

    version: int = Field(description="The pledge's version you last read.")


class SubmitIn(Schema):
    """Submit a draft for review: ``version`` is the one you last read."""

    version: int = Field(description="The pledge's version you last read.")


# --- Entities ------------------------------------------------------------------------------------
class EntityOut(Schema):
    """An organisation taking part in at least one published pledge (lead or partner)."""

    name: str
    acronym: str
    slug: str
    type: Term
    home_country: str | None
    website: str
    description: str
    verified: bool
    url: str
    pledges: int = Field(description="Published pledges it leads or takes part in, each counted once.")
    usd: DecimalText


class EntityDetail(EntityOut):
    led: int
    led_usd: DecimalText
    partner: int
    partner_usd: DecimalText


class EntityList(Schema):
    errors: Errors
    next: str | None
    results: list[EntityOut]


# --- Countries -----------------------------------------------------------------------------------
class RegionTerm(Schema):
    code: str
    name: str


class Groupings(Schema):
    ldc: bool
    lldc: bool
    sids: bool
    sids_status: Literal["", "member", "associate"]


class CountryOut(Schema):
    """A country with its regions, UN groupings, income group and the published pledges naming it."""

    iso2: str
    iso3: str
    numeric: str
    name: str
    m49_region: RegionTerm | None
    m49_subregion: RegionTerm | None
    m49_intermediate_region: RegionTerm | None
    itu_region: RegionTerm | None
    income_group: Literal["L", "LM", "UM", "H"] | None
    groupings: Groupings
    pledges: int = Field(description="Published pledges naming the country as a beneficiary.")
    url: str


class Totals(Schema):
    pledges: int
    usd: DecimalText


class CountryDetail(CountryOut):
    named: Totals = Field(description="Published pledges naming the country.")
    through_regions: Totals = Field(description="Published regional pledges naming a region it belongs to (not it).")
    worldwide: Totals = Field(description="Published global pledges.")


class CountryList(Schema):
    errors: Errors
    next: str | None
    results: list[CountryOut]


# --- Taxonomy ------------------------------------------------------------------------------------
class PillarOut(Schema):
    code: str
    name: str
    description: str


class FocusAreaOut(Schema):
    code: str
    name: str
    tagline: str
    colour: str
    pillars: list[PillarOut]


class DescribedTerm(Schema):
    code: str
    name: str
    description: str


class SdgOut(Schema):
    number: int
    short_title: str
    colour: str


class RegionOut(Schema):
    kind: Literal["m49_region", "m49_subregion", "m49_intermediate", "itu_region"]
    code: str
    name: str


class ReferenceListOut(Schema):
    code: str
    name: str
    as_of: Date
    source: str
    url: str
    licence: str
    members: int


class EventOut(Schema):
    slug: str
    name: str
    starts_on: Date | None
    ends_on: Date | None
    location: str


class Taxonomy(Schema):
    """Every code the filters and the write API take, with its English name."""

    focus_areas: list[FocusAreaOut]
    pledge_types: list[DescribedTerm]
    sdgs: list[SdgOut]
    target_groups: list[Term]
    entity_types: list[Term]
    regions: list[RegionOut]
    income_groups: list[Term]
    groupings: list[Term]
    reference_lists: list[ReferenceListOut]
    events: list[EventOut]
    scopes: list[Term]
    additionality: list[Term]
    partner_roles: list[Term]
    delivery_statuses: list[Term]


# --- Dashboard -----------------------------------------------------------------------------------
class PartOut(Schema):
    pledges: int
    usd: DecimalText
    valued: int


class CategoryOut(Schema):
    code: str
    name: str
    pledges: int = Field(description="Pledges naming the category (they overlap where a pledge names several).")
    usd: DecimalText = Field(
        description="Estimated value attributed to it: split equally between the categories named."
    )


class BreakdownOut(Schema):
    param: str = Field(description="The filter parameter its codes are values of.")
    categories: list[CategoryOut]
    unattributed: PartOut = Field(description="Pledges naming no category of this dimension.")


class DayOut(Schema):
    day: Date
    pledges: int
    usd: DecimalText


class Dashboard(Schema):
    """The dashboard's figures for the same filters as ``/api/v1/pledges`` (docs/methodology.md)."""

    pledges: int
    usd: DecimalText
    valued: int
    entities: int = Field(description="Pledging entities: lead entities and co-pledgers, each once.")
    governments: int
    countries: int = Field(description="Distinct beneficiary countries named.")
    groupings: dict[str, PartOut] = Field(description="Pledges naming at least one LDC, LLDC, SIDS.")
    breakdowns: dict[str, BreakdownOut]
    days: list[DayOut] = Field(description="Pledges published each day (UTC) and their estimated value.")
    filters: Errors
    errors: Errors


# --- Progress reports ----------------------------------------------------------------------------
class ReportTarget(Schema):
    indicator: str
    unit: str
    baseline: DecimalText | None
    target_value: DecimalText | None
    target_year: int
    actual_value: DecimalText | None


class ReportOut(Schema):
    """An accepted progress report of a published pledge."""

    id: int
    pledge: str
    pledge_url: str
    cycle: int
    period_start: Date
    period_end: Date
    delivery_status: str
    percent_complete: int | None
    usd_disbursed: DecimalText | None
    usd_pledged: DecimalText | None
    narrative: str
    evidence_links: list[str]
    accepted_at: DateTime | None
    is_latest: bool
    targets: list[ReportTarget]


class ReportList(Schema):
    errors: Errors
    next: str | None
    results: list[ReportOut]
