"""Recompute every counter kept on write from the rows it counts.

    python manage.py rebuild_counters

The case counters (cases/tally.py) from the cases and follow-ups, the department ranking's counters
(cases/tally_departments.py) from the summonses, the visit counters (visits/tally.py) from the households
and visits, and the people's-mediation report's counters from its records (cases/mediation_report/services.py).
Safe while the site runs: writers wait for the rebuild's lock, readers see the old rows until it commits.
Run it after adding a dimension or a figure, and after writing rows in bulk past the services.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from cases import tally, tally_departments
from cases.mediation_report.services import rebuild_tallies
from pinggu_center import freshness
from visits import tally as visit_tally


class Command(BaseCommand):
    help = "Recompute every counter (cases, department ranking, visits, mediation report) from the rows they count."

    def handle(self, *args, **options) -> None:
        for label, rebuild in [
            ("case", tally.rebuild),
            ("department", tally_departments.rebuild),
            ("visit", visit_tally.rebuild),
            ("mediation report", rebuild_tallies),
        ]:
            started = time.monotonic()
            rows = rebuild()
            self.stdout.write(f"{rows:,} {label} counter rows rebuilt in {time.monotonic() - started:.1f} s")
        freshness.forget_everything()  # the pages cached from the old counters
