"""Start pages and review pages: thin views over dashboards.selectors and dashboards.rates; all lookups scoped."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pinggu_center import audit, freshness
from pinggu_center import selectors as org_selectors
from pinggu_center.exports import xlsx_bytes_response
from pinggu_center.freshness import Deferred
from pinggu_center.models import AuditLog, Division, Level, User
from pinggu_center.paging import capped_page
from pinggu_center.scopes import visible_centers, visible_divisions

from . import exports, rates, selectors
from . import figures as figures_of
from .forms import PeriodForm
from .models import ExportJob
from .tasks import build_export

try:  # the visit system is optional in a deployment
    from visits import selectors as visit_selectors
except ImportError:  # pragma: no cover
    visit_selectors = None

CONTACT_ROLES = ["director", "mediator", "lawyer"]


def _division(user: User, division_id: int, level: str, *related: str) -> Division:
    """A division of the given level in the user's scope, or 404."""
    divisions = visible_divisions(user).filter(level=level).select_related("parent", *related)
    return get_object_or_404(divisions, pk=division_id)


def _period_form(request: HttpRequest) -> PeriodForm:
    data = request.GET.copy()
    default = rates.this_year()
    data.setdefault("start", default.start.isoformat())
    data.setdefault("end", default.end.isoformat())
    return PeriodForm(data)


@login_required
def village_workbench(request: HttpRequest, division_id: int | None = None) -> HttpResponse:
    user = request.user
    if division_id is None:
        if user.division is None or user.division.level != Level.VILLAGE:
            return redirect("home")
        division_id = user.division_id
    village = _division(user, division_id, Level.VILLAGE, "center")
    # Deferred: none of these is read when the page's content comes from the cache.
    figures = Deferred(figures_of.workbench, village)
    context = {
        "village": village,
        "fragment": freshness.fragment_key(request, village),
        **figures.parts("new_cases", "waiting", "confirmations", "cards", "intake_chart", "mix_chart", "center_id",
                        "warnings"),
        "deadlines": Deferred(lambda: selectors.near_deadline(figures()["deadline_cases"])),
        "follow_ups": Deferred(lambda: selectors.follow_ups_due(figures()["not_followed_up"])),
        # The village's visit coverage and this week's visits, when the viewer's scope is that village.
        "visits": Deferred(lambda: figures()["visits"] if user.division_id == village.pk else None),
    }
    return render(request, "dashboards/village_workbench.html", context)


@login_required
def cadre_home(request: HttpRequest) -> HttpResponse:
    progress = visit_selectors.week_progress(request.user) if visit_selectors is not None else None
    context = {"recent": selectors.recent_cases_by(request.user), "progress": progress}
    return render(request, "dashboards/cadre_home.html", context)


@login_required
def town_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.division is None or user.division.level != Level.TOWN:
        return redirect("home")
    town = _division(user, user.division_id, Level.TOWN)
    figures = Deferred(figures_of.town_page, town)
    context = {
        "town": town,
        "content": Deferred(figures_of.town_page_content, town),
        **figures.parts("period", "inbox", "transfers", "whistles", "table", "compare_chart", "months", "trend_chart",
                        "warnings"),
    }
    return render(request, "dashboards/town_page.html", context)


@login_required
def district_review(request: HttpRequest) -> HttpResponse:
    if not request.user.is_district:
        raise Http404
    form = _period_form(request)
    if not form.is_valid():
        return render(request, "dashboards/district_review.html", {"form": form}, status=400)
    figures = Deferred(figures_of.district_review, form.period)
    context = {
        "form": form,
        "period": form.period,
        "content": Deferred(figures_of.district_review_content, form.period),
        "form_fragment": freshness.fragment_key(request),  # the period form shows no data: only the root token
        "delivery_problems": org_selectors.delivery_problem_count(),
        **figures.parts("total", "table", "departments", "compare_chart", "months", "trend_chart", "ranking_chart",
                        "warnings"),
    }
    return render(request, "dashboards/district_review.html", context)


