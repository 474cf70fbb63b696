"""The fault test: a burst of escalations while Redis stops for 10 s and the worker is killed once.

Real worker, real Redis, real PostgreSQL. Every escalation must be routed exactly once (one ESCALATED and one
ROUTED event, one notification per case), no outbox row may stay pending or failed after the drain, the worker
must survive the Redis restart by itself, and the sweep's re-sends of rows that had already been delivered are
counted and printed (target: fewer than 5 % of the rows).

The beat sweep runs every minute in production with OUTBOX_STALE_SECONDS = 120; here the test plays beat every
SWEEP_EVERY seconds with a stale threshold of STALE_SECONDS, so the drain takes a minute instead of several.
"""

from __future__ import annotations

import re
import threading
import time

import pytest

from cases import services
from cases.models import Case, CaseEvent
from pinggu_center.models import Level, Notification, Outbox
from pinggu_center.tasks import sweep_outbox
from tests.cases.helpers import register

from .helpers import wait_until

pytestmark = pytest.mark.integration

ESCALATIONS = 300
REDIS_DOWN_AT = 60  # the escalation after which Redis stops
OUTAGE_SECONDS = 10
KILL_AT = 220  # the escalation after which the worker is killed (Redis is back by then)
STALE_SECONDS = 8
SWEEP_EVERY = 2
DRAIN_TIMEOUT = 150


class Burst:
    """Runs the faults on schedule while escalations go on, and keeps the counts."""

    def __init__(self, worker, redis_control):
        self.worker = worker
        self.redis = redis_control
        self.outage: threading.Timer | None = None
        self.redis_down_for = 0.0
        self.killed = False
        self.unplanned_exits = 0
        self.sweeps = 0
        self.resent = 0
        self.last_sweep = time.monotonic()

    def tick(self, done: int) -> None:
        if done == REDIS_DOWN_AT and self.outage is None:
            self.redis.stop()
            stopped_at = time.monotonic()
            self.outage = threading.Timer(OUTAGE_SECONDS, self._restart_redis, args=(stopped_at,))
            self.outage.start()
        if done >= KILL_AT and not self.killed and self.redis_down_for:
            self.killed = True
            self.worker.stop(kill=True)  # kill -9, mid-stream
            self.worker.start()  # what the process supervisor does
        if not self.worker.is_alive():
            self.unplanned_exits += 1
            self.worker.start()
        self.maybe_sweep()

    def _restart_redis(self, stopped_at: float) -> None:
        self.redis.start()
        self.redis_down_for = time.monotonic() - stopped_at

    def wait_for_redis(self) -> None:
        if self.outage is not None:
            self.outage.join()

    def maybe_sweep(self) -> None:
        if time.monotonic() - self.last_sweep >= SWEEP_EVERY:
            self.last_sweep = time.monotonic()
            self.sweeps += 1
            # What beat's task does (here in the test process: the worker may be down or busy).
            self.resent += sweep_outbox()


@pytest.fixture
def escalation_rows_only():
    """Only the routing is under test: the similar-case index's rows (a post_save receiver of the aids app, one per
    case save) would triple the worker's load and the test's time without testing anything more."""
    from django.db.models.signals import post_save

    from aids.handlers import case_saved

    uid = "aids_index_on_case_save"
    post_save.disconnect(case_saved, sender=Case, dispatch_uid=uid)
    yield
    post_save.connect(case_saved, sender=Case, dispatch_uid=uid)


def _log_count(log: str, result: str) -> int:
    return len(re.findall(rf"deliver_outbox\[[^\]]+\] succeeded in [0-9.]+s: '{result}'", log))


def test_burst_with_redis_outage_and_killed_worker(settings, escalation_rows_only, celery_worker, org, cadre, director,
                                                   town_user, redis_control, capsys):  # fmt: skip
    settings.OUTBOX_STALE_SECONDS = STALE_SECONDS
    cases = [
        register(org.center, cadre, phone=f"139{i:08d}", title=f"故障演练事项{i}")
        for i in range(ESCALATIONS)
    ]  # fmt: skip
    worker = celery_worker
    burst = Burst(worker, redis_control)
    started = time.monotonic()

    for done, case in enumerate(cases):
        burst.tick(done)
        services.escalate_case(case_id=case.pk, from_level=Level.VILLAGE, actor=director, reason="故障演练")
    burst.wait_for_redis()
    if not burst.killed:
        burst.tick(KILL_AT)
    burst_seconds = time.monotonic() - started

    ids = [case.pk for case in cases]

    def drained() -> bool:
        burst.tick(ESCALATIONS)
        return not Outbox.objects.filter(status__in=[Outbox.Status.PENDING, Outbox.Status.FAILED]).exists()

    try:
        wait_until(drained, timeout=DRAIN_TIMEOUT, interval=0.5, message="every outbox row to be delivered")
    except AssertionError as exc:
        left = list(Outbox.objects.exclude(status=Outbox.Status.DONE).values_list("pk", "topic", "status", "attempts"))
        raise AssertionError(f"{exc}; not delivered: {left[:20]} ({len(left)} rows)") from None
    drain_seconds = time.monotonic() - started - burst_seconds

    log = worker.log_text()
    redundant = _log_count(log, "already-done")
    routed = CaseEvent.objects.filter(case_id__in=ids, kind=CaseEvent.Kind.ROUTED).count()
    escalated = CaseEvent.objects.filter(case_id__in=ids, kind=CaseEvent.Kind.ESCALATED).count()
    notifications = Notification.objects.filter(key__startswith="routed:").count()
    report = (
        f"fault test: {ESCALATIONS} escalations in {burst_seconds:.1f} s, Redis down {burst.redis_down_for:.1f} s "
        f"after #{REDIS_DOWN_AT}, worker killed (-9) after #{KILL_AT}; drained in {drain_seconds:.1f} s. "
        f"ESCALATED {escalated}, ROUTED {routed}, notifications {notifications}, "
        f"outbox pending/failed {Outbox.objects.exclude(status=Outbox.Status.DONE).count()}, "
        f"unplanned worker exits {burst.unplanned_exits}; sweeps {burst.sweeps}, rows re-sent {burst.resent}, "
        f"re-sends of already-delivered rows {redundant} ({100 * redundant / ESCALATIONS:.1f} %)."
    )
    with capsys.disabled():
        print("\n" + report)

    assert escalated == ESCALATIONS and routed == ESCALATIONS, report
    assert notifications == ESCALATIONS, report
    assert Case.objects.filter(pk__in=ids, level=Level.TOWN, holder=org.town).count() == ESCALATIONS
    assert burst.unplanned_exits == 0, report
    assert "Unrecoverable error" not in log
    assert redundant < ESCALATIONS * 0.05, report
    assert OUTAGE_SECONDS <= burst.redis_down_for < OUTAGE_SECONDS + 5 and burst.killed
