# A covering index of the published pledges for PostgreSQL: what the country page (p2c.geo.reach)
# and the accountability figures read of a pledge found through a relation table (a country's,
# a region's rows), so that each lookup is an index-only scan of a few megabytes instead of a visit
# to the wide pledge row (descriptions included): the country page for Kenya at 100,702 published
# pledges looks up about 4,500 pledges, 37-43 ms of row visits then, 17 ms of index reads now.
# SQLite has none: it meets its target without one, and its table rebuilds would drop an index the
# models do not declare (see p2c.pledges.facets.value_index_ensure). Autovacuum keeps the visibility
# map current, which index-only scans need; after a bulk load, VACUUM ANALYZE.

from django.db import migrations

INDEX = "pledges_published_cover_idx"
COLUMNS = "usd_estimate, published_at, lead_entity_id, scope, delivery_status, end_date, last_report_year"


def index_create(apps, schema_editor):
    """Create the index on PostgreSQL (``state = 'published'``: ``Pledge.State.PUBLISHED``)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON pledges_pledge (id) INCLUDE ({COLUMNS}) WHERE state = 'published'"
        )


def index_drop(apps, schema_editor):
    """Drop the index on PostgreSQL."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0008_facet_index"),
    ]

    operations = [migrations.RunPython(index_create, index_drop, elidable=False)]
