"""Fixtures for tests that cross a process boundary: the real Redis and a real Celery worker.

scripts/test.sh starts a throw-away Redis and exports TEST_REDIS_PORT and TEST_REDIS_DIR;
``redis_control`` stops and restarts that same server (to prove the outbox recovers when the
broker was down). ``celery_worker`` runs ``celery -A pinggu_center worker`` as a subprocess
against the pytest-django test database, so a test sees exactly what production would do.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from .helpers import port_is_open, wait_until

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
WORKER_START_TIMEOUT = 30  # seconds (times PATIENCE, see helpers.wait_until); the first start imports Django and connects to Redis and PostgreSQL
WORKER_STOP_TIMEOUT = 10


# --- test outcome, for printing logs of failed tests ----------------------------------------

_phase_reports = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(_phase_reports, {})[report.when] = report
    return report


def _test_failed(node) -> bool:
    reports = node.stash.get(_phase_reports, {})
    return any(report.failed for report in reports.values())


# --- Redis ------------------------------------------------------------------------------------


@dataclass
class RedisControl:
    """The test Redis server: ``stop()`` it, ``start()`` it again, ask ``is_running()``."""

    port: int
    directory: Path

    @property
    def url(self) -> str:
        return os.environ.get("REDIS_URL") or f"redis://127.0.0.1:{self.port}/0"

    def command(self) -> list[str]:
        # Same options as start_redis in scripts/test.sh; keep the two in step.
        return [
            "redis-server",
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "yes",
            "--dir", str(self.directory),
            "--pidfile", str(self.directory / "redis.pid"),
            "--logfile", str(self.directory / "redis.log"),
        ]  # fmt: skip

    def is_running(self) -> bool:
        # A raw PING: redis-py retries a refused connection with back-off for seconds.
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self, timeout: float = 10) -> None:
        """Shut Redis down without saving, and wait until its port is closed."""
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"],
            stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, check=False,
        )  # fmt: skip
        wait_until(lambda: not port_is_open(self.port), timeout=timeout, message=f"Redis on port {self.port} to stop")

    def start(self, timeout: float = 10) -> None:
        """Launch Redis again (empty, as after a crash) and wait until it answers PING."""
        if self.is_running():
            return
        subprocess.run(self.command(), stdin=subprocess.DEVNULL, check=True, timeout=timeout)
        wait_until(self.is_running, timeout=timeout, message=f"Redis on port {self.port} to answer PING")


@pytest.fixture(scope="session")
def _redis_server() -> RedisControl:
    port = os.environ.get("TEST_REDIS_PORT")
    directory = os.environ.get("TEST_REDIS_DIR")
    if not port or not directory:
        pytest.fail("TEST_REDIS_PORT and TEST_REDIS_DIR are not set: run the suite with `make test` (scripts/test.sh)")
    return RedisControl(port=int(port), directory=Path(directory))


@pytest.fixture
def redis_control(_redis_server: RedisControl):
    """Control of the test Redis; whatever the test did, Redis is running again afterwards."""
    yield _redis_server
    _redis_server.start()


# --- Celery worker ------------------------------------------------------------------------------


class WorkerProcess:
    """A ``celery worker`` subprocess (see the ``celery_worker`` fixture).

    ``stop()`` is a warm shutdown (SIGTERM, as a deploy does); ``stop(kill=True)`` is a worker
    that died (SIGKILL); ``start()`` launches it again with the same command, log and name.
    """

    def __init__(self, command: list[str], env: dict[str, str], cwd: Path, hostname: str, log_path: Path):
        self.command = command
        self.env = env
        self.cwd = cwd
        self.hostname = hostname
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self._log_file = None

    def __repr__(self) -> str:
        return f"<WorkerProcess {self.hostname} alive={self.is_alive()} log={self.log_path}>"

    def is_alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def task_result(self, task_id: str) -> str | None:
        """What the worker logged that task ``task_id`` returned (its repr), or None while it has not finished.

        Results are not stored (CELERY_TASK_IGNORE_RESULT), but the worker logs each success at INFO level.
        """
        match = re.search(rf"\[{re.escape(task_id)}\] succeeded in [0-9.]+s: (.*)$", self.log_text(), re.MULTILINE)
        return match.group(1) if match else None

    def start(self, timeout: float = WORKER_START_TIMEOUT) -> None:
        """Launch the worker and wait until it answers a control ping."""
        from pinggu_center.celery import app

        if self.is_alive():
            return
        self._log_file = open(self.log_path, "a", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            self.command, cwd=self.cwd, env=self.env,
            stdin=subprocess.DEVNULL, stdout=self._log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip

        def answers() -> bool:
            if not self.is_alive():
                raise RuntimeError(f"worker exited with code {self.process.returncode}")
            return bool(app.control.ping(destination=[self.hostname], timeout=1))

        try:
            wait_until(answers, timeout=timeout, interval=0.5, message=f"Celery worker {self.hostname} to answer ping")
        except AssertionError as exc:
            self.stop(kill=True)
            pytest.fail(f"{exc}\n--- worker log ({self.log_path}) ---\n{self.log_text()[-4000:]}")

    def stop(self, *, kill: bool = False) -> None:
        if self.is_alive():
            if kill:
                self.process.kill()
            else:
                self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=WORKER_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=WORKER_STOP_TIMEOUT)
        if self._log_file is not None and not self._log_file.closed:
            self._log_file.close()

    def restart(self) -> None:
        self.stop()
        self.start()


def _test_database_url() -> str:
    """A DATABASE_URL for the test database pytest-django created (test_<name>), for another process."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.fail(
            "celery_worker needs PostgreSQL (a worker process cannot see an in-memory SQLite test database): "
            "run the suite with `make test` (scripts/test.sh)"
        )
    db = connection.settings_dict
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(db['NAME'], safe='')}"


