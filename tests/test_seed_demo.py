"""seed_demo builds the district of the demo-data contract with its activity; a second run changes nothing.

The district is seeded once for this module (it takes tens of seconds) inside a transaction that is rolled
back at the end, and every test reads it.
"""

from __future__ import annotations

import io
import time

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from cases.models import Agreement, Case, CaseEvent, FollowUp, Summons
from pinggu_center.models import Center, Department, Division, Level, User
from visits.models import Household, Visit, WeeklyQuotaResult

TOWNS = [
    "滨河街道", "兴谷街道", "渔阳地区", "峪口地区", "马坊地区", "金海湖地区", "东高村镇", "山东庄镇", "南独乐河镇",
    "大华山镇", "夏各庄镇", "马昌营镇", "王辛庄镇", "大兴庄镇", "刘家店镇", "镇罗营镇", "熊儿寨乡", "黄松峪乡",
]  # fmt: skip
DEMO_LOGINS = [
    ("district", "district_admin", "平谷区"),
    ("yukou", "town_staff", "峪口地区"),
    ("xfgz_director", "village_director", "西凡各庄村"),
    ("xfgz_cadre", "village_staff", "西凡各庄村"),
    ("zhoucun_director", "village_director", "周村"),
    ("yukou_sifasuo", "department_staff", "峪口地区"),
]


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


class _Rollback(Exception):
    pass


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed twice; yield the row counts after each run and the first run's time; roll everything back."""
    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                started = time.monotonic()
                call_command("seed_demo", stdout=io.StringIO())
                seconds = time.monotonic() - started
                first = _row_counts()
                call_command("seed_demo", stdout=io.StringIO())
                yield {"first": first, "second": _row_counts(), "seconds": seconds}
                raise _Rollback
        except _Rollback:
            pass


@pytest.fixture
def demo(seeded, db):
    return seeded


def test_second_run_changes_nothing(demo):
    assert demo["second"] == demo["first"]
    print(f"seed_demo took {demo['seconds']:.1f} s")  # shown with -s; timed by the benchmark, not asserted


def test_the_organisation_matches_the_contract(demo):
    district = Division.objects.get(level=Level.DISTRICT)
    assert (district.name, district.code) == ("平谷区", "110117000000")
    assert sorted(Division.objects.filter(level=Level.TOWN).values_list("name", flat=True)) == sorted(TOWNS)
    assert Division.objects.filter(level=Level.VILLAGE).count() == 311
    assert Center.objects.count() == 311
    assert all(len(code) == 12 and code.isdigit() for code in Division.objects.values_list("code", flat=True))
    xfgz = Division.objects.get(name="西凡各庄村")
    assert (xfgz.parent.name, xfgz.code) == ("峪口地区", "110117104201")
    assert Division.objects.get(name="周村").parent.name == "大兴庄镇"
    for name in ["曹家庄村", "鲍家庄村", "青杨屯村"]:
        assert Division.objects.get(name=name).parent.name == "东高村镇"
    assert not Center.objects.filter(members__isnull=True).exists()


def test_departments(demo):
    for town in Division.objects.filter(level=Level.TOWN):
        assert {"justice_office", "police", "enforcement"} <= set(town.departments.values_list("kind", flat=True))
    district_names = set(Department.objects.filter(division__level=Level.DISTRICT).values_list("name", flat=True))
    assert {"区司法局", "区人民法院", "区城市管理综合行政执法局", "区信访办"} <= district_names


@pytest.mark.parametrize(("username", "role", "scope"), DEMO_LOGINS)
def test_demo_logins(demo, username, role, scope):
    user = User.objects.get(username=username)
    assert user.check_password("pinggu2026")
    assert (user.role, user.division.name) == (role, scope)
    if role == "department_staff":
        assert user.department.name == "峪口地区司法所"


def test_cases_cover_the_lifecycle(demo):
    assert 250 <= Case.objects.count() <= 450
    assert set(Case.objects.values_list("status", flat=True)) == set(Case.Status.values)
    assert set(Case.objects.values_list("level", flat=True)) == set(Level.values)
    assert set(Case.objects.exclude(path="").values_list("path", flat=True)) == set(Case.Path.values)
    assert set(Case.objects.exclude(closure="").values_list("closure", flat=True)) == set(Case.Closure.values)
    assert set(FollowUp.objects.values_list("satisfaction", flat=True)) == set(FollowUp.Satisfaction.values)
    assert {"hotline", "online", "grid", "visit"} <= set(Case.objects.values_list("source", flat=True))
    assert Agreement.objects.filter(confirmation_applied_on__isnull=True).exists()
    assert Agreement.objects.filter(confirmation_applied_on__isnull=False).exists()
    assert Summons.objects.filter(reported_at__isnull=True).exists()
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.ROUTED).exists()
    oldest = Case.objects.order_by("registered_at").first().registered_at
    assert (Case.objects.latest("registered_at").registered_at - oldest).days > 150


def test_the_overdue_sweep_finds_nothing_to_escalate_after_seeding(demo):
    """What is overdue was meant to be: overdue village cases were escalated, as the sweep would have, when due."""
    from django.conf import settings

    levels = [level for level, on in settings.AUTO_ESCALATE_OVERDUE.items() if on]
    overdue = Case.objects.filter(status__in=["registered", "handling"], level__in=levels,
                                  resolution_due__lt=timezone.now())
    assert overdue.count() == 0
    automatic = CaseEvent.objects.filter(kind=CaseEvent.Kind.ESCALATED, automatic=True)
    assert automatic.exists()


def test_visits(demo):
    assert Household.objects.filter(division__name="西凡各庄村").count() == 30
    assert Visit.objects.filter(division__name="周村").exists()
    assert Case.objects.filter(source=Case.Source.VISIT, visits__isnull=False).exists()
    assert WeeklyQuotaResult.objects.filter(met=False).exists() and WeeklyQuotaResult.objects.filter(met=True).exists()
