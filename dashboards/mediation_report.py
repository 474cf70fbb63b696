"""The people's-mediation report page (人民调解统计报表), its Excel file in the same layout, and period locks.

The page and the workbook draw from one column layout (`layout`), so their headers, units and figures match.
Figures come from cases.mediation_report's counters; the views stay thin and every lookup is scoped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from cases.mediation_report import periods
from cases.mediation_report import selectors as report_selectors
from cases.mediation_report import services as report_services
from cases.mediation_report.periods import ReportPeriod
from cases.mediation_report.selectors import Report, ReportRow
from cases.services import CaseRuleError
from pinggu_center import audit, freshness
from pinggu_center.exports import xlsx_bytes_response
from pinggu_center.freshness import Deferred
from pinggu_center.models import AuditLog, Division, Level, User
from pinggu_center.scopes import visible_divisions


@dataclass(frozen=True)
class Column:
    label: str  # the lower header (or the whole header of a single column)
    value: Callable[[ReportRow], object]
    kind: str = "count"  # count, money or rate


@dataclass(frozen=True)
class Group:
    label: str  # the upper header; "" for a single column spanning both header rows
    columns: list[Column]


def layout(report: Report) -> list[Group]:
    """The report's columns, grouped under their upper headers, with their units."""
    by_category = [Column(_("合计"), lambda row: row.values["mediated"])]
    for category in report.categories:
        by_category.append(Column(category.name, lambda row, pk=category.pk: row.by_category.get(pk, 0)))
    groups = [
        Group(_("调解纠纷（件）"), by_category),
        Group("", [Column(_("调解成功（件）"), lambda row: row.values["succeeded"])]),
        Group("", [Column(_("调解成功率（%）"), lambda row: row.success_rate, "rate")]),
        Group(_("调解协议"), [Column(_("书面（份）"), lambda row: row.values["written"]),
                            Column(_("口头（件）"), lambda row: row.values["oral"])]),
        Group("", [Column(_("涉及金额（元）"), lambda row: row.values["amount"], "money")]),
        Group("", [Column(_("涉及人数（人）"), lambda row: row.values["people"])]),
    ]
    for name, label in report_services.PREVENTIONS:
        groups.append(Group(str(label), [Column(_("件"), lambda row, n=name: row.values[n]),
                                         Column(_("人"), lambda row, n=name: row.values[f"{n}_people"])]))
    return groups


