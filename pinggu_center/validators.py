"""Validators for residents' identifiers: mainland phone numbers and GB 11643 citizen ID numbers."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Landlines: area code 0xx or 0xxx, optional dash, 7-8 digits (Pinggu: 010-6996xxxx).
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"


def validate_phone(value: str) -> None:
    """A mainland mobile number: 11 digits starting with 1."""
    if not MOBILE_RE.match(value or ""):
        raise ValidationError(_("请输入有效的手机号码（以 1 开头的 11 位数字）。"), code="invalid_phone")


def validate_phone_or_landline(value: str) -> None:
    if not (MOBILE_RE.match(value or "") or LANDLINE_RE.match(value or "")):
        raise ValidationError(_("请输入有效的手机或固定电话号码。"), code="invalid_phone")


def id_number_check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def validate_id_number(value: str) -> None:
    """An 18-character resident ID whose birth date exists and whose check character matches (GB 11643-1999)."""
    value = (value or "").upper()
    if not re.match(r"^\d{17}[\dX]$", value):
        raise ValidationError(_("身份证号须为 18 位，前 17 位为数字，末位为数字或 X。"), code="invalid_id")
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号中的出生日期无效。"), code="invalid_id") from None
    if id_number_check_char(value[:17]) != value[17]:
        raise ValidationError(_("身份证号校验位不正确，请核对。"), code="invalid_id")


def mask_phone(value: str) -> str:
    """138****5678: enough to recognise, not enough to call."""
    if not value:
        return ""
    if len(value) >= 7:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return "*" * len(value)


def mask_id_number(value: str) -> str:
    """110117********1234"""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]
