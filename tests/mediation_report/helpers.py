"""Cases taken through the real services at chosen local times, for the report's hand-counted tests."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine

from cases import services
from cases.mediation_report.services import ReportFields
from cases.models import Case, Category
from pinggu_center.models import Center, Level, User

SHANGHAI = ZoneInfo("Asia/Shanghai")
_phones = iter(range(10_000_000))


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def register(center: Center, actor: User, *, at: datetime, category: str = "neighbour", parties: int = 1,
             kind: str = Case.Kind.DISPUTE) -> Case:
    people = [services.PartyData(name=f"当事人{n}", phone=f"139{next(_phones):08d}") for n in range(parties)]
    intake = services.Intake(source=Case.Source.RECEPTION, category=Category.objects.get(code=category),
                             title="纠纷", description="经过。", parties=people, rights_informed=True, kind=kind)
    with time_machine.travel(at, tick=False):
        return services.register_case(center=center, intake=intake, actor=actor)


def fields(*, succeeded: bool = True, agreement: str = "written", people: int = 1, amount: str | None = None,
           oral: str = "", **preventions) -> ReportFields:
    return ReportFields(succeeded=succeeded, agreement_form=agreement, people=people, oral_terms=oral,
                        amount=Decimal(amount) if amount is not None else None, **preventions)


def archive(case: Case, actor: User, *, at: datetime, outcome: str = "resolved",
            report: ReportFields | None = None) -> Case:
    with time_machine.travel(at, tick=False):
        return services.archive_case(case_id=case.pk, actor=actor, outcome=outcome, summary="总结。", report=report)


def escalate_to_town(case: Case, actor: User, *, at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        services.escalate_case(case_id=case.pk, from_level=Level.VILLAGE, actor=actor, reason="涉及多户。")
        services.route_escalation(case_id=case.pk, level=Level.TOWN)


def reopen(case: Case, actor: User, *, at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        services.record_follow_up(case_id=case.pk, actor=actor, performance="na", risk="", satisfaction="unsatisfied",
                                  note="不满意。", reopen=True)
