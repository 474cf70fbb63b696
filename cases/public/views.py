"""Resident pages (no login): bring a matter to the village center online, and look up its progress."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pinggu_center.models import Center, Level

from ..models import Case, CaseEvent, Category, Party
from ..services import CaseRuleError, Intake, PartyData, register_case
from . import guards
from .forms import ReportForm, TrackForm

NOT_FOUND = "not-found"


def _too_many(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    context["limited"] = _("提交过于频繁，请稍后再试。如有急事请直接到村说事评理议事普法中心或拨打 12345。")
    return render(request, template, context, status=429)


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, division_code: str) -> HttpResponse:
    center = get_object_or_404(Center.objects.select_related("division"), division__code=division_code,
                               division__level=Level.VILLAGE)
    template = "cases/public/report_form.html"
    if request.method == "GET":
        form = ReportForm()
        form.set_challenge()
        return render(request, template, {"form": form, "center": center})
    form = ReportForm(request.POST, request.FILES)
    if not guards.hit("report_ip", guards.client_ip(request)):
        form.set_challenge()
        return _too_many(request, template, {"form": form, "center": center})
    if form.is_valid() and not guards.hit("report_phone", form.cleaned_data["phone"]):
        form.set_challenge()
        return _too_many(request, template, {"form": form, "center": center})
    if form.is_valid():
        try:
            case = register_case(center=center, intake=_intake(form.cleaned_data), actor=None)
        except CaseRuleError as exc:
            form.add_error(None, str(exc))
        else:
            return render(request, "cases/public/report_done.html", {"case": case, "center": center}, status=201)
    form.set_challenge()
    return render(request, template, {"form": form, "center": center}, status=400)


def _intake(data: dict) -> Intake:
    description = data["description"].strip()
    return Intake(
        source=Case.Source.ONLINE,
        category=data["category"] or Category.objects.get(code="other"),
        title=description[:30],
        description=description,
        parties=[PartyData(name=data["name"].strip(), role=Party.Role.APPLICANT, phone=data["phone"])],
        location_text=data["address"].strip(),
        rights_informed=False,
        attachments=data["photos"],
    )


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    template = "cases/public/track.html"
    if request.method == "GET":
        return render(request, template, {"form": TrackForm()})
    form = TrackForm(request.POST)
    if not guards.hit("track_ip", guards.client_ip(request)):
        return _too_many(request, template, {"form": form})
    if not form.is_valid():
        return render(request, template, {"form": form}, status=400)
    case = _case_for(form.cleaned_data["number"], form.cleaned_data["phone_last4"])
    if case is None:
        # A wrong number and a right number with wrong digits give the very same page: no oracle.
        return render(request, template, {"form": form, "result": NOT_FOUND})
    events = list(CaseEvent.objects.filter(case_id=case.pk, kind__in=CaseEvent.PUBLIC_KINDS).order_by("at", "pk"))
    return render(request, template, {"form": TrackForm(), "result": case, "events": events})


def _case_for(number: str, last4: str) -> Case | None:
    """One query whatever is wrong: the case only if one of its applicants' phones ends in the four digits."""
    return (
        Case.objects.filter(number=number, parties__role=Party.Role.APPLICANT, parties__phone__endswith=last4)
        .select_related("category")
        .only("number", "status", "level", "registered_at", "category__name")
        .distinct()
        .first()
    )
