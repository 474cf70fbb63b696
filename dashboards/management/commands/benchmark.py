"""Time every dashboard, list and detail page at a district's many-year scale, against the floor view.

    python manage.py benchmark --generate      # once: bulk rows (PostgreSQL only), then time
    python manage.py benchmark                 # time again on the rows already there

Prints, per page: median and 90th-percentile server time, the query count, and the ratio to the floor
(a bare view rendering the base template around one indexed 25-row query). scripts/bench.sh runs it on a
throw-away PostgreSQL.
"""

from __future__ import annotations

import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from cases.models import Case, CaseEvent
from pinggu_center.models import Center, Division, User
from visits.models import Visit

from ...benchmark import data as bulk_data


class Command(BaseCommand):
    help = "Bulk-generate a district's many years of data and time the pages against the floor view."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--generate", action="store_true", help="Write the bulk rows first (PostgreSQL).")
        parser.add_argument("--cases", type=int, default=1_000_000)
        parser.add_argument("--visits", type=int, default=2_000_000)
        parser.add_argument("--households-per-village", type=int, default=100)
        parser.add_argument("--runs", type=int, default=15, help="Timed requests per page (after 3 warm-ups).")

    def handle(self, *args, generate: bool, cases: int, visits: int, households_per_village: int, runs: int,
               **options) -> None:
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
        with override_settings(ROOT_URLCONF="dashboards.benchmark.floor", ALLOWED_HOSTS=["testserver"], DEBUG=False):
            rows = [self._measure(label, client, url, runs) for label, client, url in self._pages()]
        floor = rows[0][1]
        self.stdout.write(f"\n{'page':<44}{'median ms':>10}{'p90 ms':>9}{'queries':>9}{'× floor':>9}")
        for label, median, p90, queries in rows:
            self.stdout.write(f"{label:<44}{median:>10.1f}{p90:>9.1f}{queries:>9}{median / floor:>9.2f}")

    def _pages(self) -> list[tuple[str, Client, str]]:
        district, town, director, cadre = (
            _client(name) for name in ("district", "yukou", "xfgz_director", "xfgz_cadre")
        )
        center = Center.objects.get(division__name="西凡各庄村")
        case = Case.objects.filter(division=center.division).order_by("-registered_at").first()
        town_id = center.division.parent_id
        return [
            ("floor (base template + 25 indexed rows)", district, reverse("benchmark_floor")),
            ("case list · district", district, reverse("cases:case_list")),
            ("case list · district · status=handling", district, reverse("cases:case_list") + "?status=handling"),
            ("case list · town", town, reverse("cases:case_list")),
            ("case list · village director", director, reverse("cases:case_list")),
            ("case page", director, reverse("cases:case_detail", args=[case.pk])),
            ("case page · similar cases panel", director, reverse("aids:case_similar", args=[case.pk])),
            ("whistle inbox · town", town, reverse("cases:whistle_inbox")),
            ("village workbench", director, reverse("dashboards:village_workbench")),
            ("cadre home", cadre, reverse("dashboards:cadre_home")),
            ("town page", town, reverse("dashboards:town_page")),
            ("district review", district, reverse("dashboards:district_review")),
            ("town review", district, reverse("dashboards:town_review", args=[town_id])),
            ("village review", district, reverse("dashboards:village_review", args=[center.division_id])),
            ("households · village", director, reverse("visits:household_list")),
            ("visit statistics · village", director, reverse("visits:statistics")),
            ("visit statistics · district", district, reverse("visits:statistics")),
            ("centers · district", district, reverse("center_list")),
            ("roster", director, reverse("center_roster", args=[center.pk])),
        ]

    def _measure(self, label: str, client: Client, url: str, runs: int) -> tuple[str, float, float, int]:
        for _ in range(3):
            _get(client, url)
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            _get(client, url)
            timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            _get(client, url)
        timings.sort()
        p90 = timings[min(len(timings) - 1, int(len(timings) * 0.9))]
        return label, statistics.median(timings), p90, len(queries)


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend")
    return client


def _get(client: Client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise CommandError(f"{url} answered {response.status_code}")
    response.content  # noqa: B018 - render it all, streaming included
