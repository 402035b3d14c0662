"""Pledges published by the secretariat's bulk import get their dashboard rows in the same transaction."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.http import QueryDict

from p2c.dashboard.aggregates import compute, compute_directly
from p2c.dashboard.models import PledgeFigure
from p2c.entities.models import Entity
from p2c.opendata.models import ImportBatch
from p2c.pledges.filters import pledge_filter
from p2c.pledges.models import Pledge
from tests.opendata.test_imports import (  # noqa: F401 - the import's fixtures, used by name
    _tasks_at_once,
    commit,
    complete_row,
    csv_bytes,
    kijiji,
    reviewer,
    secretariat,
    upload,
)

pytestmark = pytest.mark.django_db


def test_imported_pledges_are_counted_from_their_rows(
    upload: Callable[..., ImportBatch],  # noqa: F811 - the fixture imported above
    commit: Callable[[ImportBatch], ImportBatch],  # noqa: F811 - the fixture imported above
    kijiji: Entity,  # noqa: F811 - the fixture imported above
) -> None:
    rows = [
        complete_row(),
        complete_row(external_reference="REG-2", countries="FJ | WS | NP", focus_areas="access", sdgs="5"),
    ]
    batch = commit(upload(csv_bytes(rows), mode="published"))
    assert batch.status == ImportBatch.Status.IMPORTED
    published = set(Pledge.objects.filter(state=Pledge.State.PUBLISHED).values_list("id", flat=True))
    assert len(published) == 2 and set(PledgeFigure.objects.values_list("pledge_id", flat=True)) == published
    assert PledgeFigure.objects.get(pledge__external_reference="REG-2").countries == "FJ,NP,WS"
    for query in ("", "grouping=sids", "country=KE"):
        result = pledge_filter(QueryDict(query))
        assert compute(result) == compute_directly(result), query
    # Imported again with changes: the rows follow.
    rows[1]["countries"] = "KE"
    commit(upload(csv_bytes(rows), mode="published"))
    assert PledgeFigure.objects.get(pledge__external_reference="REG-2").countries == "KE"
    result = pledge_filter(QueryDict("country=KE"))
    assert compute(result) == compute_directly(result) and compute(result).pledges == 2
