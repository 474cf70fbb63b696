"""Every change to the report's data: the fields recorded at archive, the director's edits, reopening, locks.

The counters (`ReportTally`) change only here, in the transaction that changes a record, by the record's
contribution to its month, quarter and year; `rebuild_tallies` recomputes them from the records, and a test holds
the two equal.

Locked periods refuse: a record counted in a locked month keeps its figures; editing it is refused with a
message naming the period; a case reopened after the lock stays counted there and is not counted again
when it is archived again (until the lock is lifted).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncQuarter, TruncYear
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent
from cases.permissions import ALLOWED, Decision, require
from cases.services.base import CaseRuleError, in_site_language, lock_case, record_event, save_case
from pinggu_center import audit
from pinggu_center.models import AuditLog, Division, Level, User
from pinggu_center.scopes import division_ids

from .models import PREVENTIONS, TALLY_MEASURES, MediationRecord, ReportLock, ReportTally
from .periods import ReportPeriod, month_of, spans_of

REPORTABLE_OUTCOMES = {Case.Outcome.RESOLVED, Case.Outcome.UNRESOLVED}
PREVENTION_NAMES = [name for name, _label in PREVENTIONS]


@dataclass(frozen=True)
class ReportFields:
    """The report fields of one mediated dispute, as the archive and edit forms post them."""

    succeeded: bool
    agreement_form: str
    people: int
    oral_terms: str = ""
    amount: Decimal | None = None
    suicide: bool = False
    suicide_people: int = 0
    criminal: bool = False
    criminal_people: int = 0
    fight: bool = False
    fight_people: int = 0
    petition: bool = False
    petition_people: int = 0

    @classmethod
    def from_data(cls, data: dict) -> ReportFields:
        preventions = {}
        for name in PREVENTION_NAMES:
            flagged = bool(data.get(name))
            preventions[name] = flagged
            preventions[f"{name}_people"] = int(data.get(f"{name}_people") or 0) if flagged else 0
        agreement = data.get("agreement_form") or MediationRecord.AgreementForm.NONE
        return cls(
            succeeded=bool(data.get("succeeded")), agreement_form=agreement, people=int(data.get("people") or 0),
            oral_terms=(data.get("oral_terms") or "").strip() if agreement == MediationRecord.AgreementForm.ORAL
            else "",
            amount=data.get("amount"), **preventions,
        )

    @classmethod
    def of(cls, record: MediationRecord) -> ReportFields:
        return cls(**{name: getattr(record, name) for name in cls.__dataclass_fields__})


def is_reportable(case: Case, outcome: str) -> bool:
    """A dispute archived as resolved or unresolved is counted; requests, petitions and withdrawals are not."""
    return case.kind == Case.Kind.DISPUTE and outcome in REPORTABLE_OUTCOMES


def asks_report(case: Case) -> bool:
    """Archiving this case asks the report fields: a dispute not already counted in a locked period."""
    if case.kind != Case.Kind.DISPUTE:
        return False
    record = MediationRecord.objects.filter(case=case, counted=True).select_related("unit").first()
    return record is None or not is_locked(record.unit, record.month)


def problems(fields: ReportFields, *, parties: int, outcome: str = "") -> dict[str, tuple[str, str]]:
    """{field: (code, message)} for every rule the fields break; the forms and the services ask this one function."""
    errors: dict[str, tuple[str, str]] = {}
    if fields.people < max(parties, 1):
        errors["people"] = ("report_people_below_parties",
                            _("涉及人数不能少于当事人人数（%(parties)s 人）。") % {"parties": max(parties, 1)})
    if fields.amount is not None and fields.amount < 0:
        errors["amount"] = ("report_amount_negative", _("涉及金额不能为负数。"))
    if outcome == Case.Outcome.UNRESOLVED and fields.succeeded:
        errors["succeeded"] = ("report_success_unresolved", _("办理结果为未化解的，不能记为调解成功。"))
    agreement = MediationRecord.AgreementForm
    if fields.agreement_form not in agreement.values:
        errors["agreement_form"] = ("report_agreement_unknown", _("请选择协议形式。"))
    elif fields.succeeded and fields.agreement_form == agreement.NONE:
        errors["agreement_form"] = ("report_agreement_missing", _("调解成功的，请选择书面协议或口头协议。"))
    elif not fields.succeeded and fields.agreement_form != agreement.NONE:
        errors["agreement_form"] = ("report_agreement_without_success",
                                    _("调解未成功的，协议形式应为“未达成协议”。"))
    if fields.agreement_form == agreement.ORAL and not fields.oral_terms.strip():
        errors["oral_terms"] = ("report_oral_terms_missing", _("口头协议须记录双方口头约定的内容。"))
    for name in PREVENTION_NAMES:
        people = getattr(fields, f"{name}_people")
        if getattr(fields, name) and people < 1:
            errors[f"{name}_people"] = ("report_prevention_people_missing", _("请填写涉及的人数。"))
        elif people > fields.people:
            errors[f"{name}_people"] = ("report_prevention_people_above_total",
                                        _("此项人数不能多于涉及人数（%(people)s 人）。") % {"people": fields.people})
    return errors


def _check(fields: ReportFields, case: Case, outcome: str) -> None:
    errors = problems(fields, parties=case.parties.count(), outcome=outcome)
    if errors:
        code, message = next(iter(errors.values()))
        raise CaseRuleError(message, code=code)


def default_fields(case: Case, outcome: str) -> ReportFields:
    """What the form proposes, and what an archive without the form (a task, the demo) records."""
    succeeded = outcome == Case.Outcome.RESOLVED
    has_document = hasattr(case, "agreement") and _has_agreement(case)
    agreement = (MediationRecord.AgreementForm.WRITTEN if has_document else MediationRecord.AgreementForm.ORAL) \
        if succeeded else MediationRecord.AgreementForm.NONE
    oral = case.summary if agreement == MediationRecord.AgreementForm.ORAL else ""
    return ReportFields(succeeded=succeeded, agreement_form=agreement, people=max(case.parties.count(), 1),
                        oral_terms=oral)


def _has_agreement(case: Case) -> bool:
    from cases.models import Agreement

    return Agreement.objects.filter(case=case).exists()


# --- locks -------------------------------------------------------------------------------------------


def _district_id() -> int | None:
    return Division.objects.filter(level=Level.DISTRICT).values_list("pk", flat=True).first()


def locking_divisions(unit: Division) -> list[int]:
    """The divisions whose lock freezes a unit's figures: its town (for a village or a town) and the district."""
    town = unit.parent_id if unit.level == Level.VILLAGE else (unit.pk if unit.level == Level.TOWN else None)
    return [pk for pk in (town, _district_id()) if pk is not None]


