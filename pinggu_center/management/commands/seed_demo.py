"""Fill an empty database with a believable Pinggu District; a second run changes nothing.

Each installed app may have a `demo` module with `seed(*, scale: int, stdout) -> None`; they run in
INSTALLED_APPS order, so the organisation exists before the cases and visits that stand on it.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction


class Command(BaseCommand):
    help = "Load the demo district, its logins and its activity (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale", type=int, default=1, help="Multiply the activity (cases, visits) for benchmarks; default 1."
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even under production settings (demo logins share one password)."
        )

    def handle(self, *args, scale: int, force: bool = False, **options) -> None:
        if settings.PRODUCTION and not force:
            raise CommandError(
                "seed_demo refuses to run under production settings (DEBUG is off): it would add demo people, cases "
                "and logins whose password is public. Use it on a development database, or pass --force if this "
                "database really is a demo."
            )
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if find_spec(config.name) is None or find_spec(module_name) is None:
                continue
            module = import_module(module_name)
            with transaction.atomic():
                module.seed(scale=scale, stdout=self.stdout)
                refresh_planner_statistics()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))


def refresh_planner_statistics() -> None:
    """Let PostgreSQL plan the next step's queries on the rows this step wrote.

    Without statistics the planner takes freshly filled tables for empty and joins them by nested loops,
    which turns the demo's per-village look-ups quadratic; inside a transaction (the tests seed in one)
    autovacuum cannot help, but ANALYZE samples the transaction's own rows.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
