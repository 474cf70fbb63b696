"""七有 for the demo centers: most complete, some half-way, a few hardly started."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from ..models import Center, CenterChecklistItem, ChecklistItem
from .files import demo_pdf, demo_png

NOTES = {
    ChecklistItem.SIGN: "中心牌子已悬挂于村委会门口",
    ChecklistItem.VENUE: "村委会一层调解室、议事厅",
    ChecklistItem.RULES: "接待、调解、议事、普法四项制度上墙",
    ChecklistItem.LEDGER: "纸质台账与平台台账同步",
    ChecklistItem.PLATFORM: "已接入区说事评理议事普法平台",
    ChecklistItem.TASK_FORCE: "书记任组长，两委干部、调解员、网格员组成专班",
    ChecklistItem.CONTACT_CARD: "便民联系卡已入户发放",
}


def seed(*, scale: int, stdout) -> None:
    if CenterChecklistItem.objects.exists():
        stdout.write("七有 checklist already present; left as it is.")
        return
    rng = random.Random(7207)
    png, pdf = demo_png(), demo_pdf()
    today = timezone.localdate()
    items = list(ChecklistItem)
    rows = []
    for center in Center.objects.order_by("division__code").only("pk"):
        roll = rng.random()
        done = 7 if roll < 0.55 else rng.randint(4, 6) if roll < 0.85 else rng.randint(0, 3)
        for item in rng.sample(items, done):
            rows.append(
                CenterChecklistItem(
                    center_id=center.pk,
                    item=item,
                    in_place_on=today - timedelta(days=rng.randint(20, 600)),
                    evidence=pdf if item in (ChecklistItem.RULES, ChecklistItem.LEDGER) else png,
                    note=NOTES[item],
                )
            )
    CenterChecklistItem.objects.bulk_create(rows, batch_size=2000)
    stdout.write(f"七有: {len(rows)} items recorded.")
