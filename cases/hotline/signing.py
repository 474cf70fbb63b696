"""HMAC-SHA256 request signing shared by the 12345 interface and the enforcement link (both directions)."""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

TIMESTAMP_HEADER = "X-Hotline-Timestamp"
SIGNATURE_HEADER = "X-Hotline-Signature"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=` + lowercase hex of HMAC-SHA256(secret, timestamp + "." + body)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signed_headers(secret: str, body: bytes, *, now: float | None = None) -> dict[str, str]:
    """The two headers an outgoing request carries."""
    timestamp = str(int(now if now is not None else time.time()))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: signature(secret, timestamp, body)}


def verify(request: HttpRequest, secret: str) -> str | None:
    """None when the request is signed with `secret` and fresh; otherwise the reason, for a 401."""
    timestamp = request.headers.get(TIMESTAMP_HEADER, "")
    given = request.headers.get(SIGNATURE_HEADER, "")
    if not secret:
        return _("服务端未配置签名密钥。")
    if not timestamp or not given:
        return _("缺少签名或时间戳。")
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        return _("时间戳格式无效。")
    if abs(time.time() - int(timestamp)) > settings.HOTLINE_TIMESTAMP_TOLERANCE_SECONDS:
        return _("时间戳超出允许范围。")
    expected = signature(secret, timestamp, request.body)
    if not hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace")):
        return _("签名不匹配。")
    return None
