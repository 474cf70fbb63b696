"""Demo legal education: the 普法联盟's ten teams, a year of activities, 法律明白人 (some villages short) and reports."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from pinggu_center.demo.files import demo_pdf, demo_png
from pinggu_center.demo.names import mobile, person_name
from pinggu_center.models import Center, Member

from .models import (
    ActivityKind,
    ActivityPhoto,
    LegalActivity,
    LegalLiaison,
    LegalTeam,
    LiaisonTraining,
    VillageLegalReport,
)

TEAMS = [
    ("区司法局普法讲师团", "区司法局", 420),
    ("法官以案释法宣讲团", "区人民法院", 260),
    ("检察官普法宣讲团", "区人民检察院", 210),
    ("公安民警普法宣讲队", "区公安分局", 380),
    ("律师普法志愿服务队", "区律师协会", 350),
    ("人民调解员宣讲队", "区人民调解员协会", 460),
    ("农业综合执法普法队", "区农业农村局", 190),
    ("妇联维权普法队", "区妇女联合会", 240),
    ("青年普法志愿者服务队", "团区委", 520),
    ("老干部普法宣讲团", "区委老干部局", 130),
]
TOPICS = {
    ActivityKind.CASE_LECTURE: ["以案释法：宅基地纠纷", "以案释法：赡养纠纷", "以案释法：土地承包经营权", "以案释法：电信诈骗"],
    ActivityKind.MICRO_CLASS: ["民法典与百姓生活", "农村土地承包法", "反家庭暴力法", "人民调解法", "未成年人保护法"],
    ActivityKind.CONSULTATION: ["法律咨询日：婚姻家庭", "法律咨询日：劳动报酬", "法律咨询日：邻里纠纷"],
    ActivityKind.OTHER: ["宪法宣传周", "法治文艺演出"],
}


def seed(*, scale: int, stdout) -> None:
    if LegalTeam.objects.exists() or not Center.objects.exists():
        stdout.write("Legal education already present (or no centers); left as it is.")
        return
    rng = random.Random(2028)
    teams = LegalTeam.objects.bulk_create([LegalTeam(name=n, lead_unit=u, member_count=c) for n, u, c in TEAMS])
    centers = list(Center.objects.order_by("division__code").select_related("division"))
    activities = _activities(rng, centers, teams)
    photo = demo_png()
    ActivityPhoto.objects.bulk_create([ActivityPhoto(activity=a, image=photo) for a in activities[::4]])
    liaisons = _liaisons(rng, centers)
    _trainings(rng, liaisons)
    pdf, today = demo_pdf(), timezone.localdate()
    VillageLegalReport.objects.bulk_create(
        [
            VillageLegalReport(
                center=c, title=f"{c.division.name}{today.year}年法治村情报告", report_date=today - timedelta(days=rng.randint(5, 200)),
                author=person_name(rng), file=pdf,
            )
            for c in centers
            if c.division.name == "西凡各庄村" or rng.random() < 0.85
        ]
    )
    stdout.write(f"Legal education: {len(teams)} teams, {len(activities)} activities, {len(liaisons)} 法律明白人.")


def _activities(rng: random.Random, centers: list[Center], teams: list[LegalTeam]) -> list[LegalActivity]:
    today = timezone.localdate()
    days_this_year = max(1, (today - today.replace(month=1, day=1)).days)
    rows = []
    for center in centers:
        others = [ActivityKind.CASE_LECTURE, ActivityKind.CONSULTATION, ActivityKind.OTHER]
        kinds = [rng.choice(others) for _ in range(rng.randint(0, 2))]
        if center.division.name == "西凡各庄村" or rng.random() < 0.8:  # about one village in five not yet covered
            kinds.append(ActivityKind.MICRO_CLASS)
        for kind in kinds:
            rows.append(
                LegalActivity(
                    center=center, team=rng.choice(teams), kind=kind, topic=rng.choice(TOPICS[kind]),
                    held_on=today - timedelta(days=rng.randint(0, days_this_year)), attendance=rng.randint(15, 120),
                )
            )
    return LegalActivity.objects.bulk_create(rows)


def _liaisons(rng: random.Random, centers: list[Center]) -> list[LegalLiaison]:
    """Three per village as the rule asks, but about one village in twelve still short; the roster's own is linked."""
    on_roster = {m.center_id: m for m in Member.objects.filter(roles__code="legal_liaison").order_by("pk")}
    rows = []
    for center in centers:
        count = 3 if center.division.name == "西凡各庄村" or rng.random() > 0.08 else rng.randint(1, 2)
        member = on_roster.get(center.pk)
        for index in range(count):
            linked = member if index == 0 else None
            rows.append(
                LegalLiaison(
                    center=center, member=linked, name=linked.name if linked else person_name(rng),
                    phone=linked.phone if linked else mobile(rng),
                    appointed_on=timezone.localdate() - timedelta(days=rng.randint(200, 1200)),
                )
            )
    return LegalLiaison.objects.bulk_create(rows)


def _trainings(rng: random.Random, liaisons: list[LegalLiaison]) -> None:
    rows = [
        LiaisonTraining(
            liaison=liaison, trained_on=liaison.appointed_on + timedelta(days=rng.randint(10, 180)),
            topic=rng.choice(["人民调解实务", "民法典婚姻家庭编", "农村土地政策", "信访法治化"]),
            hours=Decimal(rng.choice(["2.0", "3.0", "4.0", "8.0"])), organiser="区司法局",
        )
        for liaison in liaisons
        if rng.random() < 0.6
    ]
    LiaisonTraining.objects.bulk_create(rows)
