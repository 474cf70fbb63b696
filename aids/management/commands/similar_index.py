"""python manage.py similar_index [--all]: index the cases the similar-case index does not hold yet.

For a first deployment (cases registered before the index existed) or after a change to the segmentation;
day to day the outbox keeps the index current as cases are registered, closed and reopened.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ... import similar


class Command(BaseCommand):
    help = "Index the cases missing from the similar-case index (or, with --all, re-check every case)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="Re-check every case, not only the missing ones.")

    def handle(self, *args, all: bool = False, **options) -> None:
        changed = similar.index_missing(recheck=all)
        self.stdout.write(f"{changed} cases (re)indexed.")
