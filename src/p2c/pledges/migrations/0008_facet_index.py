# The facet index: each published pledge's filter values as tokens in a full-text index (FTS5 on
# SQLite, GIN on PostgreSQL), so that the explorer's filters are one index lookup. See
# p2c.pledges.facets and docs/explorer.md, "The facet index".

import django.db.models.deletion
from django.db import migrations, models


def index_create(apps, schema_editor):
    from p2c.pledges.facets import facet_index_install, facet_index_optimize, pledge_facets_rebuild, value_index_ensure

    # The value index of 0002_search, which the table rebuilds of 0004-0007 dropped on SQLite.
    value_index_ensure(schema_editor.connection)
    facet_index_install(schema_editor.connection)
    # The pledges already there (the current models: the tokens are computed by the same code
    # that keeps them current afterwards).
    if apps.get_model("pledges", "Pledge").objects.exists():
        pledge_facets_rebuild()
        facet_index_optimize(schema_editor.connection.alias)


def index_drop(apps, schema_editor):
    from p2c.pledges.facets import facet_index_uninstall

    facet_index_uninstall(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("entities", "0001_initial"),
        ("geo", "0001_initial"),
        ("pledges", "0007_content_language"),
    ]

    operations = [
        migrations.CreateModel(
            name="PledgeFacets",
            fields=[
                (
                    "pledge",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="facets",
                        serialize=False,
                        to="pledges.pledge",
                        verbose_name="pledge",
                    ),
                ),
                ("tokens", models.TextField(blank=True, default="", verbose_name="facet tokens")),
            ],
            options={
                "verbose_name": "pledge facets",
                "verbose_name_plural": "pledge facets",
            },
        ),
        migrations.RunPython(index_create, index_drop),
    ]