def _shown(value: object, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "rate":
        return f"{value:.1f}"
    if kind == "money":
        return f"{Decimal(value):,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _cells(groups: list[Group], row: ReportRow) -> list[str]:
    return [_shown(column.value(row), column.kind) for group in groups for column in group.columns]


def _period_options(chosen: str | None) -> str:
    """The period select's fifty-odd options (months, quarters, years), built here as the cells are."""
    return mark_safe("".join(  # noqa: S308 - escaped
        f'<option value="{escape(code)}"{" selected" if code == chosen else ""}>{escape(label)}</option>'
        for code, label in periods.choices(timezone.localdate())
    ))


def _header_html(report: Report, groups: list[Group]) -> str:
    """The table's two header rows: an upper header spans its columns; a single column spans both rows."""
    upper = [f'<th scope="col" rowspan="2" class="text-start">{escape(report.row_heading)}</th>']
    lower = []
    for group in groups:
        if group.label:
            upper.append(f'<th scope="colgroup" colspan="{len(group.columns)}">{escape(group.label)}</th>')
            lower.extend(f'<th scope="col">{escape(column.label)}</th>' for column in group.columns)
        else:
            upper.append(f'<th scope="col" rowspan="2">{escape(group.columns[0].label)}</th>')
    return mark_safe(f"<tr>{''.join(upper)}</tr><tr>{''.join(lower)}</tr>")  # noqa: S308 - escaped


def _cells_html(groups: list[Group], row: ReportRow) -> str:
    """A row's cells as table cells: a district's report has some six hundred, too many for a template loop.

    Not escaped: every cell is a figure `_shown` wrote (digits, separators or a dash), never text from a user.
    """
    return mark_safe("<td>" + "</td><td>".join(_cells(groups, row)) + "</td>")  # noqa: S308 - figures only


def _body_html(report: Report, groups: list[Group], child_level: str | None) -> str:
    """The table's rows: a division one level down links to its own report for the same period."""
    rows = []
    for row in report.rows:
        label = escape(row.label)
        if child_level and row.division.level == child_level:
            label = f'<a href="{escape(_url("dashboards:mediation_report", row.division, report.period))}">{label}</a>'
        rows.append(f'<tr><th scope="row" class="text-start fw-normal">{label}</th>{_cells_html(groups, row)}</tr>')
    return mark_safe("".join(rows))  # noqa: S308 - escaped


def _division_and_period(request: HttpRequest, data) -> tuple[Division, ReportPeriod | None]:
    """The division (404 outside the user's scope) and the period (None when it cannot be read)."""
    user: User = request.user
    raw = str(data.get("division") or user.division_id or "")
    if not raw.isdigit():
        raise Http404
    division = get_object_or_404(visible_divisions(user).select_related("parent"), pk=int(raw))
    code = data.get("period") or str(timezone.localdate().year)
    return division, ReportPeriod.parse(code)


def _url(name: str, division: Division, period: ReportPeriod) -> str:
    return reverse(name) + "?" + urlencode({"division": division.pk, "period": period.code})


def _report_figures(user: User, division: Division, period: ReportPeriod) -> dict:
    report = report_selectors.mediation_report(division, period)
    groups = layout(report)
    lockable = user.division if user.division and user.division.level in (Level.TOWN, Level.DISTRICT) else None
    child_level = {Level.DISTRICT: Level.TOWN, Level.TOWN: Level.VILLAGE}.get(division.level)
    return {
        "report": report, "header": _header_html(report, groups),
        "body": _body_html(report, groups, child_level), "total": _cells_html(groups, report.total),
        "export_url": _url("dashboards:mediation_report_export", division, period),
        "lockable": lockable if lockable and report_services.can_lock(user, lockable) else None,
        "period_ended": period.has_ended(), "definitions": definitions(report),
    }


@login_required
def mediation_report(request: HttpRequest) -> HttpResponse:
    division, period = _division_and_period(request, request.GET)
    if period is None:
        messages.error(request, _("统计期间无效，请从列表中选择。"))
        return render(request, "dashboards/mediation_report.html",
                      {"division": division, "period_options": _period_options(None)}, status=400)
    figures = Deferred(_report_figures, request.user, division, period)
    context = {
        "division": division, "period": period, "period_options": Deferred(_period_options, period.code),
        "form_fragment": freshness.fragment_key(request),  # the period selector shows no data: the root token only
        "up": division.parent if division.parent_id and visible_divisions(request.user).filter(
            pk=division.parent_id).exists() else None,
        "fragment": freshness.fragment_key(request, division),
        **figures.parts("report", "header", "body", "total", "export_url", "lockable", "period_ended", "definitions"),
    }
    return render(request, "dashboards/mediation_report.html", context)


@login_required
def mediation_report_export(request: HttpRequest) -> HttpResponse:
    division, period = _division_and_period(request, request.GET)
    if period is None:
        raise Http404
    report = report_selectors.mediation_report(division, period)
    audit.record(AuditLog.Action.EXPORT, request=request, obj=division,
                 detail=f"mediation_report {division.name} {period.code}")
    filename = f"mediation-report-{division.code}-{period.code}.xlsx"
    workbook = report_workbook(report, layout(report))
    return xlsx_bytes_response(workbook.save, filename)


@login_required
@require_POST
def mediation_report_lock(request: HttpRequest) -> HttpResponse:
    """Lock or unlock a period for the user's own town or the district; the service decides who may."""
    division, period = _division_and_period(request, request.POST)
    if period is None:
        raise Http404
    service = report_services.unlock_period if request.POST.get("action") == "unlock" else \
        report_services.lock_period
    try:
        count = service(actor=request.user, division=division, period=period, request=request)
    except CaseRuleError as error:
        messages.error(request, str(error))
    else:
        done = _("已解锁") if service is report_services.unlock_period else _("已锁定")
        messages.success(request, _("%(done)s %(division)s %(period)s（%(count)s 个月）。") % {
            "done": done, "division": division.name, "period": period.label, "count": count})
    return redirect(_url("dashboards:mediation_report", division, period))


# --- the workbook ------------------------------------------------------------------------------------

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def report_workbook(report: Report, groups: list[Group]) -> Workbook:
    """The report as filed: title, reporting unit and period, two merged header rows, rows, total, signatures.

    A few hundred rows at most, so it is built in openpyxl's normal mode, which merges cells (write-only
    mode cannot); pinggu_center.exports hands it over as a file.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("人民调解统计"))[:31]
    width = 1 + sum(len(group.columns) for group in groups)
    last = get_column_letter(width)
    sheet.append([_("人民调解工作统计表")])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font, sheet["A1"].alignment = Font(bold=True, size=14), CENTER
    sheet.append([_("填报单位：%(unit)s    统计期间：%(period)s    计量单位：件、份、元、人") % {
        "unit": report.division.name, "period": report.period.label}])
    sheet.merge_cells(f"A2:{last}2")
    _header(sheet, report, groups)
    for row in [*report.rows, report.total]:
        sheet.append([row.label, *[_cell(column.value(row), column.kind) for group in groups
                                   for column in group.columns]])
    for cells in sheet.iter_rows(min_row=3, max_row=sheet.max_row, max_col=width):
        for cell in cells:
            cell.border = BOX
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    for text in definitions(report):
        sheet.append([text])
        sheet.merge_cells(f"A{sheet.max_row}:{last}{sheet.max_row}")
        sheet.cell(row=sheet.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[sheet.max_row].height = 32
    sheet.append([])
    sheet.append([_("填报人："), "", "", "", _("审核人："), "", "", "", _("填报日期：    年    月    日")])
    sheet.column_dimensions["A"].width = 24
    for index in range(2, width + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 9
    sheet.freeze_panes = "B5"
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # names come from editable tables: text stays text, never a formula
    return workbook


def _header(sheet, report: Report, groups: list[Group]) -> None:
    """Rows 3–4: a single column spans both rows; a group's label spans its columns above their labels."""
    sheet.cell(row=3, column=1, value=report.row_heading)
    sheet.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    column = 2
    for group in groups:
        if group.label:
            sheet.cell(row=3, column=column, value=group.label)
            if len(group.columns) > 1:
                sheet.merge_cells(start_row=3, start_column=column, end_row=3,
                                  end_column=column + len(group.columns) - 1)
            for offset, item in enumerate(group.columns):
                sheet.cell(row=4, column=column + offset, value=item.label)
        else:
            sheet.cell(row=3, column=column, value=group.columns[0].label)
            sheet.merge_cells(start_row=3, start_column=column, end_row=4, end_column=column)
        column += len(group.columns)
    for cells in sheet.iter_rows(min_row=3, max_row=4):
        for cell in cells:
            cell.alignment, cell.font = CENTER, Font(bold=True)
    sheet.row_dimensions[3].height = 45
    sheet.row_dimensions[4].height = 30


def _cell(value: object, kind: str) -> object:
    if value is None:
        return "—"
    if kind == "rate":
        return round(float(value), 1)
    if kind == "money":
        return float(value)
    return value


def definitions(report: Report) -> list[str]:
    """The notes written under the table, on the page and in the workbook."""
    notes = [
        _("口径：调解纠纷件数为统计期间内以“总结归档”办结、办理结果为已化解或未化解的矛盾纠纷（撤回的不计），"
          "按办结时间（北京时间）计入所在月份，计入办结该事项的单位；由村提级上报、在镇街（或区）办结的，"
          "只计入镇街（或区）的“直接调解”一行，不计入原村，每件只计一次。"),
        _("调解成功率 = 调解成功件数 ÷ 调解纠纷件数 × 100%；没有调解纠纷的显示“—”。"
          "涉及金额单位为元，未填写金额的按 0 计。"),
        _("锁定：镇街锁定本镇街及所辖村、区级锁定全区已结束的统计期间。锁定后，该期间事项的统计信息拒绝修改；"
          "锁定后重新办理的事项仍计入原期间，再次办结时不重复计入。解锁后方可更正。"),
    ]
    return [str(note) for note in notes]
