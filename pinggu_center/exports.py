"""Every Excel workbook of the platform is written here: streamed, text kept as text, no row ever dropped.

- openpyxl's write-only mode (with lxml) writes each row to a temporary file as it comes, so memory does not
  grow with the row count; the finished file is handed over as a file, never as one bytes object.
- A string is always stored as a string cell: openpyxl would turn a value starting with "=" into a live
  formula (residents' text reaches the exports: `=HYPERLINK(...)`), and characters that XML cannot hold are
  removed instead of failing the export.
- A sheet holds at most 1,048,575 data rows; past that the rows go on to a continuation sheet, so an export
  never stops short without saying so.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from . import audit
from .models import AuditLog

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_ROWS = 1_048_576  # Excel's limit per sheet, header rows included
PROGRESS_EVERY = 1_000
Column = tuple[Any, Callable[[Any], Any]]  # (header, value of one row)


@dataclass
class Sheet:
    """One sheet: an optional line above, the header, then the rows (any iterable, consumed once)."""

    title: Any
    header: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    caption: Any = None
    widths: dict[str, int] = field(default_factory=dict)


def write_xlsx(target: str | IO[bytes], sheets: Iterable[Sheet], *, total: int = 0,
               progress: Callable[[int], None] | None = None) -> int:
    """Write the sheets to `target` (a path or a binary file); returns the number of data rows written.

    `progress(percent)` is called every 1,000 rows when `total` (the expected row count) is known.
    """
    workbook = Workbook(write_only=True)
    written = 0
    for sheet in sheets:
        part, rows_here, worksheet = 1, 0, None
        for row in sheet.rows:
            if worksheet is None or rows_here >= SHEET_ROWS - (2 if sheet.caption else 1):
                worksheet = _start_sheet(workbook, sheet, part)
                part, rows_here = part + 1, 0
            worksheet.append([_cell(worksheet, value) for value in row])
            rows_here += 1
            written += 1
            if progress is not None and total and written % PROGRESS_EVERY == 0:
                progress(min(99, written * 100 // total))
        if worksheet is None:
            _start_sheet(workbook, sheet, part)
    workbook.save(target)
    return written


def _start_sheet(workbook: Workbook, sheet: Sheet, part: int):
    title = str(sheet.title)[:28] + (f"({part})" if part > 1 else "")
    worksheet = workbook.create_sheet(title)
    for column, width in sheet.widths.items():
        worksheet.column_dimensions[column].width = width
    if sheet.caption:
        worksheet.append([_cell(worksheet, sheet.caption)])
    header = []
    for name in sheet.header:
        cell = _cell(worksheet, str(name), text=True)
        cell.font = Font(bold=True)
        header.append(cell)
    worksheet.append(header)
    return worksheet


def _cell(worksheet, value: Any, *, text: bool = False) -> Any:
    """A value openpyxl stores as it is: text as text, dates in local time, anything else as its text."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith("=") or text:
            cell = WriteOnlyCell(worksheet, value=value)
            cell.data_type = "s"  # never a formula
            return cell
        return value
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if value is None or isinstance(value, (int, float, bool, date)):
        return value
    return _cell(worksheet, str(value))


def table(title: Any, columns: Iterable[Column], rows: Iterable[Any]) -> Sheet:
    """A sheet of objects, one column per (header, getter)."""
    columns = list(columns)
    return Sheet(title, [header for header, _value in columns], ([value(row) for _h, value in columns] for row in rows))


def xlsx_response(sheets: Iterable[Sheet], filename: str) -> HttpResponse:
    """A workbook as a download inside the request: for tables of hundreds of rows (a list the size of the
    case ledger goes through the export job instead)."""
    return xlsx_bytes_response(lambda target: write_xlsx(target, sheets), filename)


def xlsx_bytes_response(write: Callable[[IO[bytes]], Any], filename: str) -> HttpResponse:
    with tempfile.TemporaryFile() as spooled:
        write(spooled)
        spooled.seek(0)
        response = HttpResponse(spooled.read(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def list_export(
    request: HttpRequest, *, queryset: QuerySet, columns: Iterable[Column], title: Any, filename: str
) -> HttpResponse:
    """The filtered list as an .xlsx download; the export is written to the audit log."""
    audit.record(AuditLog.Action.EXPORT, request=request, detail=f"{filename} {request.GET.urlencode()}"[:500])
    return xlsx_response([table(title, columns, queryset.iterator(chunk_size=2000))], filename)
