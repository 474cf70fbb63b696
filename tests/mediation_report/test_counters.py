"""The counters kept on write equal a count from scratch after a random run of service calls, and after a rebuild."""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from cases import services
from cases.mediation_report import services as report_services
from cases.mediation_report.models import TALLY_MEASURES, MediationRecord, ReportLock, ReportTally
from cases.mediation_report.periods import ReportPeriod
from cases.models import Case, CaseEvent
from tests.factories import UserFactory

from .helpers import archive, escalate_to_town, fields, local, register, reopen

pytestmark = pytest.mark.django_db


def kept() -> dict:
    rows = {}
    for tally in ReportTally.objects.all():
        values = {name: getattr(tally, name) for name in TALLY_MEASURES}
        if any(values.values()):  # a row taken back to zero equals no row
            rows[(tally.division_id, tally.rollup, tally.span, tally.month, tally.category_id)] = values
    return rows


def counted() -> dict:
    return {key: {name: value or 0 for name, value in row.items()}
            for key, row in report_services.expected_tallies().items()}


def _random_fields(rng: random.Random, parties: int) -> report_services.ReportFields:
    succeeded = rng.random() < 0.7
    people = parties + rng.randint(0, 6)
    preventions = {}
    for name in report_services.PREVENTION_NAMES:
        if rng.random() < 0.2:
            preventions[name], preventions[f"{name}_people"] = True, rng.randint(1, people)
    agreement = rng.choice(["written", "oral"]) if succeeded else "none"
    return fields(succeeded=succeeded, agreement=agreement, people=people, oral="口头约定。",
                  amount=str(Decimal(rng.randint(0, 50000)) / 4) if rng.random() < 0.6 else None, **preventions)


@pytest.mark.parametrize("seed", [1, 2])
def test_counters_equal_a_count_from_scratch(org, director, other_director, town_user, seed):
    rng = random.Random(seed)
    district_admin = UserFactory(role="district_admin", division=org.district)
    directors = {org.center.pk: director, org.other_center.pk: other_director}
    closed: list[Case] = []
    for step in range(70):
        at = local(2026, 1, 1, 9) + timedelta(hours=48 * (step + 1))
        action = rng.random()
        try:
            if action < 0.5 or not closed:
                center = rng.choice([org.center, org.other_center])
                parties = rng.randint(1, 3)
                case = register(center, directors[center.pk], at=at, parties=parties,
                                category=rng.choice(["neighbour", "contract", "damages"]))
                if rng.random() < 0.2 and center == org.center:
                    escalate_to_town(case, director, at=at)
                    archive(case, town_user, at=at, report=_random_fields(rng, parties))
                else:
                    outcome = rng.choice(["resolved", "resolved", "unresolved", "withdrawn"])
                    report = _random_fields(rng, parties)
                    if outcome == "unresolved":
                        report = fields(succeeded=False, agreement="none", people=report.people)
                    archive(case, directors[center.pk], at=at, outcome=outcome, report=report)
                closed.append(case)
            elif action < 0.65:
                case = rng.choice(closed)
                case.refresh_from_db()
                if case.status == Case.Status.CLOSED and case.level == "village":
                    reopen(case, directors[case.center_id], at=at)
                    if rng.random() < 0.5:
                        archive(case, directors[case.center_id], at=at)
            elif action < 0.85:
                record = MediationRecord.objects.filter(counted=True).order_by("?").first()
                if record is not None:
                    parties = record.case.parties.count()
                    report_services.update_report(case_id=record.case_id, actor=district_admin,
                                                  fields=_random_fields(rng, parties))
            else:
                period = ReportPeriod(2026, "month", rng.randint(1, max(1, at.month - 1)))
                lock = rng.choice([report_services.lock_period, report_services.unlock_period])
                lock(actor=district_admin, division=org.district, period=period)
        except services.CaseRuleError:
            pass  # a refusal (locked, not ended, unresolved success …) changes nothing
        assert kept() == counted()
    # The run went through every kind of step: locks, edits and reopenings.
    assert ReportLock.objects.exists()
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.REPORT_EDITED).exists()
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.REOPENED).exists()
    before = kept()
    assert before and report_services.rebuild_tallies() > 0
    assert kept() == before == counted()
    ReportTally.objects.all().delete()
    call_command("rebuild_counters", stdout=StringIO())  # "every counter" includes the report's
    assert kept() == before


def test_the_report_services_import_first():
    """`manage.py rebuild_report_tallies` imports the report's services before the case services."""
    code = "import django; django.setup(); from cases.mediation_report.services import rebuild_tallies"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
