"""Excel exports of the dashboard tables, with exactly the filters the page shows; scoped to the user."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Case, Party
from pinggu_center.errors import RuleError
from pinggu_center.exports import Sheet, write_xlsx
from pinggu_center.models import Division, Level, User
from pinggu_center.scopes import visible_divisions
from pinggu_center.validators import mask_phone

from . import rates, rollup, selectors
from .forms import PeriodForm

KINDS = ("towns", "villages", "departments", "cases", "whistles", "ledger")
JOB_KINDS = {"cases", "ledger"}  # one row per case: built by the worker, with a progress bar
CHUNK = 2_000
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
    user: User | None = None
    query: str = ""  # the ledger's filters, as its URL carries them

    @property
    def period(self) -> rates.Period:
        return rates.Period(self.start, self.end)

    def as_params(self) -> dict:
        return {
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "division": self.division.pk if self.division else None,
            **({"query": self.query} if self.kind == "ledger" else {}),
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
    elif kind == "ledger":
        query = str(data.get("query") or "")[:1000]
        ledger = _ledger_filter(user, query)
        if ledger.is_bound and not ledger.is_valid():
            raise ExportError(_("筛选条件有误。"), code="invalid_filter")
        return ExportSpec(kind, form.cleaned_data["start"], form.cleaned_data["end"], None, user, query)
    elif not user.is_district:
        raise Http404  # the district-wide tables are for district reviewers only
    return ExportSpec(kind, form.cleaned_data["start"], form.cleaned_data["end"], division, user)


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


def _labels(choices) -> dict[str, str]:
    """A code → label map, translated once per export instead of a get_*_display() call per cell."""
    return {value: str(label) for value, label in choices}


def _cases(spec: ExportSpec) -> tuple[list[str], Iterable[list]]:
    headers = [
        _("事项编号"), _("事由"), _("类别"), _("来源"), _("状态"), _("办理层级"), _("办理路径"), _("结束方式"),
        _("结果"), _("登记时间"), _("办结期限"), _("办结时间"),
    ]
    source, status, level = _labels(Case.Source.choices), _labels(Case.Status.choices), _labels(Level.choices)
    path, closure, outcome = _labels(Case.Path.choices), _labels(Case.Closure.choices), _labels(Case.Outcome.choices)
    cases = selectors.cases_of_village(spec.division, spec.period).values_list(
        "number", "title", "category__name", "source", "status", "level", "path", "closure", "outcome",
        "registered_at", "resolution_due", "closed_at",
    )
    rows = (
        [n, t, cat, source.get(so, so), status.get(st, st), level.get(lv, lv), path.get(pa, pa),
         closure.get(cl, cl), outcome.get(ou, ou), _when(reg), _when(due), _when(closed)]
        for n, t, cat, so, st, lv, pa, cl, ou, reg, due, closed in cases.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def _ledger_filter(user: User, query: str):
    from cases.filters import CaseFilter
    from cases.selectors import case_list

    return CaseFilter(QueryDict(query) or None, queryset=case_list(user), user=user)


def _ledger(spec: ExportSpec) -> tuple[list[str], Iterable[list]]:
    """Every case the ledger's filters select, in the ledger's order, parties' phones masked."""
    headers = [
        _("事项编号"), _("事由"), _("所在村/社区"), _("类别"), _("来源"), _("状态"), _("层级"), _("办理路径"),
        _("结束方式"), _("当事人"), _("登记时间"), _("办结期限"), _("是否逾期"),
    ]
    cases = _ledger_filter(spec.user, spec.query).qs.values_list(
        "pk", "number", "title", "division__name", "category__name", "source", "status", "level", "path",
        "closure", "registered_at", "resolution_due",
    )
    return headers, _ledger_rows(cases.iterator(chunk_size=CHUNK))