def is_locked(unit: Division, month: date) -> bool:
    return ReportLock.objects.filter(division_id__in=locking_divisions(unit), month=month,
                                     unlocked_at__isnull=True).exists()


def can_lock(actor: User, division: Division) -> Decision:
    """May this user lock or unlock this division's reports? (The page's buttons and the services ask this.)"""
    if actor.role == User.Role.TOWN_STAFF and division.level == Level.TOWN and actor.division_id == division.pk:
        return ALLOWED
    if actor.role == User.Role.DISTRICT_ADMIN and division.level == Level.DISTRICT:
        return ALLOWED
    return Decision(False, "report_lock_not_allowed",
                    _("只有镇街（锁定本镇街及所辖村）或区级管理员（锁定全区）可以锁定或解锁统计期间。"))


@in_site_language
@transaction.atomic
def lock_period(*, actor: User, division: Division, period: ReportPeriod, request: HttpRequest | None = None) -> int:
    """Lock every month of an ended period for a town or the district; returns how many months were newly locked."""
    require(can_lock(actor, division))
    if not period.has_ended():
        raise CaseRuleError(_("统计期间结束后才能锁定。"), code="report_period_not_ended")
    active = set(ReportLock.objects.select_for_update().filter(
        division=division, month__in=period.months, unlocked_at__isnull=True).values_list("month", flat=True))
    added = [ReportLock(division=division, month=month, locked_by=actor) for month in period.months
             if month not in active]
    ReportLock.objects.bulk_create(added)
    audit.record(AuditLog.Action.CHANGE, request=request, actor=actor, obj=division,
                 detail=_("锁定人民调解统计：%(division)s %(period)s") % {"division": division.name,
                                                                   "period": period.label})
    return len(added)


@in_site_language
@transaction.atomic
def unlock_period(*, actor: User, division: Division, period: ReportPeriod, request: HttpRequest | None = None) -> int:
    """Lift this division's locks on the period's months; returns how many months were unlocked."""
    require(can_lock(actor, division))
    count = ReportLock.objects.filter(division=division, month__in=period.months, unlocked_at__isnull=True).update(
        unlocked_at=timezone.now(), unlocked_by=actor)
    if not count:
        raise CaseRuleError(_("该统计期间未被本单位锁定。"), code="report_period_not_locked")
    audit.record(AuditLog.Action.CHANGE, request=request, actor=actor, obj=division,
                 detail=_("解锁人民调解统计：%(division)s %(period)s") % {"division": division.name,
                                                                   "period": period.label})
    return count


# --- counting ----------------------------------------------------------------------------------------


