"""The director's correction of a case's report fields (GET shows the form, POST calls the service)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases import selectors
from cases.services import CaseRuleError

from .forms import ReportEditForm
from .models import MediationRecord
from .services import can_edit_report, update_report


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for_user(request.user, pk)  # 404 outside the user's scope
    record = MediationRecord.objects.filter(case=case).select_related("unit").first()
    decision = can_edit_report(case, record, request.user)
    if not decision:
        messages.error(request, decision.reason)
        return redirect(case.get_absolute_url())
    form = ReportEditForm(request.POST or None, case=case, record=record)
    if request.method == "POST" and form.is_valid():
        try:
            update_report(case_id=case.pk, actor=request.user, fields=form.cleaned_data["report"],
                          version=form.cleaned_data["version"])
        except CaseRuleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("已保存统计信息。"))
        return redirect(case.get_absolute_url())
    context = {"case": case, "form": form, "title": _("修改调解统计信息"), "target": None}
    return render(request, "cases/case_action.html", context, status=400 if form.is_bound else 200)
