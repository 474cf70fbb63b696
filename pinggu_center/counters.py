"""Counter rows kept on write (case, department and visit counters): adding deltas in one statement.

A batch of service calls (the overdue sweep's) can add its deltas up first, inside `collected()`, and write
each counter row once at the end of the block, in the same transaction as the calls.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection

# (table, key, others, measures) -> {key values: [others values, measure sums]}
Buffer = dict[tuple, dict[tuple, list]]
_collecting: ContextVar[list[Buffer] | None] = ContextVar("counter_deltas", default=None)


@contextmanager
def collected() -> Iterator[None]:
    """Add up the counter deltas of the calls inside, and write them when the block ends without an error.

    Nested blocks hand their sums to the enclosing block; a block left by an exception (a call refused under
    its savepoint) drops its own deltas. Only for calls that do not read the counters they change, and only
    inside one transaction, or the counters would lag the rows they count.
    """
    token = _collecting.set([]) if _collecting.get() is None else None
    stack = _collecting.get()
    stack.append({})
    try:
        yield
    except BaseException:
        stack.pop()
        raise
    else:
        mine = stack.pop()
        if stack:
            _merge(stack[-1], mine)
        else:
            for (table, key, others, measures), rows in mine.items():
                _write(table, key, others, measures, [(*k, *other, *sums) for k, (other, sums) in rows.items()])
    finally:
        if token is not None:
            _collecting.reset(token)


def _merge(into: Buffer, deltas: Buffer) -> None:
    for spec, rows in deltas.items():
        target = into.setdefault(spec, {})
        for key_values, (others, sums) in rows.items():
            _add(target, key_values, others, sums)


def _add(target: dict[tuple, list], key_values: tuple, others: tuple, sums: Sequence) -> None:
    if key_values in target:
        target[key_values][1] = [a + b for a, b in zip(target[key_values][1], sums, strict=True)]
    else:
        target[key_values] = [others, list(sums)]


def add_to_counters(table: str, key: Sequence[str], others: Sequence[str], measures: Sequence[str],
                    rows: list[Sequence]) -> None:
    """Add each row's measures to the counter row of its key, creating that row first if it is missing.

    A row holds the values of ``key``, then ``others`` (set when the row is created), then ``measures`` (added).
    One INSERT … ON CONFLICT DO UPDATE for all rows, written in key order so that two writers never deadlock.
    """
    if not rows:
        return
    stack = _collecting.get()
    if stack:
        target = stack[-1].setdefault((table, tuple(key), tuple(others), tuple(measures)), {})
        size = len(key) + len(others)
        for row in rows:
            _add(target, tuple(row[: len(key)]), tuple(row[len(key) : size]), row[size:])
        return
    _write(table, key, others, measures, rows)


def _write(table: str, key: Sequence[str], others: Sequence[str], measures: Sequence[str], rows: list[Sequence]) -> None:
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
