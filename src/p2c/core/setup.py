"""Bringing an installation to life: reference data, taxonomy, demo accounts."""

from __future__ import annotations

from django.db import transaction


@transaction.atomic
def reference_data_load_all() -> dict[str, int]:
    """Load (or refresh) countries, regions, groupings and the seed taxonomy; idempotent."""
    from p2c.geo.services import reference_data_load
    from p2c.pledges.taxonomy import taxonomy_load

    counts = dict(reference_data_load())
    counts.update(taxonomy_load())
    return counts
