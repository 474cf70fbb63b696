"""Production settings: a missing or malformed variable stops start-up; `check --deploy` is clean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DATABASE_URL": "postgres://pinggu:secret@127.0.0.1:5432/pinggu",
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "production-secret-key-with-enough-entropy-1234567890",
    "ALLOWED_HOSTS": "pinggu.example.gov.cn",
    "HOTLINE_SECRET": "hotline-secret",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS",
                                                             "HOTLINE_SECRET", "REDIS_URL",
                                                             "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env={**clean, **env}, capture_output=True, text=True,
        timeout=60, stdin=subprocess.DEVNULL,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "HOTLINE_SECRET"])
def test_missing_production_variable_stops_start_up(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_malformed_variable_stops_start_up():
    result = _manage("check", env={**PRODUCTION_ENV, "SESSION_IDLE_MINUTES": "thirty"})
    assert result.returncode != 0
    assert "SESSION_IDLE_MINUTES" in result.stderr
