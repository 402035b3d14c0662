# Cheaper counts of search hits (docs/explorer.md, "Search"). PostgreSQL: the stored vectors lose
# their positions and weights (``strip``), which nothing reads, so a search reads a third less;
# the trigger function is replaced and every entry rewritten. SQLite: a covering index
# (id, state, usd_estimate, published_at) that searches read the pledges through instead of their
# wide rows. Both are defined in p2c.pledges.search, which also puts them back after migrate.

from django.db import migrations


def search_narrow(apps, schema_editor):
    """Reinstall the search index in its narrower form (PostgreSQL), add the covering index (SQLite)."""
    from p2c.pledges.search import search_index_reinstall

    search_index_reinstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0009_published_cover_index"),
    ]

    # Backwards: nothing to undo. The code of this version reads the covering index and writes
    # stripped vectors whichever migration is applied; older code matches stripped vectors alike.
    operations = [migrations.RunPython(search_narrow, migrations.RunPython.noop, elidable=False)]
