from django.db import migrations

# The roster roles named by the district's scheme; `visits` marks those who owe weekly household visits.
ROLES = [
    ("director", "中心主任", False),
    ("committee", "两委干部", True),
    ("party_rep", "党员代表", True),
    ("villager_rep", "村民代表", True),
    ("sage", "乡贤", False),
    ("mediator", "专职调解员", False),
    ("informant", "信息员", False),
    ("grid", "网格员", False),
    ("broadcaster", "广播员", False),
    ("district_cadre", "区下沉干部", True),
    ("town_liaison", "镇街包村干部", True),
    ("lawyer", "律师", False),
    ("legal_liaison", "法律明白人", False),
]


def add_roles(apps, schema_editor):
    Role = apps.get_model("pinggu_center", "Role")
    for order, (code, name, visits) in enumerate(ROLES):
        Role.objects.update_or_create(code=code, defaults={"name": name, "visits_households": visits, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("pinggu_center", "0001_organisation_and_accounts")]

    operations = [migrations.RunPython(add_roles, migrations.RunPython.noop)]
