"""Writes demo data: fictitious entities, events and pledges, streamed into the database in chunks.

Decisions (see also docs/performance.md, "Demo data generation"):

* Demo data never mixes with real data: loading refuses while the database holds pledges that are
  not demo data, and refuses to load twice unless asked to replace the previous demo data.
* Demo rows carry markers instead of a flag (there is no model for it): entity and event slugs start
  with ``demo-`` and entity websites are under the reserved ``.example`` domain.
* Pledges stream out of the generator and are written in chunks (``p2c.demo.writer``: one bulk
  statement per table per chunk, one transaction per chunk), so memory stays flat whatever the
  number of pledges; no per-row queries and no ``full_clean`` (the generator produces valid rows,
  and the database constraints still hold).
* References are ``P2C-<year>-<number>`` numbered per year of creation, after whatever the
  ``ReferenceCounter`` already handed out; the counters are raised with each chunk, so later real
  pledges never collide. Replacing demo data when no other pledge exists resets the counters, so
  that the same seed gives the same references again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from p2c.content.models import Event
from p2c.core.services import (
    database_statistics_refresh,
    database_visibility_refresh,
    platform_demo_data_clear,
    platform_demo_data_mark,
)
from p2c.demo import vocabulary as v
from p2c.demo.generator import CountryInfo, DemoGenerator, EventInfo, Lookups, entity_count_for
from p2c.demo.names import DEMO_SLUG_PREFIX
from p2c.demo.selectors import demo_entities, demo_events, demo_pledges, real_pledges
from p2c.demo.writer import pledge_relation_models, pledges_write
from p2c.entities.models import Entity, EntityType
from p2c.geo.models import Country, Region
from p2c.pledges.facets import facet_index_optimize
from p2c.pledges.models import (
    SDG,
    FocusArea,
    Pillar,
    Pledge,
    PledgePartner,
    PledgeType,
    ReferenceCounter,
    TargetGroup,
)

DEFAULT_CHUNK_SIZE = 5_000
DELETE_CHUNK_SIZE = 2_000
T = TypeVar("T")


class DemoDataError(Exception):
    """Demo data cannot be loaded (or removed) as asked; the message says why and what to do."""


@dataclass(frozen=True)
class DemoLoadResult:
    """What one load created."""

    entities: int
    events: int
    pledges: int
    published: int
    published_usd: Decimal


def demo_description() -> str:
    """The demo banner's text, in the active language."""
    return _("Demo data: fictitious organisations and pledges, for trying the platform.")


