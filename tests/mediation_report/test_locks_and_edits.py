"""Locking a period refuses changes to its figures; reopening and editing before and after a lock; the audit."""

from __future__ import annotations

import pytest
import time_machine

from cases import services
from cases.mediation_report import services as report_services
from cases.mediation_report.models import MediationRecord, ReportLock
from cases.mediation_report.periods import ReportPeriod
from cases.mediation_report.selectors import mediation_report
from cases.models import CaseEvent
from cases.timeline import describe
from pinggu_center.models import AuditLog

from .helpers import archive, fields, local, register, reopen

pytestmark = pytest.mark.django_db
Q3, Q4 = ReportPeriod.parse("2026-Q3"), ReportPeriod.parse("2026-Q4")


def mediated(division, period) -> int:
    return mediation_report(division, period).total.values["mediated"]


def refused(code: str):
    """Expect a rule error with this code."""
    return pytest.raises(services.CaseRuleError, check=lambda error: error.code == code)


def lock(user, division, period, at=None) -> int:
    with time_machine.travel(at or local(2026, 10, 5, 9), tick=False):
        return report_services.lock_period(actor=user, division=division, period=period)


@pytest.fixture
def september_case(org, director):
    case = register(org.center, director, at=local(2026, 9, 1, 9))
    return archive(case, director, at=local(2026, 9, 20, 9), report=fields(people=2, amount="800"))


def test_reopened_before_the_lock_leaves_its_month_and_counts_where_closed_again(org, director, september_case):
    reopen(september_case, director, at=local(2026, 9, 25, 9))
    assert mediated(org.village, Q3) == 0
    archive(september_case, director, at=local(2026, 10, 8, 9), report=fields(people=2))
    assert (mediated(org.village, Q3), mediated(org.village, Q4)) == (0, 1)


def test_reopened_after_the_lock_stays_counted_in_the_locked_period_once(org, director, town_user, september_case):
    assert lock(town_user, org.town, Q3) == 3
    reopen(september_case, director, at=local(2026, 10, 10, 9))
    assert mediated(org.village, Q3) == 1  # the locked figures do not move
    record = MediationRecord.objects.get(case=september_case)
    assert record.counted and record.month.month == 9
    archive(september_case, director, at=local(2026, 10, 20, 9))
    assert (mediated(org.village, Q3), mediated(org.village, Q4)) == (1, 0)  # counted once, in the locked period
    assert mediation_report(org.town, Q3).total.values["amount"] == 800


def test_archiving_again_with_other_figures_after_the_lock_is_refused(org, director, town_user, september_case):
    lock(town_user, org.town, Q3)
    reopen(september_case, director, at=local(2026, 10, 10, 9))
    with refused("report_period_locked"):
        archive(september_case, director, at=local(2026, 10, 20, 9), report=fields(people=9))


def test_the_director_edits_before_the_lock_and_is_refused_after(org, director, town_user, september_case):
    with time_machine.travel(local(2026, 10, 2, 9), tick=False):
        report_services.update_report(case_id=september_case.pk, actor=director,
                                      fields=fields(people=3, amount="900", criminal=True, criminal_people=3))
    total = mediation_report(org.village, Q3).total.values
    assert (total["people"], total["amount"], total["criminal"], total["criminal_people"]) == (3, 900, 1, 3)
    event = september_case.events.get(kind=CaseEvent.Kind.REPORT_EDITED)
    assert event.actor == director and event.data == {"fields": ["people", "amount", "criminal", "criminal_people"]}
    assert describe(event) == "修改：涉及人数、涉及金额（元）、防止民间纠纷转化为刑事案件、防止民转刑涉及人数"
    lock(town_user, org.town, Q3)
    with refused("report_period_locked"):
        report_services.update_report(case_id=september_case.pk, actor=director, fields=fields(people=4))
    assert mediation_report(org.village, Q3).total.values["people"] == 3


def test_a_district_lock_freezes_every_unit_and_unlocking_lets_edits_through(org, director, district_admin,
                                                                             september_case):
    lock(district_admin, org.district, ReportPeriod.parse("2026-09"))
    with refused("report_period_locked"):
        report_services.update_report(case_id=september_case.pk, actor=director, fields=fields(people=4))
    with time_machine.travel(local(2026, 10, 6, 9), tick=False):
        assert report_services.unlock_period(actor=district_admin, division=org.district, period=Q3) == 1
    report_services.update_report(case_id=september_case.pk, actor=director, fields=fields(people=4))
    assert mediated(org.district, Q3) == 1


def test_locking_and_unlocking_are_audited_and_kept(org, town_user):
    lock(town_user, org.town, Q3)
    assert lock(town_user, org.town, ReportPeriod.parse("2026-09")) == 0  # already locked: nothing new
    report_services.unlock_period(actor=town_user, division=org.town, period=Q3)
    details = list(AuditLog.objects.filter(action=AuditLog.Action.CHANGE).order_by("at", "pk")
                   .values_list("detail", "username"))
    assert details == [("锁定人民调解统计：峪口地区 2026年第三季度", "town"),
                       ("锁定人民调解统计：峪口地区 2026年9月", "town"),
                       ("解锁人民调解统计：峪口地区 2026年第三季度", "town")]
    assert ReportLock.objects.filter(unlocked_at__isnull=False).count() == 3  # history kept


@pytest.mark.parametrize("who", ["director", "other_town_user", "auditor"])
def test_only_the_town_or_the_district_locks(org, who, request):
    if who == "other_town_user":
        from tests.factories import UserFactory

        user = UserFactory(role="town_staff", division=org.other_town)
    else:
        user = request.getfixturevalue(who)
    with refused("report_lock_not_allowed"):
        lock(user, org.town, Q3)
    assert not ReportLock.objects.exists()


def test_a_period_that_has_not_ended_cannot_be_locked(org, town_user):
    with refused("report_period_not_ended"):
        lock(town_user, org.town, Q4, at=local(2026, 12, 31, 23, 59, 59))


@pytest.mark.parametrize(("report", "code"), [
    (fields(people=1), "report_people_below_parties"),
    (fields(people=2, criminal=True, criminal_people=3), "report_prevention_people_above_total"),
    (fields(people=2, suicide=True, suicide_people=0), "report_prevention_people_missing"),
    (fields(people=2, agreement="oral"), "report_oral_terms_missing"),
    (fields(people=2, agreement="none"), "report_agreement_missing"),
    (fields(people=2, succeeded=False, agreement="written"), "report_agreement_without_success"),
    (fields(people=2, amount="-1"), "report_amount_negative"),
])
def test_broken_rules_refuse_the_archive_and_write_nothing(org, director, report, code):
    case = register(org.center, director, at=local(2026, 9, 1, 9), parties=2)
    with refused(code):
        archive(case, director, at=local(2026, 9, 2, 9), report=report)
    case.refresh_from_db()
    assert case.status == "registered" and not MediationRecord.objects.exists()


def test_unresolved_cannot_be_a_success(org, director):
    case = register(org.center, director, at=local(2026, 9, 1, 9))
    with refused("report_success_unresolved"):
        archive(case, director, at=local(2026, 9, 2, 9), outcome="unresolved", report=fields())


def test_an_archive_without_the_form_records_defaults_from_the_case(org, director):
    case = register(org.center, director, at=local(2026, 9, 1, 9), parties=2)
    archive(case, director, at=local(2026, 9, 2, 9))
    record = MediationRecord.objects.get(case=case)
    assert (record.succeeded, record.agreement_form, record.people, record.counted) == (True, "oral", 2, True)