def contribution(record: MediationRecord) -> dict[str, int | Decimal]:
    """What one counted record adds to its tallies, measure by measure."""
    values: dict[str, int | Decimal] = {
        "mediated": 1, "succeeded": int(record.succeeded),
        "written": int(record.agreement_form == MediationRecord.AgreementForm.WRITTEN),
        "oral": int(record.agreement_form == MediationRecord.AgreementForm.ORAL),
        "amount": record.amount or Decimal(0), "people": record.people,
    }
    for name in PREVENTION_NAMES:
        values[name] = int(getattr(record, name))
        values[f"{name}_people"] = getattr(record, f"{name}_people")
    return values


def _apply(record: MediationRecord, sign: int) -> None:
    """Add (sign 1) or take away (sign -1) a record's contribution: its unit's rows and its town's rollup rows,
    each for the record's month, quarter and year (one statement)."""
    values = [value * sign for value in contribution(record).values()]
    targets = [(record.unit_id, False)] + ([(record.town_id, True)] if record.town_id else [])
    rows = [[division_id, rollup, record.town_id, span, start, record.category_id, *values]
            for division_id, rollup in targets for span, start in spans_of(record.month)]
    table = ReportTally._meta.db_table
    columns = ", ".join(TALLY_MEASURES)
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in TALLY_MEASURES)
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(rows[0])) + ")"] * len(rows))
    sql = (f"INSERT INTO {table} (division_id, rollup, town_id, span, month, category_id, {columns}) "
           f"VALUES {placeholders} ON CONFLICT (division_id, rollup, span, month, category_id) DO UPDATE SET {updates}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


def count_at_archive(case: Case, fields: ReportFields | None, *, actor: User | None) -> MediationRecord | None:
    """Called by archive_case on the locked case: record the report fields and count them where the case closed."""
    record = MediationRecord.objects.select_for_update().filter(case=case).first()
    if record is not None and record.counted and is_locked(record.unit, record.month):
        if fields is not None and fields != ReportFields.of(record):
            raise CaseRuleError(_locked_message(record), code="report_period_locked")
        return record  # counted in a locked period already: counted once, there
    if not is_reportable(case, case.outcome):
        return record
    fields = fields or default_fields(case, case.outcome)
    _check(fields, case, case.outcome)
    if record is not None and record.counted:
        _apply(record, -1)
    is_new = record is None
    record = record or MediationRecord(case=case)
    for name, value in asdict(fields).items():
        setattr(record, name, value)
    unit = case.holder
    record.unit, record.town_id = unit, unit.parent_id if unit.level == Level.VILLAGE else (
        unit.pk if unit.level == Level.TOWN else None)
    record.month, record.category_id = month_of(case.closed_at), case.category_id
    record.counted, record.updated_by, record.updated_at = True, actor, timezone.now()
    record.save(force_insert=is_new)
    _apply(record, 1)
    return record


def uncount_at_reopen(case: Case) -> None:
    """Called when a case reopens: it leaves the report, unless its period is locked (then it stays counted there)."""
    record = MediationRecord.objects.select_for_update().filter(case=case, counted=True).first()
    if record is None or is_locked(record.unit, record.month):
        return
    _apply(record, -1)
    record.counted = False
    record.save(update_fields=["counted"])


def _locked_message(record: MediationRecord) -> str:
    return _("该事项计入的统计期间（%(period)s）已锁定，统计信息不能再修改；如需更正，请锁定单位先解锁。") % {
        "period": ReportPeriod.of_month(record.month).label}


def can_edit_report(case: Case, record: MediationRecord | None, actor: User) -> Decision:
    """May this user edit this case's report fields now? (The case page's link and the service ask this.)"""
    if record is None or not record.counted:
        return Decision(False, "report_not_counted", _("此事项没有计入人民调解统计的信息。"))
    if actor.is_read_only or not actor.is_director_or_above:
        return Decision(False, "report_director_only", _("只有中心主任（或上级）可以修改统计信息。"))
    scope = division_ids(actor)
    if scope is not None and record.unit_id not in scope:
        return Decision(False, "report_other_unit", _("此事项不由您所在的单位统计。"))
    if case.status != Case.Status.CLOSED or case.closure != Case.Closure.ARCHIVE:
        return Decision(False, "report_not_archived", _("事项归档后才能修改统计信息。"))
    if is_locked(record.unit, record.month):
        return Decision(False, "report_period_locked", _locked_message(record))
    return ALLOWED


@transaction.atomic
def update_report(*, case_id: int, actor: User, fields: ReportFields, version: int | None = None) -> MediationRecord:
    """The director corrects a counted record before its period is locked; the counters move with it."""
    case = lock_case(case_id, version=version)
    record = MediationRecord.objects.select_for_update().filter(case=case).select_related("unit").first()
    require(can_edit_report(case, record, actor))
    _check(fields, case, case.outcome)
    before = ReportFields.of(record)
    if fields == before:
        return record
    _apply(record, -1)
    for name, value in asdict(fields).items():
        setattr(record, name, value)
    record.updated_by, record.updated_at = actor, timezone.now()
    record.save()
    _apply(record, 1)
    save_case(case, [])
    changed = [name for name, value in asdict(fields).items() if getattr(before, name) != value]
    record_event(case, CaseEvent.Kind.REPORT_EDITED, actor=actor, data={"fields": changed})
    return record


# --- rebuilding --------------------------------------------------------------------------------------


def _measures() -> dict:
    agreement = MediationRecord.AgreementForm
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=16, decimal_places=2))
    measures = {
        "mediated": Count("pk"), "succeeded": Count("pk", filter=Q(succeeded=True)),
        "written": Count("pk", filter=Q(agreement_form=agreement.WRITTEN)),
        "oral": Count("pk", filter=Q(agreement_form=agreement.ORAL)),
        "amount": Coalesce(Sum("amount"), zero), "people": Sum("people"),
    }
    for name in PREVENTION_NAMES:
        measures[name] = Count("pk", filter=Q(**{name: True}))
        measures[f"{name}_people"] = Sum(f"{name}_people")
    return measures


