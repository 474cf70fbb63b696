"""Excel exports of the dashboard tables, with exactly the filters the page shows; scoped to the user."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from pinggu_center.errors import RuleError
from pinggu_center.models import Division, Level, User
from pinggu_center.scopes import visible_divisions

from . import rates, rollup, selectors
from .forms import PeriodForm

KINDS = ("towns", "villages", "departments", "cases", "whistles")
RATE_HEADERS = [
    gettext_lazy("受理量"), gettext_lazy("响应率%"), gettext_lazy("解决率%"), gettext_lazy("满意率%"),
    gettext_lazy("小事不出村率%"), gettext_lazy("提级率%"), gettext_lazy("超期件数"),
]
RATE_KEYS = [
    "intake",
    "response_rate",
    "resolution_rate",
    "satisfaction_rate",
    "village_rate",
    "escalation_rate",
    "overdue",
]


class ExportError(RuleError):
    """Bad export parameters; the message is shown to the user."""


@dataclass
class ExportSpec:
    kind: str
    start: date
    end: date
    division: Division | None

    @property
    def period(self) -> rates.Period:
        return rates.Period(self.start, self.end)

    def as_params(self) -> dict:
        return {
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "division": self.division.pk if self.division else None,
        }


def parse(user: User, data: QueryDict | dict) -> ExportSpec:
    """Validate kind, dates and division; a division outside the user's scope is a 404."""
    kind = data.get("kind")
    if kind not in KINDS:
        raise ExportError(_("未知的导出内容。"), code="unknown_kind")
    form = PeriodForm({"start": data.get("start") or "", "end": data.get("end") or ""})
    if not form.is_valid():
        raise ExportError(" ".join(str(e) for errors in form.errors.values() for e in errors), code="invalid_filter")
    division = None
    if kind in {"villages", "cases", "whistles"}:
        division_id = str(data.get("division") or "")
        if not division_id.isdigit():
            raise ExportError(_("请指定镇街或村（社区）。"), code="division_required")
        division = visible_divisions(user).filter(pk=int(division_id)).first()
        if division is None:
            raise Http404
        wanted = Level.VILLAGE if kind == "cases" else Level.TOWN
        if division.level != wanted:
            raise ExportError(_("所选区划的层级不符。"), code="division_level_mismatch")
    elif not user.is_district:
        raise Http404  # the district-wide tables are for district reviewers only
    return ExportSpec(kind, form.cleaned_data["start"], form.cleaned_data["end"], division)


def _rate_row(row: dict) -> list:
    return [round(row[key], 1) if isinstance(row[key], float) else row[key] for key in RATE_KEYS]


def _towns(spec: ExportSpec) -> tuple[list[str], Iterable[list]]:
    table = rates.with_rates(selectors.towns(), rollup.review_rates(spec.period, group="town", where={}))
    return [_("镇街"), *RATE_HEADERS], ([row["division"].name, *_rate_row(row)] for row in table)


def _villages(spec: ExportSpec) -> tuple[list[str], Iterable[list]]:
    villages = selectors.villages_of(spec.division)
    table = rates.with_rates(villages, rollup.review_rates(spec.period, group="village", where={"town": spec.division}))
    return [_("村（社区）"), *RATE_HEADERS], ([row["division"].name, *_rate_row(row)] for row in table)


def _departments(spec: ExportSpec) -> tuple[list[str], Iterable[list]]:
    headers = [_("部门"), _("所属"), _("被吹哨次数"), _("已报到"), _("逾期报到"), _("平均报到用时（小时）"), _("平均评分")]
    rows = (
        [
            d.name,
            d.division.name,
            d.summoned,
            d.reported,
            d.late,
            round(d.average_delay.total_seconds() / 3600, 1) if d.average_delay else None,
            round(d.average_rating, 2) if d.average_rating else None,
        ]
        for d in selectors.department_ranking(spec.period)
    )
    return headers, rows


def _cases(spec: ExportSpec) -> tuple[list[str], Iterable[list]]:
    headers = [
        _("事项编号"),
        _("事由"),
        _("类别"),
        _("来源"),
        _("状态"),
        _("办理层级"),
        _("办理路径"),
        _("结束方式"),
        _("结果"),
        _("登记时间"),
        _("办结期限"),
        _("办结时间"),
    ]

    def local(value):
        return timezone.localtime(value).replace(tzinfo=None) if value else None

    cases = selectors.cases_of_village(spec.division, spec.period)
    rows = (
        [
            c.number,
            c.title,
            c.category.name,
            c.get_source_display(),
            c.get_status_display(),
            c.get_level_display(),
            c.get_path_display(),
            c.get_closure_display(),
            c.get_outcome_display(),
            local(c.registered_at),
            local(c.resolution_due),
            local(c.closed_at),
        ]
        for c in cases.iterator(chunk_size=2000)
    )
    return headers, rows


def _whistles(spec: ExportSpec) -> tuple[list[str], Iterable[list]]:
    headers = [_("事项编号"), _("事由"), _("部门"), _("吹哨时间"), _("报到期限"), _("报到时间"), _("是否逾期"), _("评分")]

    def local(value):
        return timezone.localtime(value).replace(tzinfo=None) if value else None

    summonses = selectors.summonses_to(spec.division, spec.period)
    rows = (
        [
            s.whistle.case.number,
            s.whistle.case.title,
            s.department.name,
            local(s.whistle.blown_at),
            local(s.whistle.report_in_due),
            local(s.reported_at),
            _("是") if s.is_late else _("否"),
            s.rating,
        ]
        for s in summonses.iterator(chunk_size=2000)
    )
    return headers, rows


BUILDERS = {"towns": _towns, "villages": _villages, "departments": _departments, "cases": _cases, "whistles": _whistles}
TITLES = {
    "towns": gettext_lazy("各镇街指标"),
    "villages": gettext_lazy("各村指标"),
    "departments": gettext_lazy("部门报到排名"),
    "cases": gettext_lazy("事项清单"),
    "whistles": gettext_lazy("吹哨报到"),
}


def build(spec: ExportSpec, progress: Callable[[int], None] | None = None) -> bytes:
    """The xlsx bytes of one table; `progress(percent)` is called every 500 rows when the size is known."""
    headers, rows = BUILDERS[spec.kind](spec)
    total = selectors.cases_of_village(spec.division, spec.period).count() if spec.kind == "cases" else 0
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(TITLES[spec.kind]))
    sheet.append([_("%(title)s %(start)s 至 %(end)s") % {"title": TITLES[spec.kind], "start": f"{spec.start:%Y-%m-%d}", "end": f"{spec.end:%Y-%m-%d}"}])
    sheet.append([str(header) for header in headers])
    for index, row in enumerate(rows, start=1):
        sheet.append(row)
        if progress is not None and total and index % 500 == 0:
            progress(min(99, index * 100 // total))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(spec: ExportSpec) -> str:
    suffix = f"-{spec.division.code}" if spec.division else ""
    return f"{spec.kind}{suffix}-{spec.start:%Y%m%d}-{spec.end:%Y%m%d}.xlsx"
