"""Reading what a page showed from its response."""

from __future__ import annotations

from pinggu_center.freshness import Deferred


def shown(response, name: str):
    """A context value of the page, computed if the view deferred it (pinggu_center.freshness.Deferred)."""
    value = response.context[name]
    return value() if isinstance(value, Deferred) else value
