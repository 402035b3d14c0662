# Added by p2c.reporting: the year of a pledge's latest accepted progress report (docs/reporting.md).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('pledges', '0004_external_reference'),
    ]

    operations = [
        migrations.AddField(
            model_name='pledge',
            name='last_report_year',
            field=models.PositiveSmallIntegerField(blank=True, db_index=True, editable=False, help_text='The year of the latest reporting cycle with an accepted progress report; empty if none.', null=True, verbose_name='last accepted report (cycle year)'),
        ),
    ]
