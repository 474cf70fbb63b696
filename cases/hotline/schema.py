"""Validation of a 12345 work order's JSON body: every field error in Chinese, nothing trusted unchecked."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pinggu_center.models import Center, Level
from pinggu_center.validators import validate_phone_or_landline

from ..models import Case, Category

MAX_BODY_BYTES = 64 * 1024
# Years outside this window are typing errors, and adding a deadline to year 9999 would overflow.
YEARS = range(2000, 2101)
PHONE_CHARS = re.compile(r"[0-9-]{7,20}")
DIVISION_CODE = re.compile(r"[0-9]{12}")

Errors = dict[str, list[str]]


@dataclass
class Order:
    """A valid work order, ready to become a case."""

    order_no: str
    center: Center
    category: Category
    caller_name: str
    caller_phone: str
    content: str
    address: str
    urgency: str
    received_at: datetime
    reply_by: datetime
    request_hash: str


def request_hash(data: Any) -> str:
    """sha256 of the canonical JSON (sorted keys, no spaces): the same order sent twice hashes the same."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def parse_body(body: bytes) -> tuple[Any, Errors]:
    try:
        return json.loads(body.decode("utf-8")), {}
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None, {"body": [_("请求体不是有效的 UTF-8 JSON。")]}


def _text(data: dict, name: str, errors: Errors, *, required: bool, max_length: int) -> str:
    """A string field: present if required, a string, printable as UTF-8 without NUL, within its length."""
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.setdefault(name, []).append(_("此字段为必填项。"))
        return ""
    if not isinstance(value, str):
        errors.setdefault(name, []).append(_("须为字符串。"))
        return ""
    if "\x00" in value or not _encodable(value):
        errors.setdefault(name, []).append(_("包含无效字符。"))
        return ""
    value = value.strip()
    if len(value) > max_length:
        errors.setdefault(name, []).append(_("不能超过 %(max)d 个字符。") % {"max": max_length})
        return ""
    return value


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _moment(data: dict, name: str, errors: Errors, *, required: bool) -> datetime | None:
    raw = _text(data, name, errors, required=required, max_length=40)
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None or moment.year not in YEARS:
        errors.setdefault(name, []).append(_("须为带时区的 ISO 8601 时间，如 2026-11-24T09:30:00+08:00。"))
        return None
    return moment


def _center(code: str, errors: Errors) -> Center | None:
    if not code:
        return None
    center = None
    if DIVISION_CODE.fullmatch(code):
        center = (
            Center.objects.filter(division__code=code, division__level=Level.VILLAGE)
            .select_related("division__parent")
            .first()
        )
    if center is None:
        errors.setdefault("division_code", []).append(_("未知的村/社区区划代码。"))
    return center


def _category(code: str, errors: Errors) -> Category | None:
    if not code:
        return None
    category = Category.objects.filter(code=code, active=True).first()
    if category is None:
        errors.setdefault("category", []).append(_("未知的事项类别，请使用类别接口返回的代码。"))
    return category


def _caller(data: dict, errors: Errors) -> tuple[str, str]:
    caller = data.get("caller")
    if caller is None:
        errors["caller"] = [_("此字段为必填项。")]
        return "", ""
    if not isinstance(caller, dict):
        errors["caller"] = [_("须为对象，含 name 和 phone。")]
        return "", ""
    nested: Errors = {}
    name = _text(caller, "name", nested, required=True, max_length=50)
    phone = _text(caller, "phone", nested, required=True, max_length=20)
    if phone:
        try:
            validate_phone_or_landline(phone)
            if not PHONE_CHARS.fullmatch(phone):
                raise ValidationError(_("请输入有效的手机或固定电话号码。"))
        except ValidationError as exc:
            nested.setdefault("phone", []).extend(str(message) for message in exc.messages)
            phone = ""
    for field, messages in nested.items():
        errors[f"caller.{field}"] = messages
    return name, phone


def default_reply_by(received_at: datetime, urgency: str, category: Category) -> datetime:
    """The hotline's own clock when the order names no deadline: urgent 2 h, utilities 24 h, otherwise 7 days."""
    hours = settings.HOTLINE_DEADLINE_HOURS
    if urgency == Case.Urgency.URGENT:
        return received_at + timedelta(hours=hours["urgent"])
    if category.code in settings.HOTLINE_UTILITY_CATEGORIES:
        return received_at + timedelta(hours=hours["utilities"])
    return received_at + timedelta(hours=hours["normal"])


def validate_order(data: Any, *, now: datetime) -> tuple[Order | None, Errors]:
    """The order, or every field error at once; nothing is looked up twice."""
    if not isinstance(data, dict):
        return None, {"body": [_("请求体须为 JSON 对象。")]}
    errors: Errors = {}
    order_no = _text(data, "order_no", errors, required=True, max_length=64)
    center = _center(_text(data, "division_code", errors, required=True, max_length=12), errors)
    category = _category(_text(data, "category", errors, required=True, max_length=40), errors)
    name, phone = _caller(data, errors)
    content = _text(data, "content", errors, required=True, max_length=MAX_BODY_BYTES)
    address = _text(data, "address", errors, required=False, max_length=200)
    urgency = _text(data, "urgency", errors, required=False, max_length=10) or Case.Urgency.NORMAL
    if urgency not in Case.Urgency.values and "urgency" not in errors:
        errors["urgency"] = [_("须为 normal 或 urgent。")]
    received_at = _moment(data, "received_at", errors, required=False) or now
    reply_by = _moment(data, "reply_by", errors, required=False)
    if errors:
        return None, errors
    return Order(
        order_no=order_no, center=center, category=category, caller_name=name, caller_phone=phone,
        content=content, address=address, urgency=urgency, received_at=received_at,
        reply_by=reply_by or default_reply_by(received_at, urgency, category), request_hash=request_hash(data),
    ), {}
