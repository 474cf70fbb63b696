"""Legal-education pages: the front page, the district's coverage and 法律明白人 summaries, and the records."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pinggu_center.exports import list_export
from pinggu_center.forms import form_status
from pinggu_center.models import Level, User
from pinggu_center.scopes import visible_centers, visible_divisions
from pinggu_center.uploads import serve_upload

from . import exports, selectors, services
from .filters import ActivityFilter, LiaisonFilter, ReportFilter
from .forms import ActivityForm, LiaisonForm, PhotoForm, ReportForm, SummaryFilterForm, TeamForm, TrainingForm
from .models import MIN_LIAISONS_PER_VILLAGE, LegalTeam

PAGE_SIZE = 25


def _can_write(user: User) -> bool:
    return not user.is_read_only and user.role != User.Role.DEPARTMENT_STAFF


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _list(request: HttpRequest, filterset, template: str, extra: dict | None = None, *, export=None) -> HttpResponse:
    if export is not None and request.GET.get("export") == "xlsx" and filterset.is_valid():
        columns, title, filename, *related = export
        queryset = filterset.qs.select_related("center__division", *related)
        return list_export(request, queryset=queryset, columns=columns, title=title, filename=filename)
    context = {"filter": filterset, "page": _page(request, filterset.qs), "can_write": _can_write(request.user)}
    return render(request, template, {**context, **(extra or {})}, status=form_status(filterset.form if filterset.is_bound else None))


def _summary_filter(request: HttpRequest, **options) -> tuple[SummaryFilterForm, dict]:
    towns = visible_divisions(request.user).filter(level=Level.TOWN)
    form = SummaryFilterForm(request.GET or None, towns=towns, **options)
    values = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, values


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    counts = selectors.overview_counts(request.user, year=year)
    context = {"counts": counts, "year": year, "minimum": MIN_LIAISONS_PER_VILLAGE, "can_write": _can_write(request.user)}
    return render(request, "legal_education/overview.html", context)


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    """Which villages have had a 法治微课堂 this year, town by town, and which have not."""
    form, values = _summary_filter(request, with_year=True)
    year = values.get("year") or timezone.localdate().year
    town = values.get("town")
    rows = selectors.coverage_by_town(request.user, year=year)
    uncovered = selectors.uncovered_centers(request.user, year=year, town_id=town.pk if town else None)
    chart = {"labels": [row["town"] for row in rows], "values": [row["rate"] for row in rows], "unit": "%"}
    context = {"form": form, "rows": rows, "year": year, "page": _page(request, uncovered), "chart": chart}
    return render(request, "legal_education/coverage.html", context, status=form_status(form))


@login_required
def liaison_overview(request: HttpRequest) -> HttpResponse:
    """Villages and their 法律明白人, town by town; villages with fewer than three stand out."""
    form, values = _summary_filter(request, with_short=True)
    town = values.get("town")
    rows = selectors.liaisons_by_town(request.user)
    centers = selectors.centers_with_liaison_counts(
        request.user, short_only=values.get("short_only", False), town_id=town.pk if town else None
    )
    chart = {"labels": [row["town"] for row in rows], "values": [row["short_count"] for row in rows], "unit": ""}
    context = {"form": form, "rows": rows, "page": _page(request, centers), "minimum": MIN_LIAISONS_PER_VILLAGE, "chart": chart}
    return render(request, "legal_education/liaison_overview.html", context, status=form_status(form))


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None) if request.user.role == User.Role.DISTRICT_ADMIN else None
    if request.method == "POST":
        if form is None:
            messages.error(request, _("只有区级管理员可以维护普法联盟队伍。"))
            return redirect("legal_education:team_list")
        if form.is_valid():
            try:
                services.create_team(actor=request.user, **form.cleaned_data)
            except services.LegalEducationError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("已添加队伍。"))
            return redirect("legal_education:team_list")
    page = _page(request, LegalTeam.objects.all())
    return render(request, "legal_education/team_list.html", {"page": page, "form": form}, status=form_status(form))


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    filterset = ActivityFilter(request.GET or None, queryset=selectors.visible_activities(request.user), request=request)
    export = (exports.ACTIVITIES, _("普法活动"), "legal-activities.xlsx", "team")
    return _list(request, filterset, "legal_education/activity_list.html", export=export)


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    form = ActivityForm(request.POST or None, centers=visible_centers(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            activity = services.record_activity(center=data.pop("center"), actor=request.user, data=data)
        except services.LegalEducationError as error:
            messages.error(request, str(error))
            return redirect("legal_education:activity_list")
        messages.success(request, _("活动已登记，可上传照片。"))
        return redirect(activity)
    return render(request, "legal_education/activity_form.html", {"form": form}, status=form_status(form))


@login_required
def activity_detail(request: HttpRequest, activity_id: int, photo_form: PhotoForm | None = None) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, activity_id)
    context = {
        "activity": activity,
        "photos": activity.photos.all(),
        "photo_form": photo_form or PhotoForm(),
        "can_write": _can_write(request.user),
    }
    return render(request, "legal_education/activity_detail.html", context, status=form_status(photo_form))


@login_required
@require_POST
def photo_upload(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = selectors.get_activity_for_user(request.user, activity_id)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        return activity_detail(request, activity_id, photo_form=form)
    try:
        services.add_activity_photo(activity_id=activity.pk, actor=request.user, image=form.cleaned_data["image"])
    except services.LegalEducationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("照片已上传。"))
    return redirect(activity)


@login_required
def photo_file(request: HttpRequest, photo_id: int) -> HttpResponse:
    return serve_upload(selectors.get_photo_for_user(request.user, photo_id).image)


@login_required
def liaison_list(request: HttpRequest) -> HttpResponse:
    filterset = LiaisonFilter(request.GET or None, queryset=selectors.visible_liaisons(request.user), request=request)
    export = (exports.LIAISONS, _("法律明白人"), "legal-liaisons.xlsx")
    return _list(request, filterset, "legal_education/liaison_list.html", export=export)


@login_required
def liaison_create(request: HttpRequest) -> HttpResponse:
    form = LiaisonForm(request.POST or None, centers=visible_centers(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            liaison = services.appoint_liaison(center=data.pop("center"), actor=request.user, data=data)
        except services.LegalEducationError as error:
            messages.error(request, str(error))
            return redirect("legal_education:liaison_list")
        messages.success(request, _("已登记法律明白人。"))
        return redirect("legal_education:liaison_detail", liaison.pk)
    return render(request, "legal_education/liaison_form.html", {"form": form}, status=form_status(form))


@login_required
def liaison_detail(request: HttpRequest, liaison_id: int, form: TrainingForm | None = None) -> HttpResponse:
    liaison = selectors.get_liaison_for_user(request.user, liaison_id)
    context = {
        "liaison": liaison,
        "trainings": liaison.trainings.all(),
        "form": form or TrainingForm(),
        "can_write": _can_write(request.user),
    }
    return render(request, "legal_education/liaison_detail.html", context, status=form_status(form))


@login_required
@require_POST
def training_create(request: HttpRequest, liaison_id: int) -> HttpResponse:
    liaison = selectors.get_liaison_for_user(request.user, liaison_id)
    form = TrainingForm(request.POST)
    if not form.is_valid():
        return liaison_detail(request, liaison_id, form=form)
    try:
        services.record_training(liaison=liaison, actor=request.user, data=form.cleaned_data)
    except services.LegalEducationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已添加培训记录。"))
    return redirect("legal_education:liaison_detail", liaison.pk)


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    filterset = ReportFilter(request.GET or None, queryset=selectors.visible_reports(request.user), request=request)
    export = (exports.REPORTS, _("法治村情报告"), "village-legal-reports.xlsx")
    return _list(request, filterset, "legal_education/report_list.html", export=export)


@login_required
def report_create(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.POST or None, request.FILES or None, centers=visible_centers(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.file_report(center=data.pop("center"), actor=request.user, data=data)
        except services.LegalEducationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("法治村情报告已上传。"))
        return redirect("legal_education:report_list")
    return render(request, "legal_education/report_form.html", {"form": form}, status=form_status(form))


@login_required
def report_file(request: HttpRequest, report_id: int) -> HttpResponse:
    return serve_upload(selectors.get_report_for_user(request.user, report_id).file)
