"""Each test process gets its own Redis (loaded with ``-p tests.worker_services``, see pytest.ini).

scripts/test.sh runs the suite in several processes (pytest-xdist) and starts one Redis per process,
listed in ``TEST_REDIS_SERVERS`` as ``port:folder,port:folder,...``. pytest-django already gives each
process its own test database; this gives it its own broker, cache and rate-limit counters, so the
tests that stop and restart Redis mid-test do not take it away from the other process.

It runs when the plugin is imported, before pytest-django reads the settings (which read REDIS_URL).
"""

from __future__ import annotations

import os
import re


def _choose_redis() -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    servers = [server for server in os.environ.get("TEST_REDIS_SERVERS", "").split(",") if server]
    match = re.fullmatch(r"gw(\d+)", worker)
    if not match or not servers:
        return
    port, folder = servers[int(match.group(1)) % len(servers)].split(":", 1)
    os.environ["TEST_REDIS_PORT"] = port
    os.environ["TEST_REDIS_DIR"] = folder
    if os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = re.sub(r"^(redis://[^/:]+):\d+", rf"\g<1>:{port}", os.environ["REDIS_URL"])


_choose_redis()
