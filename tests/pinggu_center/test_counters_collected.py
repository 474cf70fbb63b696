"""counters.collected(): deltas added up inside a block are written once at its end; a failed block adds nothing."""

from __future__ import annotations

import pytest

from cases.models import CaseTally
from cases.tally import FIELDS
from pinggu_center import counters

pytestmark = pytest.mark.django_db

TABLE = CaseTally._meta.db_table
KEY = ["rollup", "dimension", "division_id", "grain", "period"]


def _row(org, intake: int) -> list:
    return ["v", "", org.village.pk, "d", "2026-03-02", org.town.pk, *[intake if name == "intake" else 0 for name in FIELDS]]


def _intake(org) -> int:
    row = CaseTally.objects.filter(rollup="v", dimension="", division=org.village, grain="d", period="2026-03-02")
    return row.values_list("intake", flat=True).first() or 0


def test_nested_blocks_add_up_and_a_failed_inner_block_adds_nothing(org):
    with counters.collected():
        counters.add_to_counters(TABLE, KEY, ["town_id"], FIELDS, [_row(org, 2)])
        with pytest.raises(RuntimeError), counters.collected():
            counters.add_to_counters(TABLE, KEY, ["town_id"], FIELDS, [_row(org, 100)])
            raise RuntimeError("refused")
        with counters.collected():
            counters.add_to_counters(TABLE, KEY, ["town_id"], FIELDS, [_row(org, 3)])
        assert _intake(org) == 0  # nothing written before the block ends
    assert _intake(org) == 5
    counters.add_to_counters(TABLE, KEY, ["town_id"], FIELDS, [_row(org, 1)])  # outside: written at once
    assert _intake(org) == 6


def test_a_failed_outer_block_writes_nothing(org):
    with pytest.raises(RuntimeError), counters.collected():
        counters.add_to_counters(TABLE, KEY, ["town_id"], FIELDS, [_row(org, 7)])
        raise RuntimeError("the batch failed")
    assert _intake(org) == 0
    counters.add_to_counters(TABLE, KEY, ["town_id"], FIELDS, [_row(org, 1)])
    assert _intake(org) == 1
