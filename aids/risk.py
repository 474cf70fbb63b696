"""矛盾风险预警: the five rules of the daily scan. Each returns findings with their evidence; raising them as
warnings (once per evidence) is services.raise_warnings.

The rules, as the warnings page states them:
1. repeat_party — the same party (same phone or ID number) in REPEAT_PARTY_CASES or more cases registered in
   the last REPEAT_PARTY_DAYS days.
2. repeat_visit — a household whose visits in the last REPEAT_VISIT_DAYS days raised the same kind of matter
   REPEAT_VISIT_TIMES or more times without it being cleared.
3. category_spike — a village whose intake of a category this month exceeds the 95 % upper bound of a Poisson
   distribution whose mean is the village's own monthly mean of that category over the trailing 12 months
   (months since its first recorded case, at least SPIKE_MIN_MONTHS), and is at least SPIKE_MIN_COUNT.
4. repeated_failure — a case reopened after an unsatisfied follow-up twice or more, or overdue at two levels
   (escalated automatically for being overdue, and overdue again at the level above).
5. escalation_risk — an open case with FIVE_PARTIES or more parties, or whose title or description holds a
   word of the district's risk word list (threats, self-harm, fighting, collective petition).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent, Party
from pinggu_center.models import Level
from pinggu_center.validators import mask_id_number, mask_phone
from visits import selectors as visit_selectors

from .models import RiskWarning, RiskWord

REPEAT_PARTY_DAYS, REPEAT_PARTY_CASES = 90, 3
REPEAT_VISIT_DAYS, REPEAT_VISIT_TIMES = 180, 3
SPIKE_QUANTILE, SPIKE_MIN_COUNT, SPIKE_MIN_MONTHS, SPIKE_WINDOW_MONTHS = 0.95, 3, 3, 12
REOPENED_TIMES = 2
FIVE_PARTIES = 5
ESCALATION_RISK_DAYS = 90
OPEN = [Case.Status.REGISTERED, Case.Status.HANDLING, Case.Status.TRANSFERRED]


@dataclass
class Finding:
    kind: str
    division_id: int
    division_code: str
    subject: str
    subject_key: str
    evidence_key: str
    evidence: dict
    case_ids: list[int] = field(default_factory=list)
    case_numbers: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"kind": self.kind, "division_code": self.division_code, "subject": self.subject,
                "cases": self.case_numbers}


def digest(*parts: object) -> str:
    return hashlib.sha1("|".join(str(p) for p in parts).encode()).hexdigest()


def scan(now: datetime | None = None) -> list[Finding]:
    """Every rule's findings at `now`."""
    now = now or timezone.now()
    return [
        *repeat_parties(now), *repeat_visits(now), *category_spikes(now), *repeated_failures(now),
        *escalation_risks(now),
    ]


# --- 1. the same party again and again ------------------------------------------------------------------


def repeat_parties(now: datetime) -> list[Finding]:
    since = now - timedelta(days=REPEAT_PARTY_DAYS)
    recent = Party.objects.filter(case__registered_at__gte=since).order_by()
    findings: list[Finding] = []
    seen: set[tuple[int, ...]] = set()
    for field_name, masker, label in [("id_number", mask_id_number, "id"), ("phone", mask_phone, "phone")]:
        values = (
            recent.exclude(**{field_name: ""}).values(field_name).annotate(n=Count("case", distinct=True))
            .filter(n__gte=REPEAT_PARTY_CASES).values_list(field_name, flat=True)
        )
        for value in values:
            rows = list(
                recent.filter(**{field_name: value}).select_related("case__division")
                .order_by("case__registered_at", "case_id")
            )
            cases = list({row.case_id: row.case for row in rows}.values())
            ids = tuple(sorted(c.pk for c in cases))
            if ids in seen:
                continue  # the same person found by phone and by ID number
            seen.add(ids)
            latest = cases[-1]
            subject = _("当事人%(name)s（%(contact)s）%(days)d 日内 %(count)d 件事项") % {
                "name": rows[-1].name, "contact": masker(value), "days": REPEAT_PARTY_DAYS, "count": len(cases)}
            findings.append(Finding(
                kind=RiskWarning.Kind.REPEAT_PARTY, division_id=latest.division_id,
                division_code=latest.division.code, subject=subject,
                subject_key=f"{label}:{digest(value)[:32]}", evidence_key=digest(*ids),
                evidence={"cases": len(cases), "days": REPEAT_PARTY_DAYS},
                case_ids=list(ids), case_numbers=[c.number for c in cases],
            ))
    return findings


