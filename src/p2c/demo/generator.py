"""The demo data generator: fictitious entities and pledges as plain rows, without touching the database.

``DemoGenerator`` only needs the ids of the reference data (``Lookups``) and a seed; it yields one
``PledgeSpec`` at a time, in creation order, so that the writer (``p2c.demo.writer``) can stream
any number of pledges in chunks. The same seed and lookups always give the same rows.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from p2c.core.money import ecb_rate, usd_conversion
from p2c.demo import vocabulary as v
from p2c.demo.content import join_words, pledge_description, pledge_targets
from p2c.demo.distributions import (
    GrowthCurve,
    Weighted,
    exponential_delay,
    lognormal_amount,
    round_amount,
    zipf_weights,
)
from p2c.demo.names import EntityNamer, acronym_for, slug_for, website_for
from p2c.pledges.search import entity_names_compose

ANCHOR_MOMENT = dt.datetime(v.ANCHOR.year, v.ANCHOR.month, v.ANCHOR.day, tzinfo=dt.UTC)
LATEST_END = dt.date(2030, 12, 31)


@dataclass(frozen=True, slots=True)
class CountryInfo:
    """What the generator needs to know about a country."""

    iso2: str
    name: str
    income_group: str
    is_ldc: bool
    is_lldc: bool
    is_sids: bool


@dataclass(frozen=True, slots=True)
class EventInfo:
    """An event pledges can be announced at."""

    id: int
    starts_on: dt.date
    ends_on: dt.date | None
    is_campaign: bool


@dataclass(slots=True)
class Lookups:
    """Ids of the reference data and taxonomy, read once before generating."""

    focus_areas: dict[str, int]
    pillars: dict[str, list[int]]  # focus area code → pillar ids
    pledge_types: dict[str, int]
    sdgs: list[int]
    target_groups: dict[str, tuple[int, str]]  # code → (id, name)
    entity_types: dict[str, int]
    countries: list[CountryInfo]
    regions: list[tuple[int, str]]  # (id, name) of the regions a pledge may target
    events: list[EventInfo] = field(default_factory=list)


@dataclass(slots=True)
class EntitySpec:
    """One fictitious organisation, ready to become an ``Entity``."""

    name: str
    acronym: str
    slug: str
    sector: str
    home_country: str | None
    website: str
    description: str
    verified: bool
    currency: str


@dataclass(slots=True)
class PledgeSpec:
    """One pledge row with its relations; ``fields`` are ``Pledge`` field values (without reference)."""

    lead: int  # index into the generator's entities
    created_at: dt.datetime
    fields: dict[str, object]
    focus_areas: list[int]
    pillars: list[int]
    pledge_types: list[int]
    sdgs: list[int]
    target_groups: list[int]
    countries: list[str]
    regions: list[int]
    partners: list[tuple[int, str]]  # (entity index, role)
    targets: list[dict[str, object]]


def entity_count_for(pledges: int) -> int:
    """How many entities go with ``pledges`` pledges (about one per 2.2 pledges, at most 50,000)."""
    return max(1, min(v.MAX_ENTITIES, round(pledges / v.PLEDGES_PER_ENTITY)))


class DemoGenerator:
    """Generates fictitious entities, then pledges led by them, deterministically from ``seed``."""

    def __init__(self, seed: int, lookups: Lookups) -> None:
        if not lookups.countries:
            raise ValueError("No countries: load the reference data first.")
        self.seed = seed
        self.lookups = lookups
        self.entities: list[EntitySpec] = []
        country_names = {c.iso2: c.name for c in lookups.countries}
        self._country_names = country_names
        self._beneficiaries = Weighted(
            [
                (
                    c.iso2,
                    v.BENEFICIARY_INCOME_WEIGHTS.get(c.income_group, 0.05)
                    * (v.LDC_FACTOR if c.is_ldc else 1.0)
                    * (v.LLDC_FACTOR if c.is_lldc else 1.0)
                    * (v.SIDS_FACTOR if c.is_sids else 1.0),
                )
                for c in lookups.countries
            ]
        )
        self._events = sorted(lookups.events, key=lambda e: e.starts_on)
        self._rate_cache: dict[tuple[str, dt.date], Decimal | None] = {}

    # --- Entities ------------------------------------------------------------------------------
    def entity_specs(self, count: int, taken_names: set[str] | None = None) -> list[EntitySpec]:
        """``count`` entities; the first is always Kijiji Telecom. ``taken_names`` are avoided."""
        rng = random.Random(f"{self.seed}:entities")  # noqa: S311 - demo data, not security
        namer = EntityNamer(rng, taken_names)
        known = {c.iso2 for c in self.lookups.countries}
        sectors = Weighted({s: w for s, w in v.ENTITY_SECTOR_WEIGHTS.items() if s in self.lookups.entity_types})
        homes = {
            sector: Weighted(
                [
                    (
                        c.iso2,
                        weights.get(c.income_group, 0.05)
                        * (1.0 if sector == "government" else v.HQ_BOOST.get(c.iso2, 1.0)),
                    )
                    for c in self.lookups.countries
                ],
            )
            for sector, weights in v.HOME_INCOME_WEIGHTS.items()
        }
        first = v.FIRST_ENTITY
        namer.claim(first["name"])
        first_slug = slug_for(first["name"])
        specs = [
            EntitySpec(
                name=first["name"],
                acronym=first["acronym"],
                slug=first_slug,
                sector=first["type"],
                home_country=first["country"] if first["country"] in known else None,
                website=website_for(first_slug),
                description=first["description"],
                verified=True,
                currency=v.COUNTRY_CURRENCY.get(first["country"], "USD"),
            )
        ]
        for _index in range(count - 1):
            sector = sectors.pick(rng)
            name = namer.name(sector)
            home = homes[sector].pick(rng)
            slug = slug_for(name)
            specs.append(
                EntitySpec(
                    name=name,
                    acronym=acronym_for(name) if rng.random() < 0.6 else "",
                    slug=slug,
                    sector=sector,
                    home_country=home,
                    website=website_for(slug),
                    description=v.SECTOR_DESCRIPTIONS[sector],
                    verified=rng.random() < 0.85,
                    currency=v.COUNTRY_CURRENCY.get(home, "USD"),
                )
            )
        self.entities = specs
        return specs

    # --- Pledges -------------------------------------------------------------------------------
    def pledge_specs(self, count: int) -> Iterator[PledgeSpec]:
        """``count`` pledges in creation order; ``partners`` and leads refer to ``entity_specs`` indexes."""
        if not self.entities:
            raise ValueError("Generate the entities first.")
        rng = random.Random(f"{self.seed}:pledges")  # noqa: S311 - demo data, not security
        curve = GrowthCurve(v.GROWTH_CURVE)
        by_sector: dict[str, list[int]] = {}
        for index, spec in enumerate(self.entities):
            by_sector.setdefault(spec.sector, []).append(index)
        leads = {
            sector: Weighted(list(zip(indexes, zipf_weights(len(indexes)), strict=True)))
            for sector, indexes in by_sector.items()
        }
        everyone = Weighted(list(zip(range(len(self.entities)), zipf_weights(len(self.entities)), strict=True)))
        lead_sectors = Weighted({s: w for s, w in v.PLEDGE_SECTOR_WEIGHTS.items() if s in by_sector})
        forced = _forced_demo_pledges(count)
        for i in range(count):
            created = curve.moment((i + rng.random()) / count)
            forced_state = forced.get(i)
            lead = 0 if forced_state is not None else leads[lead_sectors.pick(rng)].pick(rng)
            yield self._pledge(rng, created, lead, forced_state, everyone)

    def _pledge(
        self, rng: random.Random, created: dt.datetime, lead: int, forced_state: str | None, everyone: Weighted[int]
    ) -> PledgeSpec:
        lk = self.lookups
        entity = self.entities[lead]
        areas, pillars, types, sdgs, groups = self._tags(rng, entity.sector)
        scope, countries, regions = self._geography(rng, entity)
        event, pledged_on = self._event_and_date(rng, created)
        start_date: dt.date | None = None
        end_date: dt.date | None = None
        if rng.random() >= 0.08:
            start_date = pledged_on + dt.timedelta(days=rng.randint(-90, 180))
            end_date = start_date + dt.timedelta(days=365 * rng.choice((1, 2, 2, 3, 3, 4, 5, 8)) - 1)
            if start_date < LATEST_END < end_date and rng.random() < 0.7:
                end_date = LATEST_END

        money = self._money(rng, entity, "financial" in types, pledged_on)
        state, version, submitted_at, published_at = _review(rng, created, forced_state)
        delivery = ""
        reported = published_at is not None and (ANCHOR_MOMENT - published_at).days > 180
        if state == "published" and reported and rng.random() < 0.6:
            delivery = _DELIVERY.pick(rng)
            if delivery == "on_track" and end_date is not None and end_date < v.ANCHOR and rng.random() < 0.5:
                delivery = "completed"

        partners = self._partners(rng, lead, everyone)
        targets = pledge_targets(rng, areas, created.year)
        place = self._place(rng, scope, countries, regions)
        template, action = rng.choice(v.STORIES[areas[0]])
        title = template.format(
            place=place, sites=f"{rng.choice(v.TITLE_SITES):,}", people=f"{rng.choice(v.TITLE_PEOPLE):,}"
        )[:250]
        summary = f"{entity.name} commits to {action} in {place}"
        summary += f" by {end_date.year}." if end_date else "."
        if groups:
            names = [lk.target_groups[g][1].lower() for g in groups if g != "others"][:3]
            if names:
                summary += f" It focuses on {join_words(names)}."
        seeking = rng.random() < v.SEEKING_PARTNERS_SHARE
        description = pledge_description(rng, entity.name, action, place, areas, len(targets), seeking)

        fields: dict[str, object] = {
            "title": title,
            "summary": summary[:600],
            "description": description,
            # What the full-text search reads for entity names (p2c.pledges.search), as the ORM would store it.
            "entity_names": entity_names_compose(
                [(self.entities[i].name, self.entities[i].acronym) for i in (lead, *(p for p, _role in partners))]
            ),
            "scope": scope,
            "pledged_on": pledged_on,
            "start_date": start_date,
            "end_date": end_date,
            **money,
            "additionality": _ADDITIONALITY.pick(rng),
            "seeking_partners": seeking,
            "event_id": event,
            "state": state,
            "delivery_status": delivery,
            "submitted_at": submitted_at,
            "published_at": published_at,
            "version": version,
            "created_at": created,
        }
        return PledgeSpec(
            lead=lead,
            created_at=created,
            fields=fields,
            focus_areas=[lk.focus_areas[a] for a in areas],
            pillars=pillars,
            pledge_types=[lk.pledge_types[t] for t in types],
            sdgs=sdgs,
            target_groups=[lk.target_groups[g][0] for g in groups],
            countries=countries,
            regions=regions,
            partners=partners,
            targets=targets,
        )

    def _tags(self, rng: random.Random, sector: str) -> tuple[list[str], list[int], list[str], list[int], list[str]]:
        """Focus areas (1–3), pillars within them, pledge types, SDGs and target groups."""
        lk = self.lookups
        areas = _FOCUS.sample(rng, _FOCUS_COUNT.pick(rng))
        areas = [a for a in areas if a in lk.focus_areas] or list(lk.focus_areas)[:1]
        pillars: list[int] = []
        for area in areas:
            options = lk.pillars.get(area, [])
            if options:
                pillars.extend(rng.sample(options, min(len(options), 2 if rng.random() < 0.3 else 1)))
        types = [_TYPES.get(sector, _TYPES["other"]).pick(rng)]
        if rng.random() < v.SECOND_TYPE_SHARE:
            second = _ALL_TYPES.pick(rng)
            if second != types[0]:
                types.append(second)
        types = [t for t in types if t in lk.pledge_types]
        sdgs = [n for n in _SDGS.sample(rng, _SDG_COUNT.pick(rng)) if n in lk.sdgs]
        groups = [
            code for code, share in v.TARGET_GROUP_SHARES.items() if rng.random() < share and code in lk.target_groups
        ]
        return areas, pillars, types, sdgs, groups

    def _geography(self, rng: random.Random, entity: EntitySpec) -> tuple[str, list[str], list[int]]:
        """Scope and the beneficiary countries or regions; governments mostly pledge for their own country."""
        lk = self.lookups
        scope = _SCOPES.pick(rng)
        countries: list[str] = []
        regions: list[int] = []
        if scope == "regions" and not lk.regions:
            scope = "countries"
        if scope == "countries":
            wanted = _COUNTRY_COUNT.pick(rng)
            if entity.sector == "government" and entity.home_country and rng.random() < v.OWN_COUNTRY_SHARE:
                countries.append(entity.home_country)
                if rng.random() < 0.7:
                    wanted = 1
            for iso2 in self._beneficiaries.sample(rng, wanted + 2):
                if len(countries) >= wanted:
                    break
                if iso2 not in countries:
                    countries.append(iso2)
        elif scope == "regions":
            chosen = rng.sample(lk.regions, min(len(lk.regions), rng.choice((1, 1, 2))))
            regions = [region_id for region_id, _name in chosen]
        return scope, countries, regions

    def _partners(self, rng: random.Random, lead: int, everyone: Weighted[int]) -> list[tuple[int, str]]:
        """0–3 other entities with their role; never the lead, never twice."""
        partners: list[tuple[int, str]] = []
        partner_count = _PARTNER_COUNT.pick(rng)
        if partner_count and len(self.entities) > 1:
            seen = {lead}
            for candidate in everyone.sample(rng, partner_count + 1):
                if candidate not in seen and len(partners) < partner_count:
                    seen.add(candidate)
                    partners.append((candidate, _ROLES.pick(rng)))
        return partners

    def _event_and_date(self, rng: random.Random, created: dt.datetime) -> tuple[int | None, dt.date]:
        day = created.date()
        for event in self._events:
            if event.is_campaign:
                near = event.starts_on <= day <= (event.ends_on or event.starts_on)
            else:
                near = event.starts_on - dt.timedelta(days=3) <= day <= event.starts_on + dt.timedelta(days=45)
            if near and rng.random() < v.EVENT_SHARE:
                return event.id, day if event.is_campaign else event.starts_on
        return None, max(v.PLATFORM_LAUNCH, day - dt.timedelta(days=rng.randint(0, 10)))

    def _rate(self, currency: str, on_date: dt.date) -> Decimal | None:
        key = (currency, on_date)
        if key not in self._rate_cache:
            found = ecb_rate(currency, on_date)
            self._rate_cache[key] = found[0] if found else None
        return self._rate_cache[key]

    def _money(self, rng: random.Random, entity: EntitySpec, financial: bool, on_date: dt.date) -> dict[str, object]:
        empty: dict[str, object] = {
            "amount": None,
            "currency": "",
            "usd_estimate": None,
            "usd_rate": None,
            "usd_rate_date": None,
            "usd_source": "",
        }
        if not financial and rng.random() >= v.VALUED_NON_FINANCIAL_SHARE:
            return empty
        median, sigma = v.AMOUNT_LOGNORMAL.get(entity.sector, v.AMOUNT_LOGNORMAL["other"])
        usd_target = lognormal_amount(rng, median, sigma, v.AMOUNT_MIN_USD, v.AMOUNT_MAX_USD)
        currency = entity.currency if entity.currency != "USD" and rng.random() < v.LOCAL_CURRENCY_SHARE else "USD"
        pledger_usd: Decimal | None = None
        if currency == "USD":
            amount = usd_target
        elif currency in v.PLEDGER_USD_RATES:
            estimate_rate = v.PLEDGER_USD_RATES[currency] * rng.uniform(0.95, 1.05)
            amount = round_amount(usd_target / estimate_rate)
            pledger_usd = Decimal(round_amount(amount * estimate_rate))
        else:
            rate = self._rate(currency, on_date)
            if rate is None:
                currency, amount = "USD", usd_target
            else:
                amount = round_amount(usd_target / float(rate))
        conversion = usd_conversion(amount=Decimal(amount), currency=currency, on_date=on_date, pledger_usd=pledger_usd)
        if conversion is None:  # cannot happen: every currency above has a rate or an estimate
            return empty
        return {
            "amount": Decimal(amount),
            "currency": currency,
            "usd_estimate": conversion.usd,
            "usd_rate": conversion.rate,
            "usd_rate_date": conversion.rate_date,
            "usd_source": conversion.source,
        }

    def _place(self, rng: random.Random, scope: str, countries: list[str], regions: list[int]) -> str:
        if scope == "countries" and countries:
            names = [self._country_names[c] for c in countries]
            if len(names) <= 2:
                return join_words(names)
            return f"{names[0]}, {names[1]} and {len(names) - 2} other countries"
        if scope == "regions" and regions:
            region_names = dict(self.lookups.regions)
            return join_words([region_names[r] for r in regions])
        return rng.choice(v.GLOBAL_PLACES)


# --- Module-level pickers (built once) ------------------------------------------------------------
_FOCUS = Weighted(v.FOCUS_AREA_WEIGHTS)
_FOCUS_COUNT = Weighted(v.FOCUS_AREA_COUNT_WEIGHTS)
_TYPES = {sector: Weighted(weights) for sector, weights in v.PLEDGE_TYPE_WEIGHTS.items()}
_ALL_TYPES = Weighted({"programmatic": 0.58, "advocacy": 0.21, "policy": 0.12, "financial": 0.09})
_SDGS = Weighted(v.SDG_WEIGHTS)
_SDG_COUNT = Weighted(v.SDG_COUNT_WEIGHTS)
_SCOPES = Weighted(v.SCOPE_WEIGHTS)
_COUNTRY_COUNT = Weighted(v.COUNTRY_COUNT_WEIGHTS)
_PARTNER_COUNT = Weighted(v.PARTNER_COUNT_WEIGHTS)
_ROLES = Weighted(v.PARTNER_ROLE_WEIGHTS)
_ADDITIONALITY = Weighted(v.ADDITIONALITY_WEIGHTS)
_STATES = Weighted(v.STATE_WEIGHTS)
_DELIVERY = Weighted(v.DELIVERY_WEIGHTS)


def _forced_demo_pledges(count: int) -> dict[int, str]:
    """Pledges the demo pledger's entity (the first) always leads, one in each state a pledger acts on."""
    if count < 10:
        return {0: "published"}
    return {
        count // 4: "published",
        count // 2: "published",
        count * 96 // 100: "changes_requested",
        count * 98 // 100: "submitted",
        count - 1: "draft",
    }


