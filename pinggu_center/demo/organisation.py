"""平谷区, its 18 town-level divisions, 311 villages and communities, their centers, rosters and departments."""

from __future__ import annotations

import random

from django.contrib.auth import get_user_model

from ..models import Center, Department, Division, Level, Member, Role
from .names import mobile, person_name

DISTRICT_CODE = "110117000000"
DEMO_PASSWORD = "pinggu2026"

# (name, abbreviation for case numbers, 9-digit code prefix, villages and communities, names we know)
TOWNS: list[tuple[str, str, str, int, list[str]]] = [
    ("滨河街道", "BH", "110117001", 12, ["建西社区", "滨河社区", "海关西社区", "承平园社区"]),
    ("兴谷街道", "XG", "110117002", 12, ["兴谷社区", "上纸寨社区", "西寺渠社区"]),
    ("渔阳地区", "YY", "110117003", 14, ["乐政务村", "北台头村", "岳各庄村"]),
    ("峪口地区", "YK", "110117104", 22, ["西凡各庄村", "峪口村", "东凡各庄村", "胡家营村", "中桥村", "坨头寺村", "三白山村"]),
    ("马坊地区", "MF", "110117105", 22, ["马坊村", "果各庄村", "英城村", "二条街村"]),
    ("金海湖地区", "JHH", "110117106", 32, ["将军关村", "黄草洼村", "上宅村", "韩庄村", "茅山后村", "海子村"]),
    ("东高村镇", "DGC", "110117107", 22, ["曹家庄村", "鲍家庄村", "青杨屯村", "东高村", "西高村", "崔家庄村", "普贤屯村"]),
    ("山东庄镇", "SDZ", "110117108", 14, ["山东庄村", "桃棚村", "鱼子山村", "北寨子村"]),
    ("南独乐河镇", "NDLH", "110117109", 18, ["南独乐河村", "北寨村", "峨眉山村", "甘营村"]),
    ("大华山镇", "DHS", "110117110", 24, ["大华山村", "挂甲峪村", "西峪村", "后北宫村", "泉水峪村"]),
    ("夏各庄镇", "XGZ", "110117111", 14, ["夏各庄村", "贤王庄村", "马各庄村"]),
    ("马昌营镇", "MCY", "110117112", 18, ["马昌营村", "王各庄村", "天井村"]),
    ("王辛庄镇", "WXZ", "110117113", 22, ["王辛庄村", "北上营村", "太后村", "许家务村"]),
    ("大兴庄镇", "DXZ", "110117114", 21, ["周村", "大兴庄村", "西柏店村", "唐庄子村", "北城子村", "韩屯村", "良庄子村"]),
    ("刘家店镇", "LJD", "110117115", 12, ["刘家店村", "丫髻山村", "北店村", "东山村"]),
    ("镇罗营镇", "ZLY", "110117116", 16, ["镇罗营村", "玻璃台村", "张家台村", "关上村"]),
    ("熊儿寨乡", "XEZ", "110117213", 8, ["熊儿寨村", "老泉口村", "北土门村"]),
    ("黄松峪乡", "HSY", "110117214", 8, ["黄松峪村", "塔洼村", "雕窝村"]),
]
VILLAGE_PREFIXES = "东西南北前后大小上下新中高李王张刘杨赵孙马胡郭何罗宋韩唐冯曹彭吕苏蒋贾丁魏薛"
VILLAGE_STEMS = ["各庄", "家庄", "家务", "营", "屯", "店", "峪", "寨", "台", "河", "官庄", "辛庄", "桥", "坨", "务"]

TOWN_DEPARTMENTS = [
    ("司法所", Department.Kind.JUSTICE_OFFICE),
    ("派出所", Department.Kind.POLICE),
    ("综合执法队", Department.Kind.ENFORCEMENT),
    ("农业农村办", Department.Kind.AGRICULTURE),
]
DISTRICT_DEPARTMENTS = [
    ("区司法局", Department.Kind.JUSTICE_BUREAU),
    ("区人民法院", Department.Kind.COURT),
    ("区城市管理综合行政执法局", Department.Kind.ENFORCEMENT),
    ("区信访办", Department.Kind.PETITION),
]
# Roster composition of a center: role code → how many people hold it.
ROSTER = [
    ("director", 1),
    ("committee", 3),
    ("mediator", 1),
    ("grid", 2),
    ("party_rep", 1),
    ("villager_rep", 2),
    ("town_liaison", 1),
    ("lawyer", 1),
    ("legal_liaison", 1),
]
DEMO_USERS = [
    # username, role, division name, department kind, family name, given name
    ("district", "district_admin", "平谷区", None, "孙", "立华"),
    ("yukou", "town_staff", "峪口地区", None, "李", "建平"),
    ("xfgz_director", "village_director", "西凡各庄村", None, "王", "德明"),
    ("xfgz_cadre", "village_staff", "西凡各庄村", None, "赵", "春梅"),
    ("zhoucun_director", "village_director", "周村", None, "周", "国强"),
    ("yukou_sifasuo", "department_staff", "峪口地区", Department.Kind.JUSTICE_OFFICE, "陈", "志明"),
]


