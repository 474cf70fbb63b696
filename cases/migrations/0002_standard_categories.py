from django.db import migrations

# The standard categories of people's-mediation statistics, plus 基础设施 for 12345 requests.
CATEGORIES = [
    ("marriage_family", "婚姻家庭"),
    ("neighbour", "邻里纠纷"),
    ("housing_land", "房屋宅基地"),
    ("contract", "合同纠纷"),
    ("business", "生产经营"),
    ("damages", "损害赔偿"),
    ("forest_land", "山林土地"),
    ("land_acquisition", "征地拆迁"),
    ("pollution", "环境污染"),
    ("labour", "劳动争议"),
    ("consumer", "消费纠纷"),
    ("medical", "医疗纠纷"),
    ("traffic", "道路交通事故"),
    ("property_mgmt", "物业纠纷"),
    ("village_affairs", "村务管理"),
    ("infrastructure", "基础设施"),
    ("other", "其他"),
]


def add_categories(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    for order, (code, name) in enumerate(CATEGORIES):
        Category.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_cases_and_timeline")]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