def expected_tallies() -> dict[tuple, dict]:
    """The tallies counted from scratch from the records: {(division, rollup, span, month, category): measures}."""
    counted = MediationRecord.objects.filter(counted=True).order_by()
    by_month = []
    for row in counted.values("unit_id", "month", "category_id").annotate(**_measures()):
        by_month.append(((row.pop("unit_id"), False, row.pop("month"), row.pop("category_id")), row))
    for row in counted.filter(town__isnull=False).values("town_id", "month", "category_id").annotate(**_measures()):
        by_month.append(((row.pop("town_id"), True, row.pop("month"), row.pop("category_id")), row))
    result: dict[tuple, dict] = {}
    for (division_id, rollup, month, category_id), row in by_month:
        for span, start in spans_of(month):
            sums = result.setdefault((division_id, rollup, span, start, category_id), dict.fromkeys(row, 0))
            for name, value in row.items():
                sums[name] += value or 0
    return result


@transaction.atomic
def rebuild_tallies() -> int:
    """Replace every tally by a count from the records (INSERT … SELECT in the database); returns the row count.

    The month rows are counted from the records; the quarter and year rows are summed from the month rows.
    """
    ReportTally.objects.all().delete()
    counted = MediationRecord.objects.filter(counted=True).order_by()
    month = Value(ReportTally.Span.MONTH)
    unit_rows = (counted.values("unit_id", "town_id", "month", "category_id")
                 .annotate(rollup=Value(False), span=month, **_measures())
                 .values_list("unit_id", "town_id", "month", "category_id", "rollup", "span", *TALLY_MEASURES))
    town_rows = (counted.filter(town__isnull=False).values("town_id", "month", "category_id")
                 .annotate(same_town=F("town_id"), rollup=Value(True), span=month, **_measures())
                 .values_list("town_id", "month", "category_id", "same_town", "rollup", "span", *TALLY_MEASURES))
    statements = [(unit_rows, ["division_id", "town_id", "month", "category_id", "rollup", "span"]),
                  (town_rows, ["division_id", "month", "category_id", "town_id", "rollup", "span"])]
    months = ReportTally.objects.filter(span=ReportTally.Span.MONTH).order_by()
    for span, start in ((ReportTally.Span.QUARTER, TruncQuarter("month")), (ReportTally.Span.YEAR, TruncYear("month"))):
        sums = [Sum(name) for name in TALLY_MEASURES]
        rows = (months.annotate(start=start).values("division_id", "rollup", "town_id", "start", "category_id")
                .annotate(*sums, kind=Value(span))
                .values_list("division_id", "rollup", "town_id", "start", "category_id", "kind",
                             *[total.default_alias for total in sums]))
        statements.append((rows, ["division_id", "rollup", "town_id", "month", "category_id", "span"]))
    total = 0
    with connection.cursor() as cursor:
        # In order: the quarter and year statements read the month rows the first two wrote.
        for rows, columns in statements:
            select_sql, params = rows.query.sql_with_params()
            cursor.execute(f"INSERT INTO {ReportTally._meta.db_table} ({', '.join([*columns, *TALLY_MEASURES])}) "
                           f"{select_sql}", params)
            total += cursor.rowcount
    return total
