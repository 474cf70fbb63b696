"""Time every dashboard, list and detail page at a district's many-year scale, against the floor view.

    python manage.py benchmark --generate      # once: bulk rows (PostgreSQL only), then time
    python manage.py benchmark                 # time again on the rows already there

Prints, per page: median and 90th-percentile server time, the query count, and the ratio to the floor
(a bare view rendering the base template around one indexed 25-row query). Each page is timed three times:
viewed again with nothing changed, when its content comes from the cache (pinggu_center.freshness); right after a
case of 西凡各庄村 was written, which forgets every page of that village, its town and the district (as a commit
does), once the worker has prepared the shared figures of those divisions (the tasks a commit queues through
pinggu_center.freshness.written, run here between the write and the request, outside the time); and right after
a write before the worker did, so each figure is read and rendered on the request. The query count and plan are those of the third. Reference data
(divisions, categories, departments) stays cached, as a case write leaves it. scripts/bench.sh runs it on a
throw-away PostgreSQL. For each page it also prints the plan's top node and the scan under it for the slowest
query (the list's own query on list pages), so an index that stops serving a filter shows at once.

Adding a page is one line in `Command._pages()`: a label, the username that views it, the URL.
"""

from __future__ import annotations

import logging
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases import tasks as case_tasks
from cases.models import Case, CaseEvent, Summons
from pinggu_center import freshness, paging
from pinggu_center.celery import app
from pinggu_center.models import Center, Department, Division, User
from visits.models import Visit

from ...benchmark import data as bulk_data
from ...models import ExportJob
from ...tasks import build_export


