"""Submitting the public forms the way a resident's browser does, with the sum solved."""

from __future__ import annotations

import re
from typing import Any

from django.core import signing
from django.http import HttpResponse
from django.test import Client

from cases.public.guards import CHALLENGE_SALT


def challenge_from(page: HttpResponse) -> tuple[str, int]:
    """The signed token on the page and the answer to its sum."""
    token = re.search(r'name="challenge" value="([^"]+)"', page.content.decode()).group(1)
    data = signing.loads(token, salt=CHALLENGE_SALT)
    return token, data["a"] + data["b"]


def report(client: Client, code: str, *, answer_offset: int = 0, **fields: Any) -> HttpResponse:
    url = f"/public/{code}/report/"
    token, answer = challenge_from(client.get(url))
    data = {"name": "李四", "phone": "13911112222", "description": "邻居家的狗夜里一直叫，影响休息。",
            "challenge": token, "answer": answer + answer_offset, **fields}
    return client.post(url, data, REMOTE_ADDR=fields.pop("ip", "10.0.0.1"))
