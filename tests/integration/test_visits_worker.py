"""The Monday quota task on a real Celery worker: records the week, notifies the right director, runs twice harmlessly."""

from datetime import date, timedelta

import pytest

from pinggu_center.models import Notification
from tests.factories import MemberFactory
from tests.visits.factories import HouseholdFactory, VisitFactory
from visits.models import WeeklyQuotaResult
from visits.tasks import record_weekly_quota

pytestmark = pytest.mark.integration

MONDAY = date(2026, 11, 16)


def test_weekly_quota_task_on_a_real_worker(org, director, other_director, celery_worker, wait_until):
    short = MemberFactory(center=org.center, name="王短", role_codes=["committee"], joined_on=date(2026, 1, 1))
    other = MemberFactory(center=org.other_center, role_codes=["committee"], joined_on=date(2026, 1, 1))
    for n in range(5):
        VisitFactory(
            household=HouseholdFactory(division=org.other_village),
            visited_on=MONDAY + timedelta(days=n),
            cadres=[other],
        )
    VisitFactory(household=HouseholdFactory(division=org.village), visited_on=MONDAY, cadres=[short])

    record_weekly_quota.delay(MONDAY.isoformat())
    wait_until(lambda: Notification.objects.filter(recipient=director).exists(), timeout=30)
    assert {(r.member_id, r.met) for r in WeeklyQuotaResult.objects.all()} == {(short.pk, False), (other.pk, True)}
    assert "王短（1/5）" in Notification.objects.get(recipient=director).render()
    assert not Notification.objects.filter(recipient=other_director).exists()

    before = list(WeeklyQuotaResult.objects.values_list("pk", "households_visited", "met").order_by("pk"))
    result = record_weekly_quota.apply_async(args=[MONDAY.isoformat()])
    wait_until(lambda: "succeeded" in celery_worker.log_text().split(result.id, 1)[-1], timeout=30)
    assert list(WeeklyQuotaResult.objects.values_list("pk", "households_visited", "met").order_by("pk")) == before
    assert Notification.objects.count() == 1