class Command(BaseCommand):
    help = "Bulk-generate a district's many years of data and time the pages against the floor view."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--generate", action="store_true", help="Write the bulk rows first (PostgreSQL).")
        parser.add_argument("--cases", type=int, default=1_000_000)
        parser.add_argument("--visits", type=int, default=2_000_000)
        parser.add_argument("--households-per-village", type=int, default=100)
        parser.add_argument("--runs", type=int, default=15, help="Timed requests per page (after 3 warm-ups).")
        parser.add_argument("--no-export", dest="export", action="store_false", help="Skip timing the export.")
        parser.add_argument("--sweep", type=int, default=10_000, help="Overdue cases the timed sweep escalates (0: skip).")

    def handle(self, *args, generate: bool, cases: int, visits: int, households_per_village: int, runs: int,
               export: bool, sweep: int, **options) -> None:
        self.clients: dict[str, Client] = {}
        if generate:
            if connection.vendor != "postgresql":
                raise CommandError("The bulk generator needs PostgreSQL (set DATABASE_URL).")
            started = time.monotonic()
            self.stdout.write(f"Generating {cases:,} cases and {visits:,} visits …")
            bulk_data.generate(
                cases=cases, visits=visits, households_per_village=households_per_village, stdout=self.stdout
            )
            self.stdout.write(f"  done in {time.monotonic() - started:.0f} s")
        self.stdout.write(
            f"Data: {Case.objects.count():,} cases, {CaseEvent.objects.count():,} case events, "
            f"{Visit.objects.count():,} visits, {Division.objects.filter(level='village').count()} villages"
        )
        self.written_in = Center.objects.get(division__name="西凡各庄村").division_id
        with override_settings(ROOT_URLCONF="dashboards.benchmark.floor", ALLOWED_HOSTS=["testserver"], DEBUG=False):
            rows = [self._measure(label, self._client(user), url, runs) for label, user, url in self._pages()]
        floors = [statistics.median(timings) for timings in (rows[0].again, rows[0].after_write, rows[0].unprepared)]
        self.stdout.write(
            f"\n{'':<46}{'viewed again':^27}  {'after a case write':^27}  {'… before the worker prepared':^27}"
            f"\n{'page':<46}" + f"{'median ms':>10}{'p90 ms':>8}{'× floor':>9}  " * 3
            + f"{'queries':>7}  plan of the slowest query"
        )
        for row in rows:
            cells = []
            for timings, floor in zip((row.again, row.after_write, row.unprepared), floors, strict=True):
                median = statistics.median(timings)
                cells.append(f"{median:>10.1f}{_p90(timings):>8.1f}{median / floor:>9.2f}  ")
            self.stdout.write(f"{row.label:<46}{''.join(cells)}{row.queries:>7}  {row.plan}")
        if export:
            self._export()
        if sweep:
            self._sweep(sweep)
        self._similar_plan(_bulk_case(Center.objects.get(division__name="西凡各庄村")))

    def _similar_plan(self, case: Case) -> None:
        """How the similar-case ranking ran for a bulk case (Zipf-spread words, so some very common ones)."""
        from aids import similar

        query = similar.query_for_case(case.pk)
        if query is None or connection.vendor != "postgresql":
            return
        sql, params = similar.ranking_sql(query, closed=True, division_id=None, category_id=case.category_id, top=5,
                                          exclude=case.pk)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, SUMMARY) " + sql, params)
            plan = [row[0] for row in cursor.fetchall()]
        scans = sum("Index Only Scan" in line for line in plan)
        fetches = sum(int(line.split("Heap Fetches:")[1]) for line in plan if "Heap Fetches:" in line)
        times = " ".join(line.strip() for line in plan if line.strip().startswith(("Planning Time", "Execution Time")))
        self.stdout.write(f"\nsimilar-case ranking (bulk case, {len(query.weights)} words): {scans} index-only scans, "
                          f"{fetches} heap fetches; {times}")

    def _export(self) -> None:
        """The ledger's export of the last half year (100,000 rows at a million cases), as the worker builds it."""
        since = timezone.localdate() - timedelta(days=182)
        user = User.objects.get(username="district")
        job = ExportJob.objects.create(user=user, kind="ledger", params={
            "kind": "ledger", "start": since.isoformat(), "end": timezone.localdate().isoformat(), "division": None,
            "query": f"registered_from={since:%Y-%m-%d}"})
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.monotonic()
        assert build_export(job.pk) == "done"
        seconds = time.monotonic() - started
        growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss) / 1024
        job.refresh_from_db()
        with job.file.open("rb") as handle:
            rows = sum(1 for _ in load_workbook(handle, read_only=True).active.iter_rows()) - 2
        size = job.file.size / 2**20
        job.file.delete(save=False)
        self.stdout.write(
            f"\nExport of the ledger (district, registered in the last 182 days): {rows:,} rows in {seconds:.1f} s "
            f"= {rows / seconds:,.0f} rows/s; peak memory grew {growth:.0f} MiB; file {size:.1f} MiB"
        )

    def _sweep(self, how_many: int) -> None:
        """Make `how_many` recent cases overdue, then time the sweep as production runs it: `sweep_deadlines`
        hands the batches to one Celery worker started with the README's command, which escalates them."""
        from pinggu_center.celery import app

        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE cases_case SET status = 'handling', closure = '', outcome = '', closed_at = NULL, "
                "level = 'village', holder_id = division_id, resolution_due = now() - interval '1 hour' "
                "WHERE id IN (SELECT id FROM cases_case WHERE level = 'village' ORDER BY registered_at DESC LIMIT %s)",
                [how_many],
            )
        found = sum(len(ids) for ids in case_tasks.overdue_case_ids(timezone.now()).values())
        # Progress is read from the events written since (a range of the primary key): counting every escalation
        # in millions of events twice a second would take a core from the worker it times.
        last_event = CaseEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        since = CaseEvent.objects.filter(pk__gt=last_event, kind=CaseEvent.Kind.ESCALATED)
        hostname = f"bench-sweep-{os.getpid()}@%h"
        worker = subprocess.Popen(  # noqa: S603 - our own command line
            [sys.executable, "-m", "celery", "-A", "pinggu_center", "worker", "--loglevel=warning", "-n", hostname,
             "--without-gossip", "--without-mingle"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        )
        try:
            name = hostname.replace("%h", socket.gethostname())
            deadline = time.monotonic() + 60
            while not app.control.ping(destination=[name], timeout=1):
                if time.monotonic() > deadline or worker.poll() is not None:
                    raise CommandError("The Celery worker for the sweep did not start.")
            started = time.monotonic()
            case_tasks.sweep_deadlines.run()
            escalated = 0
            while escalated < found and time.monotonic() - started < 600:
                time.sleep(0.5)  # the worker is another process: look at its progress twice a second
                escalated = since.count()
            seconds = time.monotonic() - started
        finally:
            worker.terminate()
            worker.wait(timeout=60)
        processes = os.cpu_count()
        self.stdout.write(
            f"Overdue sweep: {escalated:,} of {found:,} overdue cases escalated through escalate_case in {seconds:.1f} s "
            f"= {escalated / seconds:,.0f} a second on one Celery worker ({processes} processes, the default)"
        )

    def _pages(self) -> list[tuple[str, str, str]]:
        """(label, username, URL): one line per page; the first line is the floor every page is compared with."""
        center = Center.objects.get(division__name="西凡各庄村")
        case = Case.objects.filter(division=center.division).order_by("-registered_at").first()
        bulk = _bulk_case(center)
        town_id = center.division.parent_id
        ledger = reverse("cases:case_list")
        district_id, last_year = center.division.parent.parent_id, timezone.localdate().year - 1
        year_ago = (timezone.localdate() - timedelta(days=400)).replace(day=1)
        month = f"registered_from={year_ago:%Y-%m-%d}&registered_to={_month_end(year_ago):%Y-%m-%d}"
        # The department summoned most often: the first department may never have been, and then the filter
        # reads no rows and its plan shows nothing of the list's index.
        department = (Summons.objects.values("department").annotate(n=Count("pk")).order_by("-n", "department")
                      .values_list("department", flat=True).first()
                      or Department.objects.order_by("pk").values_list("pk", flat=True).first())
        return [
            ("floor (base template + 25 indexed rows)", "district", reverse("benchmark_floor")),
            ("case list · district", "district", ledger),
            ("case list · district · ?status=handling", "district", ledger + "?status=handling"),
            ("case list · district · ?level=district", "district", ledger + "?level=district"),
            ("case list · district · ?level=town", "district", ledger + "?level=town"),
            ("case list · district · ?closure=escalate", "district", ledger + "?closure=escalate"),
            ("case list · district · ?closure=transfer", "district", ledger + "?closure=transfer"),
            ("case list · district · ?source=petition", "district", ledger + "?source=petition"),
            ("case list · district · ?overdue=yes", "district", ledger + "?overdue=yes"),
            ("case list · district · one month, a year ago", "district", ledger + "?" + month),
            ("case list · district · ?department=", "district", ledger + f"?department={department}"),
            ("case list · district · last page", "district", ledger + f"?page={paging.COUNT_CAP // 25}"),
            ("search · district · case number", "district", ledger + "?q=" + quote(case.number)),
            ("search · district · number prefix", "district", ledger + "?q=" + quote(case.number[:-2])),
            ("search · district · 1 char 漏", "district", ledger + "?q=" + quote("漏")),
            ("search · district · 2 chars 漏水", "district", ledger + "?q=" + quote("漏水")),
            ("search · district · party 王秀兰", "district", ledger + "?q=" + quote("王秀兰")),
            ("search · district · surname 王", "district", ledger + "?q=" + quote("王")),
            ("search · district · no match 不存在的词", "district", ledger + "?q=" + quote("不存在的词")),
            ("search · village · 2 chars 漏水", "xfgz_director", ledger + "?q=" + quote("漏水")),
            # A name the village's own parties bear (a thousand parties of the district at 1,000,000 cases).
            ("search · village · party's name", "xfgz_director", ledger + "?q=" + quote(bulk.party_names)),
            ("case list · town", "yukou", ledger),
            ("case list · village director", "xfgz_director", ledger),
            ("case page", "xfgz_director", reverse("cases:case_detail", args=[case.pk])),
            ("case page · similar cases panel", "xfgz_director", reverse("aids:case_similar", args=[case.pk])),
            ("similar cases panel · bulk case", "xfgz_director",
             reverse("aids:case_similar", args=[bulk.pk])),
            ("whistle inbox · town", "yukou", reverse("cases:whistle_inbox")),
            ("village workbench", "xfgz_director", reverse("dashboards:village_workbench")),
            ("cadre home", "xfgz_cadre", reverse("dashboards:cadre_home")),
            ("town page", "yukou", reverse("dashboards:town_page")),
            ("district review (with department ranking)", "district", reverse("dashboards:district_review")),
            ("town review", "district", reverse("dashboards:town_review", args=[town_id])),
            ("village review", "district", reverse("dashboards:village_review", args=[center.division_id])),
            ("mediation report · district · last year", "district", _report_url(district_id, f"{last_year}")),
            ("mediation report · town · a quarter", "yukou", _report_url(town_id, f"{last_year}-Q4")),
            ("households · village", "xfgz_director", reverse("visits:household_list")),
            ("visit statistics · village", "xfgz_director", reverse("visits:statistics")),
            ("visit statistics · district", "district", reverse("visits:statistics")),
            ("centers · district", "district", reverse("center_list")),
            ("roster", "xfgz_director", reverse("center_roster", args=[center.pk])),
        ]

    def _client(self, username: str) -> Client:
        if username not in self.clients:
            self.clients[username] = _client(username)
        return self.clients[username]

    def _measure(self, label: str, client: Client, url: str, runs: int) -> Measured:
        """Timed three times: viewed again with nothing changed (cached content); right after a case write, once the
        worker has prepared the shared figures (the preparation tasks, run here as the worker would);
        and right after a write before the worker did, every figure read and rendered on the request."""
        for _ in range(3):
            _get(client, url)
        again = _timed(lambda: _get(client, url), runs)
        names = sorted(freshness.chain_of(self.written_in))

        def case_written() -> None:
            freshness.forget(names)

        def case_written_and_prepared() -> None:
            with _tasks_run_here():  # what a commit queues, run as the worker would run it
                freshness.forget_written(names)

        after_write = _timed(lambda: _get(client, url), runs, before=case_written_and_prepared)
        unprepared = _timed(lambda: _get(client, url), runs, before=case_written)
        case_written()
        with CaptureQueriesContext(connection) as queries:
            _get(client, url)
        return Measured(label, again, after_write, unprepared, len(queries), _plan(queries.captured_queries))


@dataclass
class Measured:
    label: str
    again: list[float]
    after_write: list[float]
    unprepared: list[float]
    queries: int
    plan: str


def _timed(request: Callable[[], None], runs: int, before: Callable[[], None] | None = None) -> list[float]:
    """Sorted milliseconds of `runs` requests; `before` runs ahead of each, outside the time."""
    timings = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        request()
        timings.append((time.perf_counter() - started) * 1000)
    return sorted(timings)


@contextmanager
def _tasks_run_here() -> Iterator[None]:
    """Celery tasks queued inside run at once, in this process (without a log line for each)."""
    trace = logging.getLogger("celery.app.trace")
    level = trace.level
    app.conf.task_always_eager = True
    trace.setLevel(logging.WARNING)
    try:
        yield
    finally:
        app.conf.task_always_eager = False
        trace.setLevel(level)


def _p90(timings: list[float]) -> float:
    return timings[min(len(timings) - 1, int(len(timings) * 0.9))]


def _plan(queries: list[dict]) -> str:
    """The scan node at the top of the slowest SELECT's plan: which index serves the page's main query."""
    selects = [q for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
    if not selects or connection.vendor != "postgresql":
        return ""
    # A list page's own query finds its matches as keys in order (pinggu_center.paging), or reads one ordered page
    # of rows (LIMIT 25 or 50 …); prefer it over the rest.
    lists = [q for q in selects if "ORDER BY" in q["sql"] and re.match(r'SELECT "\w+"\."id"( AS "pk")? FROM .* LIMIT \d+$', q["sql"])]
    lists = lists or [q for q in selects if "ORDER BY" in q["sql"] and re.search(r"LIMIT (25|50|20|15)\b", q["sql"])]
    slowest = max(lists or selects, key=lambda q: float(q["time"]))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + slowest["sql"])
        lines = [row[0] for row in cursor.fetchall()]
    scans = [line.strip().lstrip("-> ").split("  (")[0] for line in lines if "Scan" in line]
    top = lines[0].split("  (")[0].strip()
    return f"{top} ← {scans[0]}" if scans and not top.startswith(scans[0]) else top


def _month_end(day):
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _bulk_case(center: Center) -> Case:
    """A generated case of the village (its similar-case words follow the bulk vocabulary), or its latest case."""
    cases = Case.objects.filter(division=center.division).order_by("-registered_at")
    return cases.filter(number__startswith="BM-").first() or cases.first()


def _report_url(division_id: int, period: str) -> str:
    return reverse("dashboards:mediation_report") + f"?division={division_id}&period={period}"


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend")
    return client


def _get(client: Client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise CommandError(f"{url} answered {response.status_code}")
    response.content  # noqa: B018 - render it all, streaming included
