"""Small helpers for tests that wait on another process (a Celery worker, Redis)."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


# A wait ends as soon as its condition holds; its limit only bounds a failure. Each limit is the time the thing
# takes on a busy machine, times this, because the suite must pass while other work keeps both cores busy.
PATIENCE = 3


def wait_until(predicate: Callable[[], T], timeout: float = 15, interval: float = 0.2, message: str = "") -> T:
    """Call ``predicate`` until it returns something truthy and return that value.

    Raises AssertionError after ``timeout`` × ``PATIENCE`` seconds. Exceptions raised by the predicate
    count as "not yet" (the database row may not be visible yet, Redis may be restarting);
    the last one is shown in the failure message.
    """
    timeout *= PATIENCE
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while True:
        try:
            result = predicate()
        except Exception as exc:  # noqa: BLE001 - any failure means "try again"
            last_error = exc
        else:
            if result:
                return result
            last_error = None
        if time.monotonic() >= deadline:
            what = message or getattr(predicate, "__name__", repr(predicate))
            detail = f" (last error: {last_error!r})" if last_error else ""
            raise AssertionError(f"timed out after {timeout} s waiting for {what}{detail}")
        time.sleep(interval)


def port_is_open(port: int, host: str = "127.0.0.1") -> bool:
    """True when something accepts TCP connections on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0
