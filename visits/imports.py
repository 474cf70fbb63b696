"""Reading a household list from Excel (.xlsx) or CSV into good rows and rejected rows with reasons."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pinggu_center.errors import RuleError
from pinggu_center.models import Division
from pinggu_center.validators import validate_phone_or_landline

from .models import Household, Tag

COLUMNS = {"户主": "head_name", "住址": "address", "电话": "phone", "人口": "members_count", "标签": "tags"}
MAX_ROWS = 5000
TAG_BY_LABEL = {str(label): value for value, label in Tag.choices}


class ImportFileError(RuleError):
    """The file cannot be read at all (wrong type, no header)."""


@dataclass
class ImportReport:
    good: list[dict[str, Any]] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)  # (spreadsheet row number, reason)


def read_rows(upload) -> list[list[str]]:
    name = upload.name.lower()
    data = upload.read()
    if name.endswith(".csv"):
        text = data.decode("utf-8-sig", errors="replace")
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception as error:  # noqa: BLE001 - any unreadable workbook is the user's file, not our bug
            raise ImportFileError(_("无法读取该 Excel 文件。"), code="unreadable") from error
        return [
            ["" if cell is None else str(cell).strip() for cell in row] for row in sheet.iter_rows(values_only=True)
        ]
    raise ImportFileError(_("请上传 .xlsx 或 .csv 文件。"), code="file_type")


def parse_households(upload, division: Division) -> ImportReport:
    """Check every row; a row is good only if all its cells are valid and it is new to the village and the file."""
    rows = read_rows(upload)
    if not rows or "户主" not in rows[0] or "住址" not in rows[0]:
        raise ImportFileError(_("第一行须为表头，至少包含“户主”和“住址”两列。"), code="header_missing")
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFileError(_("一次最多导入 %(max)s 户。") % {"max": MAX_ROWS}, code="too_many_rows")
    header = [COLUMNS.get(cell) for cell in rows[0]]
    existing = set(Household.objects.filter(division=division).values_list("address", "head_name"))
    seen: dict[tuple[str, str], int] = {}
    report = ImportReport()
    for number, cells in enumerate(rows[1:], start=2):
        raw = {key: cells[i] if i < len(cells) else "" for i, key in enumerate(header) if key}
        if not any(raw.values()):
            continue
        try:
            row = _clean_row(raw)
        except ValidationError as error:
            report.bad.append((number, error.messages[0]))
            continue
        key = (row["address"], row["head_name"])
        if key in existing:
            report.bad.append((number, _("该住户已登记。")))
        elif key in seen:
            report.bad.append((number, _("与第 %(row)s 行重复。") % {"row": seen[key]}))
        else:
            seen[key] = number
            report.good.append(row)
    return report


def _clean_row(raw: dict[str, str]) -> dict[str, Any]:
    head_name, address = raw.get("head_name", "")[:50], raw.get("address", "")[:200]
    if not head_name:
        raise ValidationError(_("户主姓名为空。"))
    if not address:
        raise ValidationError(_("住址为空。"))
    phone = raw.get("phone", "").replace(" ", "")
    if phone:
        validate_phone_or_landline(phone)
    count_text = raw.get("members_count", "") or "1"
    try:
        members_count = int(float(count_text))
    except ValueError:
        members_count = 0
    if not 1 <= members_count <= 99:
        raise ValidationError(_("家庭人口须为 1 到 99 的整数。"))
    tags = []
    for label in filter(
        None, (part.strip() for part in raw.get("tags", "").replace(",", "、").replace("，", "、").split("、"))
    ):
        if label not in TAG_BY_LABEL:
            raise ValidationError(_("未知的关注标签“%(label)s”。") % {"label": label})
        tags.append(TAG_BY_LABEL[label])
    return {"head_name": head_name, "address": address, "phone": phone, "members_count": members_count, "tags": tags}