@pytest.fixture
def celery_worker(transactional_db, request):
    """A real Celery worker subprocess, consuming from the test Redis and writing to the test database.

    Needs ``transactional_db``: the test's rows are committed, so the worker can see them (and
    ``transaction.on_commit`` callbacks really fire). The broker queue is purged first so
    tasks left by earlier tests do not run. Yields a started ``WorkerProcess``; its log is kept
    in test-artifacts/celery/ and its tail is printed when the test fails.

    A worker that loses Redis reconnects by itself, also while it holds an unacknowledged message
    (pinggu_center/broker.py; tests/integration/test_broker_restart.py).
    """
    from django.conf import settings

    from pinggu_center.celery import app

    app.control.purge()

    hostname = f"pytest-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    log_dir = ARTIFACTS / "celery"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / (re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:] + ".log")
    log_path.unlink(missing_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        # Close the worker's connection after each task: nothing lingers when the test database is dropped.
        "DB_CONN_MAX_AGE": "0",
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "pinggu_center", "worker",
        "--pool=solo", "--loglevel=info", "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--hostname", hostname,
        # Not the figures queue: the test processes share one Redis, and the preparations other tests queue would
        # run here against this test's database (tests/dashboards/test_shared_figures.py runs them in-process).
        "--queues", "celery",
    ]  # fmt: skip
    worker = WorkerProcess(command, env, Path(settings.BASE_DIR), hostname, log_path)
    try:
        worker.start()
        yield worker
    finally:
        worker.stop()
        if _test_failed(request.node):
            tail = "\n".join(worker.log_text().splitlines()[-60:])
            sys.stderr.write(f"\n--- last lines of the Celery worker log ({log_path}) ---\n{tail}\n")


@pytest.fixture(name="wait_until")
def _wait_until_fixture():
    """The ``wait_until`` helper as a fixture, for tests that prefer not to import it."""
    return wait_until
