"""The ledger's Excel export: exactly the filtered rows, phones masked."""

from __future__ import annotations

from io import BytesIO

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

MAX_ROWS = 50_000


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def cases_workbook(cases: QuerySet) -> tuple[bytes, int]:
    """An xlsx of the given cases (at most MAX_ROWS); returns the bytes and the number of rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("事项台账"))
    sheet.append([_("事项编号"), _("事由"), _("所在村/社区"), _("类别"), _("来源"), _("状态"), _("层级"),
                  _("办理路径"), _("结束方式"), _("当事人"), _("登记时间"), _("办结期限"), _("是否逾期")])
    count = 0
    for case in cases[:MAX_ROWS].iterator(chunk_size=1000):
        parties = "；".join(f"{p.name} {p.masked_phone}".strip() for p in case.parties.all())
        sheet.append([
            case.number, case.title, case.division.name, case.category.name, case.get_source_display(),
            case.get_status_display(), case.get_level_display(), case.get_path_display(),
            case.get_closure_display(), parties, _when(case.registered_at), _when(case.resolution_due),
            _("是") if case.is_overdue else _("否"),
        ])
        count += 1
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count