def _ledger_rows(cases: Iterable[tuple]) -> Iterable[list]:
    source, status, level = _labels(Case.Source.choices), _labels(Case.Status.choices), _labels(Level.choices)
    path, closure = _labels(Case.Path.choices), _labels(Case.Closure.choices)
    yes, no, now = _("是"), _("否"), timezone.now()
    for chunk in _chunks(cases, CHUNK):
        parties = _parties_of([row[0] for row in chunk])  # one query per 2,000 cases
        for pk, number, title, village, category, so, st, lv, pa, cl, registered, due in chunk:
            overdue = st != Case.Status.CLOSED and due is not None and due < now
            yield [number, title, village, category, source.get(so, so), status.get(st, st), level.get(lv, lv),
                   path.get(pa, pa), closure.get(cl, cl), parties.get(pk, ""), _when(registered), _when(due),
                   yes if overdue else no]


def _when(value) -> str:
    """Local time as text: openpyxl takes twice as long over a date cell as over a string."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _chunks(rows: Iterable, size: int) -> Iterable[list]:
    chunk: list = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _parties_of(case_ids: list[int]) -> dict[int, str]:
    names: dict[int, list[str]] = {}
    parties = Party.objects.filter(case_id__in=case_ids).order_by("case_id", "role", "pk")
    for case_id, name, phone in parties.values_list("case_id", "name", "phone"):
        names.setdefault(case_id, []).append(f"{name} {mask_phone(phone)}".strip())
    return {case_id: "；".join(found) for case_id, found in names.items()}


def _whistles(spec: ExportSpec) -> tuple[list[str], Iterable[list]]:
    headers = [_("事项编号"), _("事由"), _("部门"), _("吹哨时间"), _("报到期限"), _("报到时间"), _("是否逾期"), _("评分")]

    summonses = selectors.summonses_to(spec.division, spec.period)
    rows = (
        [
            s.whistle.case.number,
            s.whistle.case.title,
            s.department.name,
            s.whistle.blown_at,
            s.whistle.report_in_due,
            s.reported_at,
            _("是") if s.is_late else _("否"),
            s.rating,
        ]
        for s in summonses.iterator(chunk_size=CHUNK)
    )
    return headers, rows


BUILDERS = {"towns": _towns, "villages": _villages, "departments": _departments, "cases": _cases, "whistles": _whistles,
            "ledger": _ledger}
TITLES = {
    "towns": gettext_lazy("各镇街指标"),
    "villages": gettext_lazy("各村指标"),
    "departments": gettext_lazy("部门报到排名"),
    "cases": gettext_lazy("事项清单"),
    "whistles": gettext_lazy("吹哨报到"),
    "ledger": gettext_lazy("事项台账"),
}


def _total(spec: ExportSpec) -> int:
    """The row count of the big tables, for the progress bar (0: not worth counting)."""
    if spec.kind == "cases":
        return selectors.cases_of_village(spec.division, spec.period).count()
    if spec.kind == "ledger":
        return _ledger_filter(spec.user, spec.query).qs.count()
    return 0


def build(spec: ExportSpec, target, progress: Callable[[int], None] | None = None) -> int:
    """Write the xlsx of one table to `target` (a path or binary file); returns the number of rows written.

    `progress(percent)` is called every 1,000 rows when the size is known.
    """
    headers, rows = BUILDERS[spec.kind](spec)
    if spec.kind == "ledger":
        caption = _("%(title)s（%(filters)s）") % {"title": TITLES[spec.kind], "filters": spec.query or _("全部")}
    else:
        caption = _("%(title)s %(start)s 至 %(end)s") % {
            "title": TITLES[spec.kind], "start": f"{spec.start:%Y-%m-%d}", "end": f"{spec.end:%Y-%m-%d}"}
    sheet = Sheet(TITLES[spec.kind], headers, rows, caption=caption)
    return write_xlsx(target, [sheet], total=_total(spec), progress=progress)


def filename(spec: ExportSpec) -> str:
    if spec.kind == "ledger":
        return f"cases-{timezone.localdate():%Y%m%d}.xlsx"
    suffix = f"-{spec.division.code}" if spec.division else ""
    return f"{spec.kind}{suffix}-{spec.start:%Y%m%d}-{spec.end:%Y%m%d}.xlsx"