# --- 2. a household's matter raised on visit after visit ------------------------------------------------


def repeat_visits(now: datetime) -> list[Finding]:
    since = timezone.localdate(now) - timedelta(days=REPEAT_VISIT_DAYS)
    findings = []
    for group in visit_selectors.repeated_open_matters(since=since, minimum=REPEAT_VISIT_TIMES):
        household, category, visits = group["household"], group["category"], group["visits"]
        cases = list({v.case_id: v.case for v in visits if v.case_id}.values())
        subject = _("住户%(head)s 的“%(category)s”问题在走访中反映 %(count)d 次未销号") % {
            "head": household.head_name, "category": category.name, "count": len(visits)}
        findings.append(Finding(
            kind=RiskWarning.Kind.REPEAT_VISIT, division_id=household.division_id,
            division_code=visits[0].division.code,
            subject=subject, subject_key=f"household:{household.pk}:category:{category.pk}",
            evidence_key=digest(*sorted(v.pk for v in visits)),
            evidence={"household_id": household.pk, "visits": [[v.pk, v.visited_on.isoformat()] for v in visits]},
            case_ids=[c.pk for c in cases], case_numbers=[c.number for c in cases],
        ))
    return findings


# --- 3. a category above its usual level in a village --------------------------------------------------


def poisson_upper(mean: float, quantile: float = SPIKE_QUANTILE) -> int:
    """The smallest k with P(X ≤ k) ≥ quantile for X ~ Poisson(mean)."""
    k, term = 0, math.exp(-mean)
    total = term
    while total < quantile:
        k += 1
        term *= mean / k
        total += term
    return k


