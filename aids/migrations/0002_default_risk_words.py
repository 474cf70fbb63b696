"""The starting word list of the escalation-risk rule; the district edits it in the admin."""

from django.db import migrations

WORDS = {
    "violence": [
        "打人", "打伤", "打架", "动手", "动刀", "拿刀", "砍人", "砍死", "杀了", "弄死", "打死", "拼命", "同归于尽",
        "报复", "威胁", "恐吓", "放火", "烧了", "炸了", "械斗", "持械", "斗殴", "扬言",
    ],
    "self_harm": ["自杀", "轻生", "寻死", "跳楼", "跳河", "上吊", "喝农药", "喝药", "割腕", "不想活"],
    "collective": [
        "集体上访", "联名上访", "群体上访", "越级上访", "进京上访", "聚集", "堵路", "堵门", "拉横幅", "围堵",
        "静坐", "群体性", "纠集", "召集村民",
    ],
}


def add_words(apps, schema_editor):
    RiskWord = apps.get_model("aids", "RiskWord")
    for kind, words in WORDS.items():
        for word in words:
            RiskWord.objects.get_or_create(word=word, defaults={"kind": kind})


class Migration(migrations.Migration):
    dependencies = [("aids", "0001_similar_index_and_risk_warnings")]

    operations = [migrations.RunPython(add_words, migrations.RunPython.noop)]
