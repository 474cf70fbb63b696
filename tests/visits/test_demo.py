"""The visits demo: households in every village, visits in the two busy villages, a few cases, idempotent."""

import io
import time

from django.core.management import call_command

from cases.models import Case
from visits import demo
from visits.models import Household, Visit, WeeklyQuotaResult


def test_seed_demo_visits(db):
    call_command("seed_demo", stdout=io.StringIO())
    assert Household.objects.filter(division__name="西凡各庄村").count() == 30
    assert Visit.objects.filter(division__name="周村").exists()
    assert Visit.objects.filter(case__isnull=False).count() <= 5
    assert Case.objects.filter(source=Case.Source.VISIT, visits__isnull=False).exists()
    assert WeeklyQuotaResult.objects.filter(met=False).exists() and WeeklyQuotaResult.objects.filter(met=True).exists()
    counts = (Household.objects.count(), Visit.objects.count())
    started = time.monotonic()
    demo.seed(scale=1, stdout=io.StringIO())
    assert (Household.objects.count(), Visit.objects.count()) == counts
    assert time.monotonic() - started < 1
