# The explorer: full-text search (SQLite FTS5 / PostgreSQL GIN) and the indexes its filters and
# sorts need. Vendor-specific DDL lives in p2c.pledges.search and below; see docs/explorer.md.

from django.db import migrations, models

# Covering indexes (value, pledge) on the relation tables, so that "pledges tagged X" is read from
# the index alone. Django's own indexes on these tables hold the value but not the pledge.
RELATION_INDEXES = [
    ("pledges_pledge_focus_areas", "focusarea_id", "pledges_fa_value_pledge_idx"),
    ("pledges_pledge_pillars", "pillar_id", "pledges_pillar_value_pledge_idx"),
    ("pledges_pledge_pledge_types", "pledgetype_id", "pledges_type_value_pledge_idx"),
    ("pledges_pledge_sdgs", "sdg_id", "pledges_sdg_value_pledge_idx"),
    ("pledges_pledge_target_groups", "targetgroup_id", "pledges_tg_value_pledge_idx"),
    ("pledges_pledge_countries", "country_id", "pledges_country_value_pledge_idx"),
    ("pledges_pledge_regions", "region_id", "pledges_region_value_pledge_idx"),
    ("pledges_pledgepartner", "entity_id", "pledges_partner_entity_pledge_idx"),
]
VALUE_INDEX = "pledges_state_usd_idx"


def entity_names_fill(apps, schema_editor):
    """Fill entity_names for the pledges that exist already (before the search index reads them)."""
    Pledge = apps.get_model("pledges", "Pledge")
    Entity = apps.get_model("entities", "Entity")
    PledgePartner = apps.get_model("pledges", "PledgePartner")
    if not Pledge.objects.exists():
        return
    names = {pk: (name, acronym) for pk, name, acronym in Entity.objects.values_list("id", "name", "acronym")}
    partners: dict[int, list[int]] = {}
    for pledge_id, entity_id in PledgePartner.objects.order_by("id").values_list("pledge_id", "entity_id"):
        partners.setdefault(pledge_id, []).append(entity_id)
    from p2c.pledges.search import entity_names_compose

    table = schema_editor.quote_name(Pledge._meta.db_table)
    rows = [
        (entity_names_compose([names[lead], *(names[e] for e in partners.get(pk, []))]), pk)
        for pk, lead in Pledge.objects.values_list("id", "lead_entity_id").iterator(chunk_size=5000)
    ]
    with schema_editor.connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET entity_names = %s WHERE id = %s", rows)


def indexes_create(apps, schema_editor):
    from p2c.pledges.search import search_index_install

    quote = schema_editor.quote_name
    for table, column, name in RELATION_INDEXES:
        schema_editor.execute(f"CREATE INDEX {quote(name)} ON {quote(table)} ({quote(column)}, {quote('pledge_id')})")
    # Sorting by value puts pledges without an estimate last: PostgreSQL needs that spelled out
    # in the index; SQLite sorts NULL first, so its ascending index read backwards does the same.
    if schema_editor.connection.vendor == "postgresql":
        columns = '"state", "usd_estimate" DESC NULLS LAST, "id" DESC'
    else:
        columns = '"state", "usd_estimate", "id"'
    schema_editor.execute(f"CREATE INDEX {quote(VALUE_INDEX)} ON {quote('pledges_pledge')} ({columns})")
    search_index_install(schema_editor.connection)


def indexes_drop(apps, schema_editor):
    from p2c.pledges.search import search_index_uninstall

    search_index_uninstall(schema_editor.connection)
    for _table, _column, name in [*RELATION_INDEXES, (None, None, VALUE_INDEX)]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):

    dependencies = [
        ("entities", "0001_initial"),
        ("pledges", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="pledge",
            name="entity_names",
            field=models.TextField(
                blank=True,
                default="",
                editable=False,
                help_text="Names and acronyms of the lead entity and partners, kept by p2c.pledges.search.",
                verbose_name="entity names (for search)",
            ),
        ),
        migrations.AddIndex(
            model_name="pledge",
            index=models.Index(fields=["state", "title", "id"], name="pledges_state_title_idx"),
        ),
        migrations.RunPython(entity_names_fill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(indexes_create, indexes_drop),
    ]
