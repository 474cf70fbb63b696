"""Recompute every case counter from the cases and their follow-ups (cases/tally.py).

    python manage.py rebuild_counters

Safe while the site runs: writers wait for the rebuild's lock, readers see the old rows until it commits.
Run it after adding a dimension or a figure to cases/tally.py.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from cases import tally


class Command(BaseCommand):
    help = "Recompute every case counter (CaseTally) from the cases and follow-ups."

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        rows = tally.rebuild()
        self.stdout.write(f"{rows:,} counter rows rebuilt in {time.monotonic() - started:.1f} s")
