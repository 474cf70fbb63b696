"""Migration 0002 counts every existing month tally again in its quarter's and its year's rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cases.mediation_report.models import ReportTally
from cases.models import Category

BEFORE = [("mediation_report", "0001_report_records_tallies_locks")]
AFTER = [("mediation_report", "0002_tally_spans")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_month_tallies_are_summed_into_quarters_and_years(org):
    category = Category.objects.get_or_create(code="neighbour", defaults={"name": "邻里纠纷"})[0]
    old = _migrate(BEFORE).get_model("mediation_report", "ReportTally")
    months = [(date(2025, 1, 1), 2, "100.50"), (date(2025, 3, 1), 3, "0"), (date(2025, 4, 1), 1, "7"),
              (date(2026, 1, 1), 4, "1.25")]
    for month, mediated, amount in months:
        for division, rollup, town in ((org.village, False, org.town), (org.town, True, org.town)):
            old.objects.create(division_id=division.pk, rollup=rollup, town_id=town.pk, month=month,
                               category_id=category.pk, mediated=mediated, succeeded=1, amount=Decimal(amount),
                               people=mediated * 2)
    try:
        _migrate(AFTER)
        rows = {(t.division_id, t.rollup, t.span, t.month): (t.mediated, t.amount, t.people)
                for t in ReportTally.objects.exclude(span=ReportTally.Span.MONTH)}
        for division, rollup in ((org.village, False), (org.town, True)):
            assert rows[(division.pk, rollup, "quarter", date(2025, 1, 1))] == (5, Decimal("100.50"), 10)
            assert rows[(division.pk, rollup, "quarter", date(2025, 4, 1))] == (1, Decimal("7"), 2)
            assert rows[(division.pk, rollup, "year", date(2025, 1, 1))] == (6, Decimal("107.50"), 12)
            assert rows[(division.pk, rollup, "year", date(2026, 1, 1))] == (4, Decimal("1.25"), 8)
            assert rows[(division.pk, rollup, "quarter", date(2026, 1, 1))] == (4, Decimal("1.25"), 8)
        assert len(rows) == 10
        assert ReportTally.objects.filter(span=ReportTally.Span.MONTH).count() == 8
    finally:
        _migrate(AFTER)  # the rest of the suite runs on the latest schema whatever happened here
