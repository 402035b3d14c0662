# Search totals from the search table alone (docs/explorer.md, "Search"). PostgreSQL: each entry of
# pledges_pledge_search also carries whether its pledge is published and its usd_estimate, kept by
# the trigger (which now fires on changes of state and usd_estimate too), so that the explorer
# counts and sums a search's published hits without joining the pledges; the table is created
# anew and refilled. SQLite: nothing changes. Defined in p2c.pledges.search.

from django.db import migrations


def search_totals(apps, schema_editor):
    """Reinstall the search index with its two new columns (PostgreSQL; nothing on SQLite)."""
    from p2c.pledges.search import search_index_reinstall

    search_index_reinstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0010_search_narrow"),
    ]

    # Backwards: nothing to undo. The code of this version reads and writes the two columns whichever
    # migration is applied; older code never reads them, and when it writes entries without them
    # ``published`` takes its default (false), which nothing of that code reads either.
    operations = [migrations.RunPython(search_totals, migrations.RunPython.noop, elidable=False)]
