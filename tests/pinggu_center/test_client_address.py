"""The client's address: X-Forwarded-For only through the trusted proxies, read from the right."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from pinggu_center.client_address import client_ip
from pinggu_center.models import AuditLog
from tests.factories import PASSWORD

factory = RequestFactory()


def ip_of(remote: str, forwarded: str | None = None) -> str | None:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(factory.get("/", REMOTE_ADDR=remote, **extra))


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.7", None, "203.0.113.7"),
        # Not through a trusted proxy: a forwarded header is the client's to forge and is ignored.
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),
    ],
)
def test_without_trusted_proxies_only_the_socket_counts(settings, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = []
    assert ip_of(remote, forwarded) == expected


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # nginx on the same host appends the address it saw.
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),
        # What the client wrote itself stays to the left and is never reached.
        ("127.0.0.1", "1.2.3.4, 203.0.113.7", "203.0.113.7"),
        # A chain of trusted proxies (load balancer in 10.0.0.0/8, then nginx) is walked through.
        ("127.0.0.1", "203.0.113.7, 10.1.2.3", "203.0.113.7"),
        ("127.0.0.1", "203.0.113.7:51234", "203.0.113.7"),
        ("127.0.0.1", "[2001:db8::5]:443", "2001:db8::5"),
        # No header, an empty one or garbage: the last trusted hop, never a forged value.
        ("127.0.0.1", None, "127.0.0.1"),
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        ("127.0.0.1", "1.2.3.4, bogus", "127.0.0.1"),
        # A request that bypassed the proxy is taken at its socket address.
        ("198.51.100.9", "203.0.113.7", "198.51.100.9"),
        ("::ffff:127.0.0.1", "203.0.113.7", "203.0.113.7"),
    ],
)
def test_behind_trusted_proxies_the_first_untrusted_hop_from_the_right(settings, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    assert ip_of(remote, forwarded) == expected


@pytest.mark.django_db
def test_audit_rows_and_login_lockout_see_the_forwarded_address(settings, org, director):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client.post("/accounts/login/", {"username": "director", "password": "wrong"}).status_code == 200
    assert client.post("/accounts/login/", {"username": "director", "password": PASSWORD}).status_code == 302
    rows = AuditLog.objects.filter(username="director").order_by("pk")
    assert [(row.action, row.ip_address) for row in rows] == [("login_failed", "203.0.113.7"), ("login", "203.0.113.7")]


@pytest.mark.django_db
def test_online_report_quota_is_per_resident_behind_the_proxy(settings, org):
    from django.core.cache import cache

    from tests.public.helpers import challenge_from

    cache.clear()
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.PUBLIC_REPORT_LIMIT_PER_IP_HOUR = 1
    url = f"/public/{org.village.code}/report/"

    def submit(resident: str, phone: str) -> int:
        client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=resident)
        token, answer = challenge_from(client.get(url))
        data = {"name": "李四", "phone": phone, "description": "路灯坏了很久，晚上看不见路。",
                "challenge": token, "answer": answer}  # fmt: skip
        return client.post(url, data).status_code

    assert submit("203.0.113.7", "13911112222") == 201
    # Another resident behind the same proxy still has their own quota; the first has used theirs.
    assert submit("198.51.100.20", "13911113333") == 201
    assert submit("203.0.113.7", "13911114444") == 429
