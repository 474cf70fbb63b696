"""Households, visit entry, turning a visit into a case, statistics, assessment and forecast."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.services import CaseRuleError
from pinggu_center import audit, freshness
from pinggu_center.exports import xlsx_response
from pinggu_center.forms import (
    draft_refused,
    draft_saved,
    form_errors,
    form_status,
    is_draft_submission,
    posted_client_token,
)
from pinggu_center.freshness import Deferred
from pinggu_center.models import AuditLog, Level
from pinggu_center.paging import capped_page

from . import selectors, services
from .exports import household_sheets, problem_sheets, statistics_sheets
from .filters import HouseholdFilter, ProblemFilter
from .forecast import ALPHA, HORIZON_WEEKS
from .forms import AssessmentForm, HouseholdForm, ImportForm, TurnIntoCaseForm, VisitForm
from .imports import ImportFileError, parse_households
from .models import Household, Visit

IMPORT_SESSION_KEY = "visits_household_import"


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    households = Household.objects.visible_to(request.user).select_related("division")
    if request.user.division.level == Level.VILLAGE:  # a village's own households: the recently visited first
        households = selectors.recently_visited_first(households)
    else:
        households = households.order_by("division__code", "address")
    filterset = HouseholdFilter(request.GET, queryset=households)
    if request.GET.get("export") == "xlsx":
        audit.record(AuditLog.Action.EXPORT, request=request, detail=f"households {request.GET.urlencode()}"[:500])
        return xlsx_response(household_sheets(filterset.qs), "households.xlsx")
    page = capped_page(filterset.qs, 50, request.GET.get("page"))
    return render(request, "visits/household_list.html", {"filter": filterset, "page": page})


@login_required
def problem_ledger(request: HttpRequest) -> HttpResponse:
    filterset = ProblemFilter(request.GET or None, queryset=selectors.problem_ledger(request.user))
    if request.GET.get("export") == "xlsx":
        audit.record(AuditLog.Action.EXPORT, request=request, detail=f"problems {request.GET.urlencode()}"[:500])
        return xlsx_response(problem_sheets(filterset.qs), "problems.xlsx")
    page = capped_page(filterset.qs, 50, request.GET.get("page"))
    status = 400 if filterset.is_bound and not filterset.is_valid() else 200
    return render(request, "visits/problem_ledger.html", {"filter": filterset, "page": page}, status=status)


@login_required
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    household = selectors.get_household_for_user(request.user, household_id)
    visits = household.visits.select_related("category", "case").prefetch_related("cadres")[:50]
    return render(request, "visits/household_detail.html", {"household": household, "visits": visits})


@login_required
def household_create(request: HttpRequest) -> HttpResponse:
    form = HouseholdForm(request.POST or None, villages=selectors.visible_villages(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            household = services.create_household(division=data.pop("division"), actor=request.user, data=data)
        except services.VisitRuleError as error:
            messages.error(request, str(error))
            return redirect("visits:household_list")
        messages.success(request, _("已登记住户。"))
        return redirect(household.get_absolute_url())
    return render(request, "visits/household_form.html", {"form": form}, status=form_status(form))


@login_required
def household_edit(request: HttpRequest, household_id: int) -> HttpResponse:
    household = selectors.get_household_for_user(request.user, household_id)
    form = HouseholdForm(request.POST or None, instance=household, villages=selectors.visible_villages(request.user))
    form.fields.pop("division")  # a household does not move village
    if request.method == "POST" and form.is_valid():
        try:
            services.update_household(household_id=household.pk, actor=request.user, data=dict(form.cleaned_data))
        except services.VisitRuleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("已保存。"))
        return redirect(household.get_absolute_url())
    context = {"form": form, "household": household}
    return render(request, "visits/household_form.html", context, status=form_status(form))


@login_required
def household_import(request: HttpRequest) -> HttpResponse:
    """GET shows the upload form; POST checks the file and keeps the good rows in the session, saving nothing."""
    form = ImportForm(request.POST or None, request.FILES or None, villages=selectors.visible_villages(request.user))
    if request.method == "POST" and form.is_valid():
        division = form.cleaned_data["division"]
        try:
            report = parse_households(form.cleaned_data["file"], division)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            request.session[IMPORT_SESSION_KEY] = {"division": division.pk, "rows": report.good}
            context = {"report": report, "division": division, "form": form}
            return render(request, "visits/household_import.html", context, status=400 if report.bad else 200)
    return render(request, "visits/household_import.html", {"form": form}, status=form_status(form))


@login_required
@require_POST
def household_import_confirm(request: HttpRequest) -> HttpResponse:
    staged = request.session.pop(IMPORT_SESSION_KEY, None)
    if not staged:
        messages.error(request, _("没有待导入的住户，请重新上传。"))
        return redirect("visits:household_import")
    division = selectors.visible_villages(request.user).filter(pk=staged["division"]).first()
    if division is None:
        messages.error(request, _("没有待导入的住户，请重新上传。"))
        return redirect("visits:household_import")
    try:
        count = services.import_households(division=division, actor=request.user, rows=staged["rows"])
    except services.VisitRuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已导入 %(count)s 户。") % {"count": count})
    return redirect("visits:household_list")


@login_required
def visit_create(request: HttpRequest) -> HttpResponse:
    """Find the household (GET ?q=), pick it (?household=), then record the visit; the cadre's week is shown."""
    progress = selectors.week_progress(request.user)
    household_id = request.GET.get("household") or request.POST.get("household")
    if not (household_id and household_id.isdigit()):
        keyword = request.GET.get("q", "").strip()[:50]
        matches = selectors.search_households(request.user, keyword)  # no keyword: browse, recently visited first
        return render(
            request, "visits/visit_search.html", {"progress": progress, "keyword": keyword, "matches": matches}
        )
    household = selectors.get_household_for_user(request.user, int(household_id))
    if request.method == "POST" and (sent_before := _visit_sent_before(request)) is not None:
        return sent_before
    cadres = selectors.visiting_members().filter(center__division=household.division, retired_on__isnull=True)
    initial = {"cadres": [progress["member"]] if progress else [], "visited_on": timezone.localdate()}
    form = VisitForm(request.POST or None, cadres=cadres, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            return _record_visit(request, household, form)
        if is_draft_submission(request):
            return draft_refused(form_errors(form))
    context = {"form": form, "household": household, "progress": progress}
    return render(request, "visits/visit_form.html", context, status=form_status(form))


def _visit_sent_before(request: HttpRequest) -> HttpResponse | None:
    """A form whose client token already saved a visit (a lost response, a draft sent twice) shows that visit."""
    token = posted_client_token(request.POST)
    if token is None:
        return None
    try:
        existing = services.visit_for_client_token(token, actor=request.user)
    except services.VisitRuleError as error:
        return _visit_refused(request, str(error))
    return None if existing is None else _visit_saved(request, existing, created=False)


def _record_visit(request: HttpRequest, household: Household, form: VisitForm) -> HttpResponse:
    data = dict(form.cleaned_data)
    token = data.pop("client_token")
    try:
        visit, created = services.record_visit_once(household=household, actor=request.user, data=data,
                                                    client_token=token)
    except services.VisitRuleError as error:
        return _visit_refused(request, str(error))
    return _visit_saved(request, visit, created=created)


def _visit_saved(request: HttpRequest, visit: Visit, *, created: bool) -> HttpResponse:
    if is_draft_submission(request):
        return draft_saved(visit.get_absolute_url(), created=created, label=str(visit.household))
    if created:
        messages.success(request, _("已保存走访记录。"))
    else:
        messages.info(request, _("该走访已经保存过，没有重复保存。"))
    return redirect(visit.get_absolute_url())


def _visit_refused(request: HttpRequest, message: str) -> HttpResponse:
    if is_draft_submission(request):
        return draft_refused({"__all__": [message]})
    messages.error(request, message)
    return redirect("visits:visit_create")


@login_required
def visit_detail(request: HttpRequest, visit_id: int, case_form: TurnIntoCaseForm | None = None) -> HttpResponse:
    visit = selectors.get_visit_for_user(request.user, visit_id)
    case_url = None
    if visit.case is not None:
        try:
            case_url = visit.case.get_absolute_url()
        except NoReverseMatch:
            case_url = None
    form = case_form or TurnIntoCaseForm(initial={"category": visit.category, "title": visit.raised[:100]})
    context = {"visit": visit, "case_form": form, "case_url": case_url}
    return render(request, "visits/visit_detail.html", context, status=form_status(form))


@login_required
@require_POST
def visit_to_case(request: HttpRequest, visit_id: int) -> HttpResponse:
    visit = selectors.get_visit_for_user(request.user, visit_id)
    form = TurnIntoCaseForm(request.POST)
    if not form.is_valid():
        return visit_detail(request, visit_id, case_form=form)
    try:
        case = services.turn_visit_into_case(visit_id=visit.pk, actor=request.user, **form.cleaned_data)
    except (services.VisitRuleError, CaseRuleError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已转为事项 %(number)s。") % {"number": case.number})
    return redirect(visit.get_absolute_url())


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    if request.GET.get("export") == "xlsx":
        audit.record(AuditLog.Action.EXPORT, request=request, detail="visit statistics")
        return xlsx_response(statistics_sheets(selectors.statistics(request.user)), "visit-statistics.xlsx")
    figures = Deferred(_statistics_figures, request)
    context = {
        "fragment": freshness.fragment_key(request, freshness.scope_of(request.user)),
        **figures.parts("stats", "chart", "villages", "stale"),
    }
    return render(request, "visits/statistics.html", context)


def _statistics_figures(request: HttpRequest) -> dict:
    stats = selectors.shared_statistics(request.user)
    chart = {
        "labels": {"visits": _("走访次数"), "households": _("走访户数")},
        "weeks": [row["week"].strftime("%m-%d") for row in stats.per_week],
        "visits": [row["visits"] for row in stats.per_week],
        "households": [row["households"] for row in stats.per_week],
        "categories": [{"name": row["category__name"], "value": row["count"]} for row in stats.by_category],
    }
    villages = Paginator(stats.villages, 50).get_page(request.GET.get("page"))
    return {"stats": stats, "chart": chart, "villages": villages, "stale": stats.stale}


def _period(request: HttpRequest) -> str:
    today = timezone.localdate()
    period = request.GET.get("period") or request.POST.get("period") or ""
    if len(period) == 6 and period[:4].isdigit() and period[4] == "Q" and period[5] in "1234":
        return period
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


@login_required
def assessment(request: HttpRequest) -> HttpResponse:
    period = _period(request)
    rows = Paginator(selectors.assessment_rows(request.user, period), 50).get_page(request.GET.get("page"))
    can_assess = request.user.is_director_or_above and not request.user.is_read_only
    context = {"page": rows, "period": period, "can_assess": can_assess, "form": AssessmentForm()}
    return render(request, "visits/assessment.html", context)


@login_required
@require_POST
def assessment_save(request: HttpRequest, member_id: int) -> HttpResponse:
    member = selectors.get_member_for_user(request.user, member_id)
    period = _period(request)
    form = AssessmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("评分须为 0 到 100 的整数。"))
        return redirect(f"{_assessment_url()}?period={period}")
    try:
        services.assess_cadre(member=member, actor=request.user, period=period, **form.cleaned_data)
    except services.VisitRuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已保存考核。"))
    return redirect(f"{_assessment_url()}?period={period}")


def _assessment_url() -> str:
    return reverse("visits:assessment")


@login_required
def forecast(request: HttpRequest) -> HttpResponse:
    results = selectors.forecast(request.user)
    rising = [item for item in results if item.growth > 0][:5]
    context = {
        "results": sorted(results, key=lambda item: -item.expected),
        "rising": rising,
        "alpha": ALPHA,
        "horizon": HORIZON_WEEKS,
    }
    return render(request, "visits/forecast.html", context)
