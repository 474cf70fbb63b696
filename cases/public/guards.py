"""Abuse protection for the public pages: fixed-window rate limits and a signed, single-use sum to solve."""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest

from pinggu_center import client_address

logger = logging.getLogger(__name__)

CHALLENGE_SALT = "cases.public.challenge"
CHALLENGE_MAX_AGE = 15 * 60  # seconds a form may stay open before its sum expires

# (setting name, default limit, window in seconds)
LIMITS = {
    "report_ip": ("PUBLIC_REPORT_LIMIT_PER_IP_HOUR", 5, 3600),
    "report_phone": ("PUBLIC_REPORT_LIMIT_PER_PHONE_DAY", 3, 86400),
    "track_ip": ("PUBLIC_TRACK_LIMIT_PER_IP_HOUR", 20, 3600),
}


def client_ip(request: HttpRequest) -> str:
    # X-Forwarded-For only through the trusted proxies: otherwise the header is the client's to forge.
    return client_address.client_ip(request) or "unknown"


def hit(kind: str, identity: str) -> bool:
    """Count one use of `kind` by `identity`; False once the window's limit is exceeded.

    Fails open: while the cache (Redis) is unreachable every use is allowed and the outage is logged,
    so a resident never meets a 500 because a counter could not be kept.
    """
    setting, default, window = LIMITS[kind]
    limit = getattr(settings, setting, default)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]  # no phone numbers or addresses in cache keys
    key = f"public:limit:{kind}:{digest}:{int(time.time()) // window}"
    try:
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
    except Exception:  # noqa: BLE001 - any cache failure (connection refused, timeout) lets the request through
        logger.warning(
            "Rate limit %s not counted: the cache is unreachable; allowing the request.", kind, exc_info=True
        )
        return True
    return count <= limit


@dataclass
class Challenge:
    question: str
    token: str


def new_challenge() -> Challenge:
    """A small sum anyone can do in their head; its answer travels signed, never in clear."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"a": a, "b": b, "n": secrets.token_hex(8)}, salt=CHALLENGE_SALT)
    return Challenge(question=f"{a} + {b} = ?", token=token)


def solve(token: str, answer: int | None) -> bool:
    """True once per token, for the right answer within its time; a replayed token fails."""
    try:
        data = signing.loads(token, salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)
    except signing.BadSignature:
        return False
    if answer != data["a"] + data["b"]:
        return False
    try:
        return cache.add(f"public:challenge:{data['n']}", 1, timeout=CHALLENGE_MAX_AGE)
    except Exception:  # noqa: BLE001 - as in hit(): a right answer is accepted while the cache is away
        logger.warning("Challenge use not recorded: the cache is unreachable; accepting the answer.", exc_info=True)
        return True
