"""The month counters refreshed on read are replaced by cases.CaseTally, kept on write."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0003_rollup_state_row"),
    ]

    operations = [
        migrations.DeleteModel(name="RollupState"),
        migrations.DeleteModel(name="CaseMonthStats"),
    ]