def demo_data_load(
    *,
    pledges: int,
    seed: int = 1,
    replace: bool = False,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> DemoLoadResult:
    """Create ``pledges`` fictitious pledges (and their entities and events) from ``seed``.

    Refuses when the database holds real pledges, or demo data already (unless ``replace``, which
    removes the previous demo data first). ``progress(done, total)`` is called after every chunk.
    """
    if pledges < 1:
        raise DemoDataError(_("Give a number of pledges of at least 1."))
    if chunk_size < 1:
        raise DemoDataError(_("Give a chunk size of at least 1."))
    lookups = demo_lookups()
    if real_pledges().exists():
        raise DemoDataError(
            _(
                "This database already holds pledges that are not demo data. Demo data is only loaded into "
                "an installation without real pledges, so that fictitious and real pledges never mix."
            )
        )
    if demo_entities().exists() or demo_events().exists():
        if not replace:
            raise DemoDataError(_("Demo data is already loaded. Use --replace to remove it and load new demo data."))
        demo_data_remove()
    first_name = str(v.FIRST_ENTITY["name"])
    if Entity.objects.filter(name__iexact=first_name).exists():
        raise DemoDataError(
            _("An entity called “%(name)s” already exists and is not demo data; rename it first.")
            % {"name": first_name}
        )

    lookups.events = _events_create()
    generator = DemoGenerator(seed, lookups)
    taken = set(Entity.objects.values_list("name", flat=True))
    entity_ids = _entities_create(generator, entity_count_for(pledges), taken, lookups)

    counters = dict(ReferenceCounter.objects.values_list("year", "last_number"))
    done = published = 0
    published_usd = Decimal(0)
    for chunk in _chunks(generator.pledge_specs(pledges), chunk_size):
        with transaction.atomic():
            pledges_write(chunk, entity_ids, counters)
        done += len(chunk)
        for spec in chunk:
            if spec.fields["state"] == Pledge.State.PUBLISHED:
                published += 1
                usd = spec.fields["usd_estimate"]
                published_usd += usd if isinstance(usd, Decimal) else 0
        if progress is not None:
            progress(done, pledges)

    facet_index_optimize()
    database_statistics_refresh()
    platform_demo_data_mark(description=demo_description())  # and the dashboard's rows of the new pledges
    database_visibility_refresh()
    return DemoLoadResult(
        entities=len(entity_ids),
        events=len(lookups.events),
        pledges=done,
        published=published,
        published_usd=published_usd,
    )


def demo_data_remove() -> dict[str, int]:
    """Delete every demo pledge, entity and event, in chunks; returns how many of each went.

    Memberships of demo entities go with them. When no pledge is left at all, the reference counters
    are reset, since the numbers they hold were only ever used by demo pledges.
    """
    removed = {"pledges": 0, "entities": 0, "events": 0}
    # The bulky relations first, one statement each; what other apps hang on pledges (if anything)
    # is then removed by Django's cascade, chunk by chunk.
    with transaction.atomic():
        for model in pledge_relation_models():
            model._default_manager.filter(pledge__in=demo_pledges()).delete()
    removed["pledges"] = _delete_in_chunks(demo_pledges())
    PledgePartner.objects.filter(entity__in=demo_entities()).delete()
    removed["entities"] = _delete_in_chunks(demo_entities())
    removed["events"] = _delete_in_chunks(demo_events())
    if not Pledge.objects.exists():
        ReferenceCounter.objects.all().delete()
    return removed


def demo_data_clear() -> dict[str, int]:
    """Remove all demo data (chunk by chunk, as ``demo_data_remove``), then the demo banner."""
    removed = demo_data_remove()
    platform_demo_data_clear()
    return removed


def demo_lookups() -> Lookups:
    """Read the reference data and taxonomy ids the generator needs (a handful of queries)."""
    countries = [
        CountryInfo(iso2, name, income or "", is_ldc, is_lldc, is_sids)
        for iso2, name, income, is_ldc, is_lldc, is_sids in Country.objects.order_by("iso2").values_list(
            "iso2", "name", "income_group", "is_ldc", "is_lldc", "is_sids"
        )
    ]
    focus_areas = dict(FocusArea.objects.values_list("code", "id"))
    if not countries or not focus_areas:
        raise DemoDataError(_("Load the reference data first: p2c load-reference-data"))
    pillars: dict[str, list[int]] = {}
    for pillar_id, area_code in Pillar.objects.order_by("focus_area__order", "order", "code").values_list(
        "id", "focus_area__code"
    ):
        pillars.setdefault(area_code, []).append(pillar_id)
    regions = list(
        Region.objects.filter(kind__in=[Region.Kind.ITU_REGION, Region.Kind.M49_REGION, Region.Kind.M49_SUBREGION])
        .order_by("kind", "code")
        .values_list("id", "name")
    )
    return Lookups(
        focus_areas=focus_areas,
        pillars=pillars,
        pledge_types=dict(PledgeType.objects.values_list("code", "id")),
        sdgs=list(SDG.objects.order_by("number").values_list("number", flat=True)),
        target_groups={code: (pk, name) for code, pk, name in TargetGroup.objects.values_list("code", "id", "name")},
        entity_types=dict(EntityType.objects.values_list("code", "id")),
        countries=countries,
        regions=regions,
    )


# --- Writing ------------------------------------------------------------------------------------
def _events_create() -> list[EventInfo]:
    events = [
        Event(
            name=name,
            slug=f"{DEMO_SLUG_PREFIX}{slugify(name)}",
            starts_on=starts_on,
            ends_on=ends_on,
            location=location,
            is_campaign=is_campaign,
        )
        for name, starts_on, ends_on, location, is_campaign in v.EVENTS
    ]
    created = Event.objects.bulk_create(events)
    return [EventInfo(e.pk, e.starts_on, e.ends_on, e.is_campaign) for e in created]


def _entities_create(generator: DemoGenerator, count: int, taken: set[str], lookups: Lookups) -> list[int]:
    specs = generator.entity_specs(count, taken)
    type_ids = lookups.entity_types
    fallback_type = type_ids.get("other") or next(iter(type_ids.values()))
    ids: list[int] = []
    for chunk in _chunks(specs, DEFAULT_CHUNK_SIZE):
        with transaction.atomic():
            created = Entity.objects.bulk_create(
                [
                    Entity(
                        name=spec.name,
                        slug=spec.slug,
                        acronym=spec.acronym,
                        entity_type_id=type_ids.get(spec.sector, fallback_type),
                        home_country_id=spec.home_country,
                        website=spec.website,
                        description=spec.description,
                        verified=spec.verified,
                    )
                    for spec in chunk
                ]
            )
        ids.extend(entity.pk for entity in created)
    return ids


def _delete_in_chunks(queryset: models.QuerySet[Any]) -> int:
    total = 0
    while True:
        ids = list(queryset.order_by().values_list("pk", flat=True)[:DELETE_CHUNK_SIZE])
        if not ids:
            return total
        with transaction.atomic():
            queryset.model._default_manager.filter(pk__in=ids).delete()
        total += len(ids)


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
