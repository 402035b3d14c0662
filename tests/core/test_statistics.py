"""The planner's statistics are refreshed after migrations, so a rebuilt table is not planned blind."""

from __future__ import annotations

import pytest
from django.db import connection

from p2c.core.apps import _statistics_refresh_after_migrations
from tests.factories import PledgeFactory

pytestmark = pytest.mark.django_db


def _pledge_statistics() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'pledges_pledge'")
        else:
            cursor.execute("SELECT COUNT(*) FROM pg_stats WHERE tablename = 'pledges_pledge'")
        return int(cursor.fetchone()[0])


def _forget_statistics() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE sqlite_schema")  # makes sure sqlite_stat1 exists
            cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'pledges_pledge'")
        else:
            cursor.execute("SELECT pg_stat_reset()")


def test_statistics_are_refreshed_when_migrations_ran_and_not_otherwise() -> None:
    PledgeFactory.create_batch(3)
    _forget_statistics()
    if connection.vendor == "sqlite":
        _statistics_refresh_after_migrations(plan=[])
        assert _pledge_statistics() == 0  # nothing migrated: no ANALYZE at every start
    _statistics_refresh_after_migrations(plan=[("a migration", False)])
    assert _pledge_statistics() > 0


@pytest.mark.django_db(transaction=True)
def test_after_a_bulk_load_postgresql_marks_the_rows_visible_to_index_only_scans() -> None:
    from p2c.core.services import database_visibility_refresh

    if connection.vendor != "postgresql":
        pytest.skip("VACUUM and index-only scans are PostgreSQL's; SQLite needs neither")
    PledgeFactory.create_batch(3)
    database_visibility_refresh()
    with connection.cursor() as cursor:
        # Pages marked all-visible: what lets an index-only scan skip the table.
        cursor.execute("SELECT relallvisible FROM pg_class WHERE relname = 'pledges_pledge'")
        assert cursor.fetchone()[0] > 0
