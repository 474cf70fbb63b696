"""System checks: configuration mistakes stop start-up with a message instead of failing at 3 a.m."""

from __future__ import annotations

from typing import Any

from django.core import checks

from . import topics


def outbox_handlers_import(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Every outbox topic names a handler that can be imported and called."""
    errors = []
    for topic in topics.TOPICS.values():
        try:
            handler = topic.load()
        except ImportError as error:
            handler, reason = None, str(error)
        else:
            reason = "" if callable(handler) else "not callable"
        if handler is None or reason:
            errors.append(checks.Error(
                f"Outbox topic {topic.name!r}: handler {topic.handler!r} cannot be used ({reason}).",
                hint="Fix the dotted path in pinggu_center/topics.py.", id="pinggu_center.E001",
            ))
    return errors
