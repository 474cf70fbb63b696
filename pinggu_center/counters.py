"""Counter rows kept on write (case, department and visit counters): adding deltas in one statement."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection


def add_to_counters(table: str, key: Sequence[str], others: Sequence[str], measures: Sequence[str],
                    rows: list[Sequence]) -> None:
    """Add each row's measures to the counter row of its key, creating that row first if it is missing.

    A row holds the values of ``key``, then ``others`` (set when the row is created), then ``measures`` (added).
    One INSERT … ON CONFLICT DO UPDATE for all rows, written in key order so that two writers never deadlock.
    """
    if not rows:
        return
    rows = sorted(rows, key=lambda row: tuple(row[: len(key)]))
    columns = [*key, *others, *measures]
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in measures)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([placeholders] * len(rows))} "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])
