"""Public pages while Redis (the cache behind the rate limits) is unreachable: served, never a 500."""

from __future__ import annotations

import logging
import socket

import pytest
from django.test import Client, override_settings

from cases.models import Case
from tests.public.helpers import report

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down():
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    # Its own override, undone before the package's cache-clearing fixture runs again.
    with override_settings(CACHES=caches):
        yield


def test_track_answers_while_the_cache_is_down(redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="cases.public.guards"):
        response = Client().post("/public/track/", {"number": "PG-NOPE", "phone_last4": "1234"}, REMOTE_ADDR="10.0.0.5")
    assert response.status_code == 200
    assert "Rate limit track_ip not counted" in caplog.text


def test_report_is_registered_while_the_cache_is_down(org, redis_down):
    response = report(Client(), org.village.code)
    assert response.status_code == 201
    assert Case.objects.filter(source=Case.Source.ONLINE).count() == 1
