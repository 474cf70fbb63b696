from django.db import migrations
from django.db.models import Min, OuterRef, Subquery


def backfill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    FollowUp = apps.get_model("cases", "FollowUp")
    first_escalation = (
        CaseEvent.objects.filter(case=OuterRef("pk"), kind="escalated")
        .values("case").annotate(first=Min("at")).values("first")
    )
    latest = FollowUp.objects.filter(case=OuterRef("pk")).order_by("-at", "-pk").values("satisfaction")[:1]
    Case.objects.filter(events__kind="escalated").update(escalated_at=Subquery(first_escalation))
    Case.objects.filter(follow_ups__isnull=False).update(satisfaction=Subquery(latest))


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_case_escalated_at_and_satisfaction")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