def seed(*, scale: int, stdout) -> None:
    if Division.objects.filter(code=DISTRICT_CODE).exists():
        stdout.write("Organisation already present; left as it is.")
        return
    rng = random.Random(2026)
    district = Division.objects.create(name="平谷区", code=DISTRICT_CODE, level=Level.DISTRICT, abbr="PG")
    for name, kind in DISTRICT_DEPARTMENTS:
        Department.objects.create(name=name, kind=kind, division=district, phone=f"010-6996{rng.randrange(10**4):04d}")
    for town_name, abbr, prefix, count, known in TOWNS:
        town = Division.objects.create(name=town_name, code=prefix + "000", level=Level.TOWN, parent=district, abbr=abbr)
        for name, kind in TOWN_DEPARTMENTS:
            Department.objects.create(
                name=f"{town_name}{name}", kind=kind, division=town, phone=f"010-6{rng.randrange(10**7):07d}"
            )
        _seed_villages(town, prefix, _village_names(rng, town_name, known, count))
    _seed_rosters(rng)
    _seed_users()
    stdout.write(f"Organisation: {Division.objects.count()} divisions, {Center.objects.count()} centers.")


def _village_names(rng: random.Random, town_name: str, known: list[str], count: int) -> list[str]:
    names = list(known)
    community = town_name.endswith("街道")
    while len(names) < count:
        stem = rng.choice(VILLAGE_PREFIXES) + rng.choice(VILLAGE_STEMS)
        candidate = stem + ("社区" if community else "村")
        if candidate not in names:
            names.append(candidate)
    return names


def _seed_villages(town: Division, prefix: str, names: list[str]) -> None:
    communities = villages = 0
    for name in names:
        if name.endswith("社区"):
            communities += 1
            code = f"{prefix}{communities:03d}"
        else:
            villages += 1
            code = f"{prefix}{200 + villages:03d}"
        village = Division.objects.create(name=name, code=code, level=Level.VILLAGE, parent=town)
        Center.objects.create(
            division=village,
            name=f"{name}说事评理议事普法中心",
            address=f"平谷区{town.name}{name}村委会一层",
            phone=f"010-6{code[-7:]}",
            opening_hours="周一至周五 8:30-17:30；每月逢 5 日定期接待",
        )


def _seed_rosters(rng: random.Random) -> None:
    roles = {role.code: role for role in Role.objects.all()}
    memberships = []
    for center in Center.objects.order_by("division__code"):
        for role_code, count in ROSTER:
            for _ in range(count):
                member = Member(center=center, name=person_name(rng), phone=mobile(rng), title=roles[role_code].name)
                memberships.append((member, role_code))
    Member.objects.bulk_create([member for member, _ in memberships], batch_size=1000)
    through = Member.roles.through
    through.objects.bulk_create(
        [through(member_id=member.pk, role_id=roles[code].pk) for member, code in memberships], batch_size=2000
    )


def _seed_users() -> None:
    User = get_user_model()
    for username, role, division_name, department_kind, last_name, first_name in DEMO_USERS:
        division = Division.objects.get(name=division_name)
        department = (
            Department.objects.get(division=division, kind=department_kind) if department_kind is not None else None
        )
        user = User(
            username=username,
            role=role,
            division=division,
            department=department,
            last_name=last_name,
            first_name=first_name,
            is_staff=role == "district_admin",
            is_superuser=role == "district_admin",
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        if division.level == Level.VILLAGE:
            _link_roster_entry(user, division, "director" if role == "village_director" else "committee")


def _link_roster_entry(user, division: Division, role_code: str) -> None:
    """The demo director and cadre are the people on their center's roster, not strangers."""
    member = (
        Member.objects.filter(center__division=division, roles__code=role_code, user__isnull=True).order_by("pk").first()
    )
    member.name = user.get_full_name()
    member.user = user
    member.save(update_fields=["name", "user"])