@login_required
def town_review(request: HttpRequest, town_id: int) -> HttpResponse:
    town = _division(request.user, town_id, Level.TOWN)
    form = _period_form(request)
    if not form.is_valid():
        return render(request, "dashboards/town_review.html", {"form": form, "town": town}, status=400)
    figures = Deferred(figures_of.town_review, town, form.period)
    context = {
        "form": form,
        "town": town,
        "period": form.period,
        "content": Deferred(figures_of.town_review_content, town, form.period),
        "form_fragment": freshness.fragment_key(request),
        **figures.parts("total", "table", "compare_chart", "months", "trend_chart"),
    }
    return render(request, "dashboards/town_review.html", context)


@login_required
def village_review(request: HttpRequest, village_id: int) -> HttpResponse:
    village = _division(request.user, village_id, Level.VILLAGE)
    form = _period_form(request)
    if not form.is_valid():
        return render(request, "dashboards/village_review.html", {"form": form, "village": village}, status=400)
    period = form.period
    # A page past the end raises 404 when the table is drawn.
    page = Deferred(capped_page, selectors.cases_of_village(village, period), 25, request.GET.get("page"))
    context = {
        "form": form,
        "village": village,
        "period": period,
        "fragment": freshness.fragment_key(request, village),
        "form_fragment": freshness.fragment_key(request),
        "total": Deferred(figures_of.village_total, village, period),
        "page": page,
    }
    return render(request, "dashboards/village_review.html", context)


# --- exports ------------------------------------------------------------------------------------------


@login_required
def export_table(request: HttpRequest) -> HttpResponse:
    """A small table straight to Excel, with the page's filters; audited."""
    try:
        spec = exports.parse(request.user, request.GET)
    except exports.ExportError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    if spec.kind in exports.JOB_KINDS:  # as many rows as cases: only as a background job
        return HttpResponse(_("此表行数多，请用“导出 Excel”按钮在后台生成。"), status=400,
                            content_type="text/plain; charset=utf-8")
    audit.record(AuditLog.Action.EXPORT, request=request, detail=str(spec.as_params()))
    return xlsx_bytes_response(lambda target: exports.build(spec, target), exports.filename(spec))


@login_required
@require_POST
def export_job_create(request: HttpRequest) -> HttpResponse:
    """A big table as a background job; the worker is asked only once the job row is committed."""
    try:
        spec = exports.parse(request.user, request.POST)
    except exports.ExportError as error:
        messages.error(request, str(error))
        back = request.META.get("HTTP_REFERER", "")
        return redirect(back if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) else "home")
    with transaction.atomic():
        job = ExportJob.objects.create(user=request.user, kind=spec.kind, params=spec.as_params())
        transaction.on_commit(lambda: build_export.delay(job.pk))
    return redirect(job.get_absolute_url())


def _job(request: HttpRequest, job_id: int) -> ExportJob:
    return get_object_or_404(ExportJob, pk=job_id, user=request.user)


@login_required
def export_job(request: HttpRequest, job_id: int) -> HttpResponse:
    return render(request, "dashboards/export_job.html", {"job": _job(request, job_id)})


@login_required
def export_job_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    return render(request, "dashboards/partials/export_progress.html", {"job": _job(request, job_id)})


@login_required
def export_job_download(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    audit.record(AuditLog.Action.EXPORT, request=request, obj=job, detail=f"download {job.file.name}")
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1])


# --- printables -----------------------------------------------------------------------------------------


@login_required
def contact_card(request: HttpRequest, center_id: int) -> HttpResponse:
    center = get_object_or_404(visible_centers(request.user), pk=center_id)
    members = (
        center.members.active()
        .filter(roles__code__in=CONTACT_ROLES)
        .prefetch_related("roles")
        .distinct()
        .order_by("name")
    )
    try:
        report_path = reverse("public:report", args=[center.division.code])
    except NoReverseMatch:  # the public intake is not installed here: print the address it will have
        report_path = f"/public/{center.division.code}/report/"
    report_url = request.build_absolute_uri(report_path)
    context = {
        "center": center,
        "members": members,
        "report_url": report_url,
        "qr_data_uri": segno.make(report_url, error="m").svg_data_uri(scale=5, border=2),
    }
    return render(request, "dashboards/contact_card.html", context)
