"""Excel exports of lists: exactly the rows the page's filters select, audited, in write-only mode."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from openpyxl import Workbook

from . import audit
from .models import AuditLog

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Column = tuple[Any, Callable[[Any], Any]]  # (header, value of one row)


def xlsx_response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_workbook(title: Any, columns: Iterable[Column], rows: Iterable[Any]) -> Workbook:
    columns = list(columns)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(title)[:31])
    sheet.append([str(header) for header, _ in columns])
    for row in rows:
        sheet.append([_cell(value(row)) for _, value in columns])
    return workbook


def list_export(
    request: HttpRequest, *, queryset: QuerySet, columns: Iterable[Column], title: Any, filename: str
) -> HttpResponse:
    """The filtered list as an .xlsx download; the export is written to the audit log."""
    audit.record(AuditLog.Action.EXPORT, request=request, detail=f"{filename} {request.GET.urlencode()}"[:500])
    return xlsx_response(table_workbook(title, columns, queryset.iterator(chunk_size=2000)), filename)


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if value is None or isinstance(value, (int, float, str, bool)) or hasattr(value, "isoformat"):
        return value
    return str(value)
