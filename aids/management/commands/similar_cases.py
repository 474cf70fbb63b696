"""python manage.py similar_cases --text "…" [--category NAME] [--top 5] [--json]: closed cases like a text."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from cases.models import Category

from ... import similar


class Command(BaseCommand):
    help = "Print the closed cases of the district most similar to a text, best first."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--text", required=True)
        parser.add_argument("--category", default="", help="A category name (or code); its cases are boosted.")
        parser.add_argument("--top", type=int, default=5)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, text: str, category: str, top: int, **options) -> None:
        if not 1 <= top <= 100:
            raise CommandError("--top must be between 1 and 100.")
        category_id = None
        if category:
            found = Category.objects.filter(name=category).first() or Category.objects.filter(code=category).first()
            if found is None:
                raise CommandError(f"Unknown category: {category}")
            category_id = found.pk
        query = similar.query_for_text(text)
        matches = similar.similar_closed(query, category_id=category_id, top=top) if query else []
        numbers = dict(similar.case_numbers([m.case_id for m in matches]))
        rows = [{"number": numbers[m.case_id], "score": round(m.score, 4)} for m in matches if m.case_id in numbers]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for row, match in zip(rows, matches, strict=False):
            self.stdout.write(f"{row['number']}\t{row['score']:.3f}\t{' '.join(match.shared)}")
