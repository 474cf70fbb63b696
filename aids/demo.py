"""Demo: the similar-case index of the seeded cases, a few matters that ought to worry a director, and the risk
scan over it all. A second run changes nothing (the marker cases are looked up by title, warnings are unique per
evidence, the index skips cases that did not change)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from cases import services as case_services
from cases.models import Case, Category
from pinggu_center import topics
from pinggu_center.models import Center, Member, Outbox, User
from visits.models import Household
from visits.services import record_visit

from . import risk, services, similar

VILLAGE = "西凡各庄村"
REPEAT_PHONE = "13901017788"
REPEAT_TITLES = ["邻居堆放柴草堵住出路", "邻居家狗夜里狂吠扰民", "邻居翻建房屋占用过道"]
THREAT_TITLE = "土地流转款分配不公，扬言集体上访"


def seed(*, scale: int, stdout) -> None:
    center = Center.objects.filter(division__name=VILLAGE).select_related("division").first()
    if center is not None:
        _worrying_matters(center)
    indexed = similar.index_missing()
    Outbox.objects.filter(topic=topics.SIMILAR_INDEX.name, status=Outbox.Status.PENDING).update(
        status=Outbox.Status.DONE, done_at=timezone.now()
    )
    raised = services.raise_warnings(risk.scan())
    stdout.write(f"aids: {indexed} cases indexed for similar cases, {len(raised)} risk warnings raised")


def _worrying_matters(center: Center) -> None:
    director = User.objects.filter(division=center.division, role=User.Role.VILLAGE_DIRECTOR).first()
    if director is None or Case.objects.filter(division=center.division, title=THREAT_TITLE).exists():
        return
    neighbour = Category.objects.get(code="neighbour")
    for title in REPEAT_TITLES:
        _register(center, director, neighbour, title, f"{title}，多次协商未果，情绪激动，要求中心出面。",
                  [case_services.PartyData(name="周桂荣", phone=REPEAT_PHONE)])
    land = Category.objects.get(code="forest_land")
    people = [case_services.PartyData(name=name, phone=f"1390101{n:04d}") for n, name in
              enumerate(["韩永利", "韩永顺", "孟庆山", "孟凡军", "刘宝华", "刘振江"], start=1)]
    _register(center, director, land, THREAT_TITLE,
              "六户村民认为村里土地流转款分配不公，多次找村委会未果，扬言要召集村民集体上访、去镇政府堵门。", people)
    _repeated_visits(center)


def _register(center: Center, director: User, category: Category, title: str, description: str, parties) -> Case:
    intake = case_services.Intake(
        source=Case.Source.RECEPTION, category=category, title=title, description=description, parties=parties,
        rights_informed=True,
    )
    return case_services.register_case(center=center, intake=intake, actor=director)


def _repeated_visits(center: Center) -> None:
    household = Household.objects.filter(division=center.division).order_by("pk").first()
    cadre = Member.objects.filter(center=center, user__isnull=False).select_related("user").first()
    if household is None or cadre is None:
        return
    category = Category.objects.get(code="infrastructure")
    today = timezone.localdate()
    for weeks_ago in (9, 5, 1):
        record_visit(household=household, actor=cadre.user, data={
            "visited_on": today - timedelta(weeks=weeks_ago), "mode": "home", "cadres": [cadre],
            "raised": "门前排水沟破损，雨天污水漫进院子，上次反映后还没修。", "category": category,
            "needs_action": False,
        })
