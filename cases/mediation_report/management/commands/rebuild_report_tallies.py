"""Recount the people's-mediation report counters from the cases' report records.

    python manage.py rebuild_report_tallies

The services keep the counters on every change; this is for a restored database or a changed definition.
"""

from django.core.management.base import BaseCommand

from ...services import rebuild_tallies


class Command(BaseCommand):
    help = "Rebuild the people's-mediation report counters from the cases' report records."

    def handle(self, *args, **options) -> None:
        rows = rebuild_tallies()
        self.stdout.write(f"Report counters rebuilt: {rows} rows.")
