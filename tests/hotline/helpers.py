"""Signed requests to the machine interfaces, as the 12345 platform sends them."""

from __future__ import annotations

import copy
import json
import time
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.test import Client

from cases.hotline.signing import signature

ORDERS_URL = "/api/hotline/v1/orders"

ORDER: dict[str, Any] = {
    "order_no": "BJ12345-20261124-000123",
    "received_at": "2026-11-24T09:30:00+08:00",
    "caller": {"name": "张三", "phone": "13800001234"},
    "division_code": "110117104201",
    "address": "平谷区峪口镇西凡各庄村三街12号",
    "category": "infrastructure",
    "content": "村东头路灯坏了两周，晚上出行不便。",
    "urgency": "normal",
    "reply_by": "2026-12-01T18:00:00+08:00",
}


def order(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(ORDER)
    body.update(changes)
    return {key: value for key, value in body.items() if value is not ...}


def headers(body: bytes, *, secret: str | None = None, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    return {
        "HTTP_X_HOTLINE_TIMESTAMP": stamp,
        "HTTP_X_HOTLINE_SIGNATURE": signature(secret if secret is not None else settings.HOTLINE_SECRET, stamp, body),
    }


def post(client: Client, url: str, data: Any, **sign: Any) -> HttpResponse:
    body = data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode()
    return client.generic("POST", url, body, content_type="application/json", **headers(body, **sign))


def get(client: Client, url: str, **sign: Any) -> HttpResponse:
    return client.get(url, **headers(b"", **sign))
