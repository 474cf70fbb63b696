"""Six months of believable cases in ~30 villages, built through the real services so every invariant holds.

The services read the clock through `django.utils.timezone.now`; the seed moves a simulated clock forward
step by step for each case (registration, path, sessions, whistle, closure, follow-up), never past the real
present, so a case whose next step would lie in the future simply stays open at the step it reached.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from pinggu_center import topics
from pinggu_center.demo.names import mobile, person_name
from pinggu_center.models import (
    Center,
    Department,
    Division,
    Level,
    Member,
    Outbox,
    User,
)

from . import services
from .mediation_report.demo import believable_fields
from .mediation_report.services import is_reportable
from .models import Agreement, Case, Category, FollowUp, Transfer

CASES_PER_SCALE = 300
DAYS_BACK = 182

# Villages with activity: all of 峪口地区, 周村, and one or two known villages of other towns.
OTHER_VILLAGES = [
    "周村",
    "大兴庄村",
    "东高村",
    "曹家庄村",
    "马坊村",
    "将军关村",
    "大华山村",
    "建西社区",
]
WEIGHTS = {"西凡各庄村": 8, "周村": 5, "峪口村": 3}

# category code → (title, what happened); {a} and {b} are the parties' names.
CONTENT: dict[str, list[tuple[str, str]]] = {
    "neighbour": [
        (
            "楼上漏水殃及邻居",
            "{a}反映楼上{b}家卫生间长期漏水，导致其家中天花板发霉、墙皮脱落，多次沟通未果。",
        ),
        (
            "邻里噪音扰民",
            "{a}称邻居{b}家中夜间经常装修、打麻将至深夜，影响老人休息，双方多次发生口角。",
        ),
        (
            "排水沟堵塞引发争执",
            "{a}与{b}因院外排水沟被堆放柴草堵塞，雨后积水倒灌院内发生争执。",
        ),
    ],
    "housing_land": [
        (
            "宅基地界址争议",
            "{a}与{b}两户相邻，{b}翻建房屋时院墙向{a}一侧延伸约半米，{a}要求拆除恢复原界。",
        ),
        (
            "翻建房屋遮挡采光",
            "{b}翻建二层楼房，{a}认为新房遮挡其正房采光，要求降低高度或给予补偿。",
        ),
    ],
    "forest_land": [
        (
            "土地承包地块边界纠纷",
            "{a}与{b}承包地相邻，对地界桩位置各执一词，{b}耕种时越界种植玉米两垄。",
        ),
        (
            "果园承包到期后续包争议",
            "{a}承包的村集体果园到期，{b}认为应重新发包，双方对续包条件发生争议。",
        ),
    ],
    "marriage_family": [
        (
            "子女不履行赡养义务",
            "{a}年逾八旬，有子女三人，儿子{b}以家庭困难为由拒绝分担赡养费和看病费用。",
        ),
        (
            "分家析产纠纷",
            "{a}与兄弟{b}因父母去世后老宅及院落如何分割发生争执，多次争吵。",
        ),
        (
            "夫妻感情纠纷",
            "{a}反映丈夫{b}长期酗酒、不顾家，双方矛盾激化，请求中心帮助调解。",
        ),
    ],
    "labour": [
        (
            "拖欠工资",
            "{a}等五人在{b}承包的工地务工三个月，工程完工后仍有两万余元工资未结清。",
        ),
        (
            "务工受伤赔偿",
            "{a}在{b}经营的果品加工点干活时被机器划伤手臂，就医药费和误工费发生争议。",
        ),
    ],
    "damages": [
        (
            "狗咬伤人",
            "{a}路过{b}家门口时被其散养的狗咬伤小腿，打狂犬疫苗花费一千余元，双方就赔偿发生争议。",
        ),
        ("羊群啃食庄稼", "{b}放养的羊群进入{a}的玉米地啃食青苗，{a}要求赔偿损失。"),
    ],
    "contract": [
        (
            "大桃收购款未付",
            "{a}将自家大桃卖给收购商{b}，约定一周内付款，现已逾期一个月仍欠款八千元。",
        ),
        ("房屋租赁押金纠纷", "{a}租住{b}的房屋，退租时{b}以房屋损坏为由拒退押金。"),
    ],
    "traffic": [
        (
            "电动车剐蹭纠纷",
            "{a}骑电动三轮车与{b}驾驶的摩托车在村口剐蹭，双方均有轻微擦伤，就责任和修车费争执。",
        )
    ],
    "pollution": [
        (
            "养殖场异味扰民",
            "{a}等村民反映{b}经营的养猪场粪污处理不当，夏季异味严重、蚊蝇滋生。",
        )
    ],
    "village_affairs": [
        (
            "低保评定有异议",
            "{a}认为本户符合低保条件却未被评上，对村里评议过程有意见，要求公开说明。",
        )
    ],
    "property_mgmt": [
        (
            "物业费与停车位纠纷",
            "{a}对小区物业{b}收取停车管理费有异议，拒交物业费，双方僵持。",
        )
    ],
    "infrastructure": [
        (
            "村内道路破损",
            "{a}反映村内主路坑洼积水，雨天老人孩子出行不便，希望尽快修缮。",
        )
    ],
    "consumer": [("农资质量纠纷", "{a}在{b}门市部购买的化肥施用后果树出现烧根，要求退款赔偿。")],
}
SOURCES = [
    ("reception", 40),
    ("visit", 20),
    ("grid", 15),
    ("hotline", 10),
    ("online", 8),
    ("petition", 4),
    ("other", 3),
]
SCENARIOS = [
    ("fresh", 7),
    ("direct", 30),
    ("joint", 15),
    ("peoples", 15),
    ("legal", 7),
    ("escalate", 10),
    ("transfer", 8),
    ("enforcement", 3),
    ("withdrawn", 5),
]


class _Stop(Exception):
    """The next step would happen after the real present: leave the case where it is."""


class _Clock:
    def __init__(self) -> None:
        self.real_now = timezone.now()
        self.now = self.real_now

    def at(self, moment: datetime) -> None:
        if moment > self.real_now - timedelta(minutes=5):
            raise _Stop
        self.now = moment

    def advance(self, rng: random.Random, low: float, high: float) -> None:
        self.at(self.now + timedelta(hours=rng.uniform(low, high)))


@contextmanager
def _simulated_time(clock: _Clock) -> Iterator[None]:
    """Make timezone.now (and every model field defaulting to it) read the simulated clock."""
    original = timezone.now
    fields = [f for m in apps.get_models() for f in m._meta.concrete_fields if f.default is original]

    def fake() -> datetime:
        return clock.now

    timezone.now = fake
    for field in fields:
        field.default = fake
        field.__dict__.pop("_get_default", None)
    try:
        yield
    finally:
        timezone.now = original
        for field in fields:
            field.default = original
            field.__dict__.pop("_get_default", None)


def seed(*, scale: int, stdout) -> None:
    if Case.objects.exists():
        stdout.write("Cases already present; left as they are.")
        return
    started = time.monotonic()
    rng = random.Random(2026)
    seeder = _Seeder(rng)
    clock = _Clock()
    starts = sorted(clock.real_now - timedelta(days=DAYS_BACK * rng.random()) for _ in range(CASES_PER_SCALE * scale))
    with _simulated_time(clock):
        for start in starts:
            seeder.build(clock, start)
    # Escalations were routed here, directly; their outbox rows need no worker.
    Outbox.objects.filter(topic=topics.ROUTE_ESCALATION.name, status=Outbox.Status.PENDING).update(
        status=Outbox.Status.DONE, done_at=clock.real_now
    )
    seeded = time.monotonic() - started
    if find_spec("cases.hotline") is not None and find_spec("cases.hotline.demo") is not None:
        import_module("cases.hotline.demo").seed_hotline_and_online(rng)
    elapsed = time.monotonic() - started
    stdout.write(
        f"Cases: {Case.objects.count()} in {len(seeder.villages)} villages "
        f"({seeded:.1f} s; with hotline and online intake {elapsed:.1f} s)."
    )


class _Seeder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        yukou = Division.objects.get(name="峪口地区", level=Level.TOWN)
        villages = list(Division.objects.filter(parent=yukou).order_by("code"))
        villages += list(Division.objects.filter(name__in=OTHER_VILLAGES, level=Level.VILLAGE).order_by("code"))
        self.villages = villages
        self.weights = [WEIGHTS.get(v.name, 1) for v in villages]
        self.centers = {c.division_id: c for c in Center.objects.filter(division__in=villages)}
        self.categories = {c.code: c for c in Category.objects.filter(code__in=CONTENT)}
        self.users: dict[str, User] = {u.username: u for u in User.objects.all()}
        self.district = Division.objects.get(level=Level.DISTRICT)

    # --- actors -------------------------------------------------------------------------------------

    def _user(self, username: str, **fields) -> User:
        if username not in self.users:
            user = User(username=username, **fields)
            user.set_unusable_password()
            user.save()
            self.users[username] = user
        return self.users[username]

    def director(self, village: Division) -> User:
        known = {"西凡各庄村": "xfgz_director", "周村": "zhoucun_director"}.get(village.name)
        if known:
            return self.users[known]
        username = f"{village.code}_director"
        if username in self.users:
            return self.users[username]
        member = Member.objects.filter(center__division=village, roles__code="director").first()
        name = member.name if member else "主任"
        return self._user(
            f"{village.code}_director",
            role=User.Role.VILLAGE_DIRECTOR,
            division=village,
            last_name=name[:1],
            first_name=name[1:],
        )

    def town_staff(self, town: Division) -> User:
        if town.name == "峪口地区":
            return self.users["yukou"]
        return self._user(
            f"{town.code}_staff",
            role=User.Role.TOWN_STAFF,
            division=town,
            last_name="镇",
            first_name="办公室",
        )

    def department_staff(self, department: Department) -> User:
        if department.name == "峪口地区司法所":
            return self.users["yukou_sifasuo"]
        return self._user(
            f"dept{department.pk}_staff",
            role=User.Role.DEPARTMENT_STAFF,
            division=department.division,
            department=department,
            last_name="部门",
            first_name="联络员",
        )

    def holder_user(self, case: Case) -> User:
        if case.level == Level.VILLAGE:
            return self.director(case.division)
        if case.level == Level.TOWN:
            return self.town_staff(case.division.parent)
        return self.users["district"]

    # --- one case -----------------------------------------------------------------------------------

    def build(self, clock: _Clock, start: datetime) -> None:
        rng = self.rng
        scenario = rng.choices([s for s, _ in SCENARIOS], [w for _, w in SCENARIOS])[0]
        if scenario == "fresh":
            start = max(start, clock.real_now - timedelta(days=rng.uniform(0.1, 4)))
        clock.now = start
        village = rng.choices(self.villages, self.weights)[0]
        case = self.register(village, enforcement=scenario == "enforcement")
        with suppress(_Stop):
            getattr(self, f"_{scenario}")(clock, case)
        with suppress(_Stop):
            self.sweep_if_overdue(clock, case)

    def sweep_if_overdue(self, clock: _Clock, case: Case) -> None:
        """Play the overdue sweep where it would have run: a case left open past its deadline at a level the sweep
        escalates from was escalated (automatically) shortly after that deadline and routed up. So what the demo
        shows as overdue was meant to be, and a fresh `make run` gives the sweep nothing to do."""
        case.refresh_from_db()
        due = case.resolution_due
        if (
            case.status not in (Case.Status.REGISTERED, Case.Status.HANDLING)
            or not settings.AUTO_ESCALATE_OVERDUE.get(case.level)
            or due is None
            or due > clock.real_now - timedelta(hours=1)
        ):
            return
        clock.at(max(clock.now, due + timedelta(minutes=10)))
        level = case.level
        services.escalate_case(case_id=case.pk, from_level=level, actor=None, automatic=True,
                               reason=gettext("超过本层级办结期限，系统自动提级上报。"))
        clock.at(clock.now + timedelta(minutes=1))
        services.route_escalation(case_id=case.pk, level=Level.above(level))

    def register(self, village: Division, *, enforcement: bool) -> Case:
        rng = self.rng
        code = "pollution" if enforcement else rng.choice(list(CONTENT))
        title, text = rng.choice(CONTENT[code])
        a, b = person_name(rng), person_name(rng)
        parties = [
            services.PartyData(
                name=a,
                phone=mobile(rng),
                address=f"{village.name}{rng.randint(1, 300)}号",
            )
        ]
        if "{b}" in text:
            parties.append(
                services.PartyData(
                    name=b,
                    role="respondent",
                    phone=mobile(rng),
                    address=f"{village.name}{rng.randint(1, 300)}号",
                )
            )
        actor = (
            self.users["xfgz_cadre"] if village.name == "西凡各庄村" and rng.random() < 0.5 else self.director(village)
        )
        intake = services.Intake(
            source=rng.choices([s for s, _ in SOURCES], [w for _, w in SOURCES])[0],
            category=self.categories[code],
            title=title,
            description=text.format(a=a, b=b),
            parties=parties,
            kind=Case.Kind.ENFORCEMENT if enforcement else Case.Kind.DISPUTE,
            urgency=Case.Urgency.URGENT if rng.random() < 0.1 else Case.Urgency.NORMAL,
            occurred_on=(timezone.now() - timedelta(days=rng.randint(0, 10))).date(),
            location_text=village.name,
            rights_informed=True,
        )
        return services.register_case(center=self.centers[village.pk], intake=intake, actor=actor)

    def _fresh(self, clock: _Clock, case: Case) -> None:
        if self.rng.random() < 0.4:
            clock.advance(self.rng, 1, 20)
            self.choose(case, Case.Path.DIRECT)

    def choose(self, case: Case, path: str, method: str = "") -> None:
        basis = "《中华人民共和国人民调解法》第二十一条" if path == Case.Path.LEGAL else ""
        services.choose_path(
            case_id=case.pk,
            actor=self.holder_user(case),
            path=path,
            legal_method=method,
            legal_basis=basis,
        )

    def session(self, clock: _Clock, case: Case, outcome: str = "双方达成一致意见") -> None:
        clock.advance(self.rng, 4, 72)
        services.record_session(
            case_id=case.pk,
            actor=self.holder_user(case),
            held_at=timezone.now(),
            place="中心调解室",
            mediators=person_name(self.rng) + "、" + person_name(self.rng),
            parties_present="双方当事人",
            record="调解员释法说理，听取双方陈述，引导双方互谅互让。",
            outcome=outcome,
        )

    def close(self, clock: _Clock, case: Case, outcome: str = Case.Outcome.RESOLVED) -> None:
        clock.advance(self.rng, 2, 96)
        summaries = {
            Case.Outcome.RESOLVED: "经调解双方达成一致，当场履行，矛盾化解。",
            Case.Outcome.UNRESOLVED: "双方分歧较大，调解未成，已告知通过诉讼途径解决。",
            Case.Outcome.WITHDRAWN: "申请人主动撤回申请，双方自行和解。",
        }
        case.summary = summaries[outcome]
        services.archive_case(
            case_id=case.pk,
            actor=self.holder_user(case),
            outcome=outcome,
            summary=summaries[outcome],
            report=believable_fields(case, outcome) if is_reportable(case, outcome) else None,
        )
        self.follow_up(clock, case)

    def follow_up(self, clock: _Clock, case: Case) -> None:
        rng = self.rng
        if rng.random() < 0.15:
            return  # not followed up yet: shows on the workbench once a week has passed
        clock.advance(rng, 24 * 5, 24 * 20)
        satisfaction = rng.choices(FollowUp.Satisfaction.values, [60, 25, 15])[0]
        reopen = satisfaction == FollowUp.Satisfaction.UNSATISFIED and rng.random() < 0.4
        case.refresh_from_db()
        performance = (
            FollowUp.Performance.PERFORMED if hasattr(case, "agreement") else FollowUp.Performance.NOT_APPLICABLE
        )
        services.record_follow_up(
            case_id=case.pk,
            actor=self.holder_user(case),
            performance=performance,
            risk="" if satisfaction != FollowUp.Satisfaction.UNSATISFIED else "当事人仍有情绪，需持续关注。",
            satisfaction=satisfaction,
            note="电话回访当事人。",
            reopen=reopen,
            keep_closed_reason="" if reopen else "当事人诉求超出调解范围，已告知其他救济途径。",
        )

    # --- the scenarios ------------------------------------------------------------------------------

    def _direct(self, clock: _Clock, case: Case) -> None:
        clock.advance(self.rng, 0.5, 24)
        self.choose(case, Case.Path.DIRECT)
        if self.rng.random() < 0.1:
            return  # stalled: still handling, perhaps overdue
        self.session(clock, case)
        self.close(
            clock,
            case,
            Case.Outcome.RESOLVED if self.rng.random() < 0.9 else Case.Outcome.UNRESOLVED,
        )

    def _withdrawn(self, clock: _Clock, case: Case) -> None:
        clock.advance(self.rng, 1, 48)
        self.choose(case, Case.Path.DIRECT)
        self.close(clock, case, Case.Outcome.WITHDRAWN)

    def _joint(self, clock: _Clock, case: Case) -> None:
        rng = self.rng
        clock.advance(rng, 1, 24)
        self.choose(case, Case.Path.JOINT)
        clock.advance(rng, 1, 24)
        town = case.division.parent
        kinds = rng.sample(["justice_office", "police", "agriculture", "enforcement"], 2)
        departments = list(Department.objects.filter(division=town, kind__in=kinds))
        whistle = services.blow_whistle(
            case_id=case.pk,
            actor=self.holder_user(case),
            departments=departments,
            matter="矛盾复杂，涉及多个部门职责，请相关部门到场联合调解。",
        )
        answers = []
        for summons in whistle.summonses.select_related("department").order_by("pk"):
            timing = rng.choices(["on_time", "late", "never"], [65, 20, 15])[0]
            if timing == "on_time":
                answers.append(
                    (
                        whistle.blown_at + timedelta(hours=rng.uniform(2, 30)),
                        timing,
                        summons,
                    )
                )
            elif timing == "late":
                answers.append(
                    (
                        whistle.report_in_due + timedelta(hours=rng.uniform(3, 72)),
                        timing,
                        summons,
                    )
                )
        for moment, timing, summons in sorted(answers, key=lambda answer: answer[0]):
            clock.at(moment)
            self.report(case, summons, late=timing == "late")
        if len(answers) < len(departments):
            return  # a department has not reported in yet: the case waits
        self.session(clock, case, "多部门联合调解，双方初步达成共识")
        if rng.random() < 0.8:
            self.close(clock, case)

    def report(self, case: Case, summons, *, late: bool) -> None:
        services.report_in(
            summons_id=summons.pk,
            actor=self.department_staff(summons.department),
            note="已派员到场参加联合调解。",
            attended=True,
        )
        rating = self.rng.choices([5, 4, 3, 2], [40, 35, 18, 7])[0] - (1 if late else 0)
        comment = "报到超期，需加强衔接。" if late else "响应及时，配合到位。"
        services.rate_department(
            summons_id=summons.pk,
            actor=self.holder_user(case),
            rating=max(rating, 1),
            comment=comment,
        )

    def _peoples(self, clock: _Clock, case: Case) -> None:
        rng = self.rng
        clock.advance(rng, 1, 24)
        self.choose(case, Case.Path.LEGAL, Case.LegalMethod.PEOPLES)
        self.session(clock, case, "达成调解协议")
        clock.advance(rng, 1, 24)
        effective = timezone.localdate()
        parties = "、".join(case.parties.values_list("name", flat=True))
        services.save_agreement(
            case_id=case.pk,
            actor=self.holder_user(case),
            parties_details=parties,
            facts=case.description,
            disputed_matters="双方就责任承担和补偿数额存在争议。",
            terms="被申请人于履行期限内一次性支付补偿款，双方不再就此事发生争执。",
            performance="现金或转账一次性支付",
            performance_due=effective + timedelta(days=15),
            effective_on=effective,
            signatures_recorded=True,
            mediator_name=person_name(rng),
        )
        if rng.random() < 0.5:
            clock.advance(rng, 24, 24 * 20)
            court = Department.objects.get(division=self.district, kind=Department.Kind.COURT)
            result = rng.choice(Agreement.ConfirmationResult.values)
            services.record_confirmation(
                case_id=case.pk,
                actor=self.holder_user(case),
                applied_on=timezone.localdate(),
                court=court,
                result=result,
            )
        self.close(clock, case)

    def _legal(self, clock: _Clock, case: Case) -> None:
        clock.advance(self.rng, 1, 24)
        method = self.rng.choice(
            [
                Case.LegalMethod.ADMONITION,
                Case.LegalMethod.ADMINISTRATIVE,
                Case.LegalMethod.JUDICIAL,
            ]
        )
        self.choose(case, Case.Path.LEGAL, method)
        self.session(clock, case, "释法说理，当事人认识到自身过错")
        self.close(clock, case)

    def _escalate(self, clock: _Clock, case: Case) -> None:
        rng = self.rng
        clock.advance(rng, 1, 24)
        self.choose(case, Case.Path.DIRECT)
        self.session(clock, case, "双方分歧较大，村级调解未成")
        for level in (Level.VILLAGE, Level.TOWN):
            clock.advance(rng, 2, 48)
            services.escalate_case(
                case_id=case.pk,
                from_level=level,
                actor=self.holder_user(case),
                reason="涉及多方利益，村级难以化解，提请上级协调。"
                if level == Level.VILLAGE
                else "涉及跨镇街部门职责，提请区级协调。",
            )
            clock.advance(rng, 0.05, 0.5)
            services.route_escalation(case_id=case.pk, level=Level.above(level))
            case.refresh_from_db()
            if level == Level.TOWN or rng.random() < 0.7:
                break
        clock.advance(rng, 2, 48)
        self.choose(
            case,
            rng.choice([Case.Path.DIRECT, Case.Path.LEGAL]),
            Case.LegalMethod.ADMINISTRATIVE,
        )
        self.session(clock, case, "上级部门组织调处")
        if rng.random() < 0.75:
            self.close(clock, case)

    def _transfer(self, clock: _Clock, case: Case) -> None:
        rng = self.rng
        clock.advance(rng, 1, 24)
        town = case.division.parent
        department = rng.choice(list(Department.objects.filter(division=town, kind__in=["police", "agriculture"])))
        transfer = services.transfer_case(
            case_id=case.pk,
            actor=self.holder_user(case),
            target=Transfer.Target.DEPARTMENT,
            department=department,
            reason="属于职能部门法定职责，依法移交处置。",
        )
        self.feedback(clock, transfer)

    def _enforcement(self, clock: _Clock, case: Case) -> None:
        transfer = case.transfers.first()
        if transfer is not None:
            self.feedback(clock, transfer)

    def feedback(self, clock: _Clock, transfer: Transfer) -> None:
        if self.rng.random() < 0.3:
            return  # still waiting for the receiver's feedback
        clock.advance(self.rng, 24, 24 * 12)
        services.record_transfer_feedback(
            transfer_id=transfer.pk,
            actor=None,
            feedback="已到现场核查处置，责令整改完毕。",
        )
        self.follow_up(clock, transfer.case)
