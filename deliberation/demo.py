"""Demo deliberation: meetings (some without quorum), votes and public resolutions, 四议两公开 matters, village rules."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from pinggu_center.demo.files import demo_pdf
from pinggu_center.models import Center

from . import rules
from .models import (
    CenterDocument,
    DocumentKind,
    MajorMatter,
    MatterStep,
    MatterStepRecord,
    Meeting,
    MeetingKind,
    Resolution,
    Topic,
    Vote,
)

TOPICS = [
    "村东主路硬化工程方案",
    "村集体果园承包到期后的续包方式",
    "2027年度村级公益事业项目安排",
    "村内垃圾分类积分兑换办法",
    "冬季清洁取暖补贴发放方案",
    "村民自治章程修订",
    "宅基地审批公示",
    "低保户评议结果",
    "村办公用房修缮预算",
    "大桃合作社分红方案",
]
# kind → (eligible range, title)
KINDS = {
    MeetingKind.VILLAGER: ((500, 1400), "村民会议"),
    MeetingKind.HOUSEHOLD: ((180, 520), "户代表会议"),
    MeetingKind.REPRESENTATIVES: ((25, 45), "村民代表会议"),
    MeetingKind.COMMITTEE: ((5, 7), "村民委员会会议"),
    MeetingKind.JOINT: ((9, 13), "两委联席会议"),
}


def seed(*, scale: int, stdout) -> None:
    if Meeting.objects.exists() or not Center.objects.exists():
        stdout.write("Deliberation already present (or no centers); left as it is.")
        return
    rng = random.Random(2027)
    centers = list(Center.objects.order_by("division__code").select_related("division"))
    xfgz = next((c for c in centers if c.division.name == "西凡各庄村"), centers[0])
    chosen = [xfgz, *rng.sample([c for c in centers if c != xfgz], min(60, len(centers) - 1))]
    meetings = _meetings(rng, chosen)
    topics = _topics(rng, meetings)
    resolutions = _votes(rng, meetings, topics)
    _matters(xfgz, resolutions)
    CenterDocument.objects.bulk_create(
        [
            CenterDocument(center=xfgz, kind=DocumentKind.CHARTER, title="西凡各庄村村民自治章程", file=demo_pdf()),
            CenterDocument(center=xfgz, kind=DocumentKind.RULES, title="西凡各庄村议事规则", file=demo_pdf()),
        ]
    )
    stdout.write(f"Deliberation: {len(meetings)} meetings, {len(topics)} topics, {len(resolutions)} resolutions.")


def _meetings(rng: random.Random, centers: list[Center]) -> list[Meeting]:
    now = timezone.localtime()
    rows = []
    for index, center in enumerate(centers):
        for number in range(rng.randint(2, 4) if index else 4):
            kind = MeetingKind.REPRESENTATIVES if (index == 0 and number == 0) else rng.choice(list(KINDS))
            (low, high), name = KINDS[kind]
            eligible = rng.randint(low, high)
            # About one meeting in five falls short of its quorum.
            share = rng.uniform(0.35, 0.6) if rng.random() < 0.2 else rng.uniform(0.7, 0.95)
            held = timezone.make_aware(datetime.combine(now.date() - timedelta(days=rng.randint(3, 170)), time(19, 0)))
            notice = held.date() - timedelta(days=rng.choice([3, 7, 10, 12, 15]) if kind in rules.VILLAGER_KINDS else 3)
            rows.append(
                Meeting(
                    center=center, kind=kind, title=f"{held:%Y}年第{number + 1}次{name}", notice_date=notice,
                    held_at=held, venue="村委会议室", eligible_count=eligible,
                    present_count=max(1, min(eligible, round(eligible * share))),
                )
            )
    return Meeting.objects.bulk_create(rows)


def _topics(rng: random.Random, meetings: list[Meeting]) -> list[Topic]:
    rows = []
    for meeting in meetings:
        for position, title in enumerate(rng.sample(TOPICS, rng.randint(1, 3)), start=1):
            rows.append(Topic(meeting=meeting, position=position, title=title))
    return Topic.objects.bulk_create(rows)


def _votes(rng: random.Random, meetings: list[Meeting], topics: list[Topic]) -> list[Resolution]:
    """Quorate meetings voted on their topics; the rest could not (as the rules say)."""
    votes, resolutions = [], []
    for topic in topics:
        meeting = topic.meeting
        if not (meeting.quorum_met and meeting.notice_ok):
            continue
        present = meeting.present_count
        votes_for = rng.randint(present // 2 - 1, present) if present > 2 else present
        against = rng.randint(0, present - votes_for)
        votes.append(Vote(topic=topic, votes_for=votes_for, votes_against=against, abstentions=present - votes_for - against))
        adopted = rules.majority_reached(votes_for=votes_for, present=present)
        text = f"同意{topic.title}。" if adopted else f"{topic.title}未获到会人员过半数同意，暂缓实施。"
        resolutions.append(Resolution(topic=topic, adopted=adopted, text=text, published_at=meeting.held_at + timedelta(days=1)))
    Vote.objects.bulk_create(votes)
    return Resolution.objects.bulk_create(resolutions)


def _matters(center: Center, resolutions: list[Resolution]) -> None:
    """One matter halfway through 四议两公开 (reviewed, not yet resolved) and one taken to its public resolution."""
    today = timezone.localdate()
    halfway = MajorMatter.objects.create(
        center=center, title="村集体果园承包到期后的续包方式", current_step=MatterStep.REVIEW,
        description="果园 120 亩承包合同年底到期，拟公开竞价续包。",
    )
    adopted = next(
        (r for r in resolutions if r.adopted and r.topic.meeting.center_id == center.pk
         and r.topic.meeting.kind in (MeetingKind.REPRESENTATIVES, MeetingKind.VILLAGER, MeetingKind.HOUSEHOLD)),
        None,
    )
    steps = [
        MatterStepRecord(matter=halfway, step=MatterStep.PROPOSAL, done_on=today - timedelta(days=30), note="村党支部会议提出续包方案"),
        MatterStepRecord(matter=halfway, step=MatterStep.DISCUSSION, done_on=today - timedelta(days=21), note="两委联席会议商议，修改竞价规则"),
        MatterStepRecord(matter=halfway, step=MatterStep.REVIEW, done_on=today - timedelta(days=14), note="党员大会审议通过"),
    ]
    if adopted is not None:
        done = MajorMatter.objects.create(
            center=center, title=adopted.topic.title, current_step=MatterStep.RESOLUTION_PUBLIC,
            description="按四议两公开办理。",
        )
        held = timezone.localdate(adopted.topic.meeting.held_at)
        for offset, step, note in [
            (-30, MatterStep.PROPOSAL, "村党支部提议"),
            (-20, MatterStep.DISCUSSION, "两委会商议"),
            (-10, MatterStep.REVIEW, "党员大会审议"),
            (0, MatterStep.RESOLUTION, "村民代表会议表决通过"),
            (1, MatterStep.RESOLUTION_PUBLIC, "决议在村务公开栏和平台公示"),
        ]:
            steps.append(
                MatterStepRecord(
                    matter=done, step=step, done_on=held + timedelta(days=offset), note=note,
                    resolution=adopted if step == MatterStep.RESOLUTION else None,
                )
            )
    MatterStepRecord.objects.bulk_create(steps)
