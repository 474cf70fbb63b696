"""Demo data for seed_demo: 12345 work orders and online reports, registered through the real intake paths."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from pinggu_center.models import Center

from ..models import Case
from ..public.views import _intake as online_intake
from ..services import register_case
from .api import _intake as hotline_intake
from .schema import validate_order

HOTLINE_MATTERS = [
    ("infrastructure", "村东头路灯坏了两周，晚上出行不便。", "normal"),
    ("pollution", "村北有人夜间焚烧垃圾，烟味很大。", "urgent"),
    ("village_affairs", "村里公示的低保名单有疑问，想了解评定情况。", "normal"),
    ("property_mgmt", "小区物业不清理楼道杂物，存在消防隐患。", "normal"),
    ("labour", "在村里果园打工的工钱三个月没结。", "normal"),
    ("infrastructure", "村口道路塌陷一块，车辆通行危险。", "urgent"),
]
ONLINE_MATTERS = [
    ("neighbour", "邻居家的狗夜里一直叫，影响休息。"),
    ("housing_land", "邻居翻建房屋占了我家宅基地一尺。"),
    (None, "村里健身器材坏了，老人孩子用着危险。"),
    ("marriage_family", "兄弟几个对老人赡养费分担有分歧。"),
    ("consumer", "在村里小卖部买到过期食品，老板不肯退。"),
    (None, "想咨询土地流转合同到期后怎么续签。"),
]
NAMES = ["王建国", "李秀英", "张志强", "刘桂兰", "陈立新", "赵淑珍"]


def seed_hotline_and_online(rng: random.Random) -> list[Case]:
    """About six 12345 cases and six online cases at random villages; a rerun adds none twice."""
    centers = list(Center.objects.select_related("division__parent").order_by("pk"))
    if not centers:
        return []
    cases = [_hotline_case(rng, centers, n, matter) for n, matter in enumerate(HOTLINE_MATTERS)]
    cases += [_online_case(rng, centers, n, matter) for n, matter in enumerate(ONLINE_MATTERS)]
    return [case for case in cases if case is not None]


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


def _hotline_case(rng: random.Random, centers: list[Center], n: int, matter: tuple[str, str, str]) -> Case | None:
    category, content, urgency = matter
    center = rng.choice(centers)
    received = timezone.now() - timedelta(hours=rng.randint(1, 72))
    order_no = f"BJ12345-DEMO-{n + 1:06d}"
    if Case.objects.filter(hotline_order_no=order_no).exists():
        return None
    data = {
        "order_no": order_no, "received_at": received.isoformat(),
        "caller": {"name": rng.choice(NAMES), "phone": _phone(rng)},
        "division_code": center.division.code, "address": f"平谷区{center.division.name}{rng.randint(1, 9)}街",
        "category": category, "content": content, "urgency": urgency,
    }
    order, errors = validate_order(data, now=timezone.now())
    if errors:
        return None  # a demo database without that category: skip rather than fail the seed
    if order.reply_by < timezone.now() + timedelta(hours=1):
        # An order on a short clock (2 or 24 hours) came in recently enough to be answered in time: the demo's
        # overdue cases are the ones it means to be, not ones the sweep would escalate minutes after `make run`.
        data["received_at"] = (timezone.now() - timedelta(minutes=rng.randint(5, 50))).isoformat()
        order, errors = validate_order(data, now=timezone.now())
    return register_case(center=order.center, intake=hotline_intake(order), actor=None)


def _online_case(rng: random.Random, centers: list[Center], n: int, matter: tuple[str | None, str]) -> Case | None:
    from ..models import Category

    code, description = matter
    if Case.objects.filter(source=Case.Source.ONLINE, description=description).exists():
        return None
    category = Category.objects.filter(code=code, active=True).first() if code else None
    data = {"name": rng.choice(NAMES), "phone": _phone(rng), "description": description,
            "address": "", "category": category, "photos": []}
    return register_case(center=rng.choice(centers), intake=online_intake(data), actor=None)
