"""Asserting a refusal by its stable code, never by the wording of its message."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from pinggu_center.errors import RuleError


@contextmanager
def refused(code: str, error: type[RuleError] = RuleError) -> Iterator[pytest.ExceptionInfo]:
    """The block raises `error` (a RuleError) with this `code`; its message must be non-empty text."""
    with pytest.raises(error) as info:
        yield info
    assert info.value.code == code, f"refused with {info.value.code!r}, expected {code!r}: {info.value}"
    assert str(info.value).strip()
