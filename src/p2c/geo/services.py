"""Writes of reference data: loading countries, regions and groupings from the files in ``geo/data/``."""

from __future__ import annotations

import logging
from pathlib import Path

from django.db import transaction

from p2c.geo.models import Country, ReferenceList, Region
from p2c.geo.reference import SOURCES, CountryRecord, read_reference_data

logger = logging.getLogger(__name__)

# Country fields the data files own; anything else on the model is left as it is.
_COUNTRY_FIELDS = (
    "iso3",
    "numeric",
    "name",
    "m49_region_id",
    "m49_subregion_id",
    "m49_intermediate_region_id",
    "itu_region_id",
    "income_group",
    "is_ldc",
    "is_lldc",
    "sids_status",
    "is_sids",
)
_REGION_FKS = ["m49_region", "m49_subregion", "m49_intermediate_region", "itu_region"]
_REFERENCE_LIST_FIELDS = ("name", "as_of", "source", "url", "licence", "member_count")


def _regions_sync(wanted: dict[tuple[str, str], str]) -> tuple[dict[tuple[str, str], int], int, int]:
    """Create missing regions and rename changed ones; return ((kind, code) -> id, created, updated).

    Regions no longer in the data are kept (pledges may name them) and reported in the log.
    """
    existing = {(r.kind, r.code): r for r in Region.objects.all()}
    to_create: list[Region] = []
    to_update: list[Region] = []
    for (kind, code), name in wanted.items():
        region = existing.get((kind, code))
        if region is None:
            region = Region(kind=kind, code=code, name=name)
            region.full_clean(validate_unique=False, validate_constraints=False)
            to_create.append(region)
        elif region.name != name:
            region.name = name
            region.full_clean(validate_unique=False, validate_constraints=False)
            to_update.append(region)
    Region.objects.bulk_create(to_create)
    Region.objects.bulk_update(to_update, ["name"])
    stale = sorted(set(existing) - set(wanted))
    if stale:
        logger.warning("Regions no longer in the reference data, kept: %s", stale)
    ids = {(r.kind, r.code): r.pk for r in Region.objects.filter(kind__in={k for k, _ in wanted})}
    return ids, len(to_create), len(to_update)


def _country_values(record: CountryRecord, region_ids: dict[tuple[str, str], int]) -> dict[str, object]:
    """The model field values a country should have according to the data files."""

    def region_id(kind: str, code: str) -> int | None:
        return region_ids[(kind, code)] if code else None

    return {
        "iso3": record.iso3,
        "numeric": record.numeric,
        "name": record.name,
        "m49_region_id": region_id(Region.Kind.M49_REGION, record.m49_region),
        "m49_subregion_id": region_id(Region.Kind.M49_SUBREGION, record.m49_subregion),
        "m49_intermediate_region_id": region_id(Region.Kind.M49_INTERMEDIATE, record.m49_intermediate_region),
        "itu_region_id": region_id(Region.Kind.ITU_REGION, record.itu_region),
        "income_group": record.income_group,
        "is_ldc": record.is_ldc,
        "is_lldc": record.is_lldc,
        "sids_status": record.sids_status,
        "is_sids": bool(record.sids_status),
    }


def _countries_sync(records: dict[str, CountryRecord], region_ids: dict[tuple[str, str], int]) -> tuple[int, int]:
    """Create missing countries and update changed ones in bulk; return (created, updated).

    Countries no longer in ISO 3166-1 are kept (entities and pledges may point at them) and logged.
    """
    existing = Country.objects.in_bulk()
    to_create: list[Country] = []
    to_update: list[Country] = []
    for record in records.values():
        values = _country_values(record, region_ids)
        country = existing.get(record.iso2)
        if country is None:
            country = Country(iso2=record.iso2, **values)
            country.full_clean(exclude=_REGION_FKS, validate_unique=False, validate_constraints=False)
            to_create.append(country)
            continue
        changed = {f: v for f, v in values.items() if getattr(country, f) != v}
        if changed:
            for attname, value in changed.items():
                setattr(country, attname, value)
            country.full_clean(exclude=_REGION_FKS, validate_unique=False, validate_constraints=False)
            to_update.append(country)
    Country.objects.bulk_create(to_create)
    Country.objects.bulk_update(to_update, list(_COUNTRY_FIELDS))
    stale = sorted(set(existing) - {r.iso2 for r in records.values()})
    if stale:
        logger.warning("Countries no longer in ISO 3166-1, kept: %s", stale)
    return len(to_create), len(to_update)


def _reference_lists_sync(member_counts: dict[str, int]) -> tuple[int, int]:
    """Record each source's provenance; a row is saved only when something about it changed."""
    existing = ReferenceList.objects.in_bulk()
    created = updated = 0
    for code, source in SOURCES.items():
        values = {
            "name": source.name,
            "as_of": source.as_of,
            "source": source.source,
            "url": source.url,
            "licence": source.licence,
            "member_count": member_counts[code],
        }
        row = existing.get(code)
        if row is not None and all(getattr(row, f) == values[f] for f in _REFERENCE_LIST_FIELDS):
            continue
        if row is None:
            row = ReferenceList(code=code)
            created += 1
        else:
            updated += 1
        for attname, value in values.items():
            setattr(row, attname, value)
        row.full_clean(validate_unique=False)
        row.save()
    return created, updated


@transaction.atomic
def reference_data_load(*, data_dir: Path | None = None) -> dict[str, int]:
    """Load or refresh countries, regions, groupings and their provenance from the reference data files.

    Idempotent: a second run writes nothing. Values that changed in the files are updated; countries and
    regions that disappeared from them are kept (other records may point at them) and logged. Every file is
    read and checked before anything is written, so a bad file (``ReferenceDataError``, naming the file and
    line) leaves the database untouched. ``data_dir`` replaces the packaged ``geo/data/`` (tests use it).

    Returns the number of countries, regions and reference lists, the members of each grouping, and how
    many rows this run created and updated.
    """
    data = read_reference_data(data_dir)
    region_ids, regions_created, regions_updated = _regions_sync(data.regions)
    countries_created, countries_updated = _countries_sync(data.countries, region_ids)
    lists_created, lists_updated = _reference_lists_sync(data.member_counts)
    counts = data.member_counts
    return {
        "countries": len(data.countries),
        "regions": len(data.regions),
        "reference_lists": len(SOURCES),
        "m49_countries": counts["m49"],
        "itu_members": counts["itu-regions"],
        "ldc": counts["ldc"],
        "lldc": counts["lldc"],
        "sids": counts["sids"],
        "income_classified": counts["income-groups"],
        "created": regions_created + countries_created + lists_created,
        "updated": regions_updated + countries_updated + lists_updated,
    }
