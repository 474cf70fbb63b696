"""Demo households and eight weeks of visits (see shared contract "Demo data"); a second run changes nothing."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from cases.models import Category
from pinggu_center.demo.names import mobile, person_name
from pinggu_center.models import Division, Level, Member

from . import tally
from .models import Household, Tag, Visit, name_initials
from .selectors import visiting_members, week_start_of
from .services import record_week_quota, turn_visit_into_case

BUSY_VILLAGES = ["西凡各庄村", "周村"]
WEEKS = 8
RAISED = [
    "反映宅基地边界争议",
    "邻里因排水沟产生矛盾",
    "咨询养老保险缴费",
    "反映路灯不亮",
    "家庭赡养纠纷",
    "土地流转费用未结清",
]


def seed(*, scale: int, stdout) -> None:
    if Household.objects.exists():
        return
    rng = random.Random(20261124)
    _seed_households(rng)
    visits = _seed_visits(rng, scale)
    _seed_cases(rng, visits)
    tally.rebuild()  # the visits above were written in bulk, past the services that count them
    this_week = week_start_of(timezone.localdate())
    for weeks_ago in range(WEEKS, 0, -1):
        record_week_quota(week_start=this_week - timedelta(weeks=weeks_ago))
    stdout.write(f"visits: {Household.objects.count()} households, {len(visits)} visits")


def _seed_households(rng: random.Random) -> None:
    rows = []
    for village in Division.objects.filter(level=Level.VILLAGE).order_by("code"):
        count = 30 if village.name in BUSY_VILLAGES else 8
        for n in range(1, count + 1):
            tags = rng.sample(Tag.values, k=rng.choice([0, 0, 0, 1, 1, 2]))
            head_name = person_name(rng)
            rows.append(
                Household(
                    division=village,
                    address=f"{village.name}{n}号",
                    head_name=head_name,
                    name_initials=name_initials(head_name),
                    phone=mobile(rng),
                    members_count=rng.randint(1, 6),
                    tags=tags,
                )
            )
    Household.objects.bulk_create(rows, batch_size=2000)


def _seed_visits(rng: random.Random, scale: int) -> list[Visit]:
    today = timezone.localdate()
    first_monday = week_start_of(today) - timedelta(weeks=WEEKS)
    categories = list(Category.objects.filter(active=True))
    visits, links = [], []
    for village in Division.objects.filter(name__in=BUSY_VILLAGES, level=Level.VILLAGE):
        households = list(Household.objects.filter(division=village))
        cadres = list(visiting_members().filter(center__division=village, retired_on__isnull=True))
        # The demo cadres have served since before the eight weeks shown.
        Member.objects.filter(pk__in=[m.pk for m in cadres]).update(joined_on=first_monday - timedelta(weeks=4))
        for index, cadre in enumerate(cadres):
            per_week = 3 if index % 4 == 3 else 6  # every fourth cadre falls short
            for week in range(WEEKS + 1):
                monday = first_monday + timedelta(weeks=week)
                for household in rng.sample(households, k=min(per_week * scale, len(households))):
                    day = monday + timedelta(days=rng.randrange(7))
                    if day > today:
                        continue
                    raised = rng.random() < 0.3
                    visits.append(
                        Visit(
                            household=household,
                            division=village,
                            visited_on=day,
                            mode=rng.choice(Visit.Mode.values),
                            raised=rng.choice(RAISED) if raised else "",
                            category=rng.choice(categories) if raised and categories else None,
                            needs_action=raised and rng.random() < 0.3,
                        )
                    )
                    links.append(cadre)
    Visit.objects.bulk_create(visits, batch_size=2000)
    Household.objects.filter(division__name__in=BUSY_VILLAGES).recount_last_visits()
    through = Visit.cadres.through
    through.objects.bulk_create(
        [through(visit_id=v.pk, member_id=m.pk) for v, m in zip(visits, links, strict=True)], batch_size=2000
    )
    return visits


def _seed_cases(rng: random.Random, visits: list[Visit]) -> None:
    candidates = [visit for visit in visits if visit.needs_action and visit.category_id]
    for visit in rng.sample(candidates, k=min(5, len(candidates))):
        turn_visit_into_case(
            visit_id=visit.pk, actor=None, category=visit.category, title=visit.raised[:100], rights_informed=True
        )