def _review(
    rng: random.Random, created: dt.datetime, forced: str | None
) -> tuple[str, int, dt.datetime | None, dt.datetime | None]:
    """A review history consistent with the creation date: (state, version, submitted_at, published_at).

    A state whose dates would fall after ``ANCHOR`` falls back to the step before it, so recent
    pledges are more often still waiting, as on a live platform.
    """
    state = forced or _STATES.pick(rng)
    if state == "draft":
        return state, 1, None, None
    # A forced state (the demo pledger's own pledges) must survive: its steps fit before ANCHOR.
    longest = (ANCHOR_MOMENT - created) / 4 if forced else dt.timedelta(days=3650)
    submitted = created + min(exponential_delay(rng, 5), longest)
    if submitted > ANCHOR_MOMENT:
        return "draft", 1, None, None
    if state == "submitted":
        return state, 2, submitted, None
    reviewed = submitted + min(exponential_delay(rng, 12), longest)
    if reviewed > ANCHOR_MOMENT:
        return "submitted", 2, submitted, None
    if state in {"changes_requested", "rejected"}:
        return state, 3, submitted, None
    version = 3
    if rng.random() < 0.3:  # one round of changes before publication
        reviewed += min(exponential_delay(rng, 15), longest)
        version += 2
        if reviewed > ANCHOR_MOMENT:
            return "changes_requested", 3, submitted, None
    if state == "withdrawn":
        was_public = rng.random() < 0.5
        return state, version + 1, submitted, reviewed if was_public else None
    return "published", version, submitted, reviewed
