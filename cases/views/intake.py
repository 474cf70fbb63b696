"""登记受理: the intake form with its parties, attachments and the duplicate check before saving."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pinggu_center.forms import draft_refused, draft_saved, form_errors, is_draft_submission, posted_client_token
from pinggu_center.models import Center, User

from .. import selectors, services
from ..forms import IntakeForm, PartyFormSet, party_helper
from ..models import Case

INTAKE_ROLES = {User.Role.VILLAGE_DIRECTOR, User.Role.VILLAGE_STAFF}


def _intake_center(user: User) -> Center:
    """A village user registers at their own village's center; nobody else registers here."""
    if user.role not in INTAKE_ROLES or user.division is None:
        raise Http404
    try:
        return user.division.center
    except Center.DoesNotExist:
        raise Http404 from None


def _intake(form: IntakeForm, formset: PartyFormSet) -> services.Intake:
    data = form.cleaned_data
    parties = [
        services.PartyData(**{k: f.cleaned_data[k] for k in ("name", "role", "phone", "id_number", "address")})
        for f in formset.forms
        if f.cleaned_data
    ]
    return services.Intake(
        source=Case.Source.GRID if form.grid else data["source"], category=data["category"], kind=data["kind"],
        title=data["title"], description=data["description"], occurred_on=data["occurred_on"],
        location_text=data["location_text"], urgency=data["urgency"], parties=parties,
        rights_informed=data["rights_informed"], accepted_elsewhere=data["accepted_elsewhere"],
        reserved_by_law=data["reserved_by_law"], transfer_to=data["transfer_to"], attachments=data["attachments"],
        client_token=data["client_token"],
    )


@login_required
def case_create(request: HttpRequest) -> HttpResponse:
    center = _intake_center(request.user)
    grid = request.GET.get("source") == Case.Source.GRID
    post = request.POST if request.method == "POST" else None
    form = IntakeForm(post, request.FILES if post is not None else None, division=center.division, grid=grid)
    formset = PartyFormSet(post, prefix="parties")
    duplicates: list[Case] = []
    status = 200
    if post is not None:
        if (sent_before := _sent_before(request)) is not None:
            return sent_before
        if form.is_valid() and formset.is_valid():
            phones = [f.cleaned_data.get("phone", "") for f in formset.forms if f.cleaned_data]
            duplicates = list(selectors.likely_duplicates(phones=phones, category=form.cleaned_data["category"]))
            if not duplicates or form.cleaned_data["confirm_not_duplicate"]:
                return _register(request, center, form, formset)
            if is_draft_submission(request):
                numbers = "、".join(case.number for case in duplicates)
                message = _("发现可能重复的事项：%s。请核对，确认不是重复事项后再提交。") % numbers
                return draft_refused({"__all__": [message]}, status="duplicate")
            form.show_duplicate_confirmation()
        else:
            if is_draft_submission(request):
                errors = form_errors(form, *formset.forms)
                errors.setdefault("__all__", []).extend(str(error) for error in formset.non_form_errors())
                return draft_refused(errors)
            status = 400
    context = {"form": form, "formset": formset, "party_helper": party_helper(), "grid": grid,
               "duplicates": duplicates, "center": center,
               # Hints other apps give while the text is typed (htmx), named in settings: cases imports none of them.
               "hint_urls": [reverse(name) for name in settings.CASE_INTAKE_HINTS]}
    return render(request, "cases/case_create.html", context, status=status)


def _sent_before(request: HttpRequest) -> HttpResponse | None:
    """A form whose client token already made a case (a lost response, a draft sent twice) shows that case,
    before any validation or duplicate check."""
    token = posted_client_token(request.POST)
    if token is None:
        return None
    try:
        existing = services.case_for_client_token(token, actor=request.user)
    except services.CaseRuleError as error:
        return _refused(request, str(error))
    return None if existing is None else _already_registered(request, existing)


def _register(request: HttpRequest, center: Center, form: IntakeForm, formset: PartyFormSet) -> HttpResponse:
    try:
        case, created = services.register_case_once(center=center, intake=_intake(form, formset), actor=request.user)
    except services.CaseRuleError as error:
        return _refused(request, str(error))
    if not created:
        return _already_registered(request, case)
    if is_draft_submission(request):
        return draft_saved(case.get_absolute_url(), created=True, label=case.number)
    messages.success(request, _("已登记受理，事项编号 %s。") % case.number)
    return redirect(case.get_absolute_url())


def _already_registered(request: HttpRequest, case: Case) -> HttpResponse:
    if is_draft_submission(request):
        return draft_saved(case.get_absolute_url(), created=False, label=case.number)
    messages.info(request, _("该事项已经登记过，事项编号 %s，没有重复登记。") % case.number)
    return redirect(case.get_absolute_url())


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    if is_draft_submission(request):
        return draft_refused({"__all__": [message]})
    messages.error(request, message)
    return redirect(request.get_full_path())
