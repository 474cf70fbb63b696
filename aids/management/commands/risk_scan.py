"""python manage.py risk_scan [--json] [--dry-run]: run the risk rules now, as the daily task does."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from ... import risk, services


class Command(BaseCommand):
    help = "Run the dispute-risk rules, raise new warnings (unless --dry-run) and print the findings."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the findings as JSON.")
        parser.add_argument("--dry-run", action="store_true", help="Only print; raise no warning.")

    def handle(self, *args, json: bool = False, dry_run: bool = False, **options) -> None:
        findings = risk.scan()
        new = [] if dry_run else services.raise_warnings(findings)
        if json:
            self.stdout.write(_dumps([finding.as_json() for finding in findings]))
            return
        for finding in findings:
            self.stdout.write(f"{finding.kind}\t{finding.division_code}\t{finding.subject}\t{','.join(finding.case_numbers)}")
        self.stdout.write(f"{len(findings)} findings, {len(new)} new warnings.")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
