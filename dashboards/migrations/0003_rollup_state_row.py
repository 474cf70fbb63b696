from django.db import migrations


def add_state(apps, schema_editor):
    apps.get_model("dashboards", "RollupState").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0002_case_month_stats")]

    operations = [migrations.RunPython(add_state, migrations.RunPython.noop)]