def _month_start(day: date, back: int = 0) -> date:
    month = day.year * 12 + day.month - 1 - back
    return date(month // 12, month % 12 + 1, 1)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def category_spikes(now: datetime) -> list[Finding]:
    today = timezone.localdate(now)
    this_month = _month_start(today)
    window_start = _month_start(today, SPIKE_WINDOW_MONTHS)
    current = (
        Case.objects.filter(registered_at__gte=_aware(this_month), registered_at__lte=now).order_by()
        .values("division_id", "category_id").annotate(n=Count("pk")).filter(n__gte=SPIKE_MIN_COUNT)
    )
    current = {(row["division_id"], row["category_id"]): row["n"] for row in current}
    if not current:
        return []
    villages = {division for division, _category in current}
    past = (
        Case.objects.filter(division_id__in=villages, registered_at__gte=_aware(window_start),
                            registered_at__lt=_aware(this_month))
        .order_by().annotate(month=TruncMonth("registered_at", tzinfo=timezone.get_current_timezone()))
        .values("division_id", "category_id", "month").annotate(n=Count("pk"))
    )
    first_month: dict[int, date] = {}
    totals: dict[tuple[int, int], int] = {}
    for row in past:
        month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
        first_month[row["division_id"]] = min(first_month.get(row["division_id"], month), month)
        key = (row["division_id"], row["category_id"])
        totals[key] = totals.get(key, 0) + row["n"]
    findings = []
    for (division_id, category_id), count in sorted(current.items()):
        first = first_month.get(division_id)
        months = 0 if first is None else (this_month.year - first.year) * 12 + this_month.month - first.month
        if months < SPIKE_MIN_MONTHS:
            continue  # too little history to know the usual level
        mean = totals.get((division_id, category_id), 0) / months
        bound = poisson_upper(mean)
        if count <= bound:
            continue
        findings.append(_spike(division_id, category_id, count, mean, bound, months, this_month, now))
    return findings


def _spike(division_id: int, category_id: int, count: int, mean: float, bound: int, months: int, month: date,
           now: datetime) -> Finding:
    cases = list(
        Case.objects.filter(division_id=division_id, category_id=category_id, registered_at__gte=_aware(month),
                            registered_at__lte=now)
        .select_related("division", "category").order_by("registered_at")[:50]
    )
    first = cases[0]
    subject = _("%(month)s %(village)s“%(category)s”类事项 %(count)d 件，高于常态（月均 %(mean).1f 件，上限 %(bound)d 件）") % {
        "month": f"{month:%Y-%m}", "village": first.division.name, "category": first.category.name,
        "count": count, "mean": mean, "bound": bound}
    return Finding(
        kind=RiskWarning.Kind.CATEGORY_SPIKE, division_id=division_id, division_code=first.division.code,
        subject=subject, subject_key=f"village:{division_id}:category:{category_id}:{month:%Y-%m}",
        evidence_key=f"{month:%Y-%m}",
        evidence={"count": count, "mean": round(mean, 2), "bound": bound, "months": months, "month": f"{month:%Y-%m}"},
        case_ids=[c.pk for c in cases], case_numbers=[c.number for c in cases],
    )


# --- 4. reopened twice, or overdue at two levels -------------------------------------------------------


def repeated_failures(now: datetime) -> list[Finding]:
    findings = []
    reopened = (
        CaseEvent.objects.filter(kind=CaseEvent.Kind.REOPENED,
                                 case__in=CaseEvent.objects.filter(kind=CaseEvent.Kind.REOPENED,
                                                                   at__gte=now - timedelta(days=365)).values("case_id"))
        .order_by().values("case_id").annotate(n=Count("pk")).filter(n__gte=REOPENED_TIMES)
    )
    counts = {row["case_id"]: row["n"] for row in reopened}
    for case in Case.objects.filter(pk__in=counts).select_related("division").order_by("pk"):
        subject = _("事项 %(number)s 回访不满意已重新办理 %(count)d 次") % {"number": case.number, "count": counts[case.pk]}
        findings.append(_case_finding(RiskWarning.Kind.REPEATED_FAILURE, case, subject, "reopened",
                                      f"reopened:{counts[case.pk]}", {"reopened": counts[case.pk]}))
    auto = CaseEvent.objects.filter(kind=CaseEvent.Kind.ESCALATED, automatic=True)
    overdue_above = Case.objects.filter(
        Exists(auto.filter(case_id=OuterRef("pk"))), status__in=OPEN, level__in=[Level.TOWN, Level.DISTRICT],
        resolution_due__lt=now,
    )
    twice = auto.filter(at__gte=now - timedelta(days=365)).order_by().values("case_id").annotate(n=Count("pk")).filter(n__gte=2)
    for case in Case.objects.filter(Q(pk__in=overdue_above.values("pk")) | Q(pk__in=twice.values("case_id"))).select_related(
        "division"
    ).order_by("pk"):
        subject = _("事项 %(number)s 在村级逾期被自动提级，在%(level)s再次逾期") % {
            "number": case.number, "level": case.get_level_display()}
        findings.append(_case_finding(RiskWarning.Kind.REPEATED_FAILURE, case, subject, "overdue",
                                      f"overdue:{case.level}", {"level": case.level}))
    return findings


def _case_finding(kind: str, case: Case, subject: str, topic: str, evidence_key: str, evidence: dict) -> Finding:
    return Finding(
        kind=kind, division_id=case.division_id, division_code=case.division.code, subject=subject,
        subject_key=f"case:{case.pk}:{topic}", evidence_key=evidence_key, evidence=evidence,
        case_ids=[case.pk], case_numbers=[case.number],
    )


# --- 5. signs of violence or collective action ---------------------------------------------------------


def escalation_risks(now: datetime) -> list[Finding]:
    words = list(RiskWord.objects.filter(active=True).values_list("word", "kind"))
    says = Q(pk__in=[])
    for word, _kind in words:
        says |= Q(title__contains=word) | Q(description__contains=word)
    cases = (
        Case.objects.filter(status__in=OPEN, registered_at__gte=now - timedelta(days=ESCALATION_RISK_DAYS))
        .annotate(people=Count("parties"))
        .filter(Q(people__gte=FIVE_PARTIES) | says)
        .select_related("division").order_by("pk")
    )
    findings = []
    for case in cases:
        text = f"{case.title}\n{case.description}"
        found = sorted({word for word, _kind in words if word in text})
        reasons = []
        if found:
            reasons.append(_("含“%s”") % "”“".join(found))
        if case.people >= FIVE_PARTIES:
            reasons.append(_("涉及 %d 名当事人") % case.people)
        subject = _("事项 %(number)s 可能激化：%(reasons)s") % {"number": case.number, "reasons": "，".join(reasons)}
        many = case.people >= FIVE_PARTIES
        findings.append(_case_finding(RiskWarning.Kind.ESCALATION_RISK, case, subject, "escalation",
                                      digest(*found, f"many:{many}"), {"words": found, "parties": case.people}))
    return findings
