"""The case page and every action on it: GET shows the action's form, POST calls its service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .. import forms, permissions, selectors, services
from ..models import Agreement, Case, Summons, Transfer


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for_user(request.user, pk)
    return _render_detail(request, case, revealed=False)


def _render_detail(request: HttpRequest, case: Case, *, revealed: bool) -> HttpResponse:
    parts = selectors.case_detail_parts(case)
    user = request.user
    case.pending_summons = any(s.reported_at is None for w in parts["whistles"] for s in w.summonses.all())
    for whistle in parts["whistles"]:
        for summons in whistle.summonses.all():
            summons.may_report_in = bool(permissions.can_report_in(summons, user))
            summons.may_rate = bool(permissions.can_rate(summons, case, user))
    for transfer in parts["transfers"]:
        transfer.may_give_feedback = bool(permissions.can_give_feedback(transfer, case, user))
    context = {
        "case": case, **parts, "revealed": revealed,
        "actions": permissions.available_actions(case, user, agreement=parts["agreement"]),
        # Panels other apps add to the case page (loaded by htmx), named in settings so cases imports none of them.
        "panel_urls": [reverse(name, args=[case.pk]) for name in settings.CASE_PAGE_PANELS],
    }
    return render(request, "cases/case_detail.html", context)


@login_required
@require_POST
def case_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for_user(request.user, pk)
    try:
        services.reveal_parties(case=case, actor=request.user, request=request)
    except services.CaseRuleError as error:
        messages.error(request, str(error))
        return redirect(case.get_absolute_url())
    return _render_detail(request, case, revealed=True)


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = selectors.attachment_for_user(request.user, attachment_id)
    is_pdf = attachment.content_type == "application/pdf"
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None  # the row outlived its file (restored database, lost volume)
    response = FileResponse(
        handle, content_type=attachment.content_type, as_attachment=is_pdf, filename=attachment.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def agreement_print(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_for_user(request.user, pk)
    agreement = Agreement.objects.filter(case=case).select_related("confirmation_court").first()
    if agreement is None:
        raise Http404
    parties = list(case.parties.all())
    return render(request, "cases/agreement_print.html", {"case": case, "agreement": agreement, "parties": parties})


# --- actions -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    form: type[forms.ActionForm]
    title: str
    perform: Callable[..., object]
    success: str | Callable[[object], str]


def _choose_path(user, case, data, target):
    return services.choose_path(case_id=case.pk, actor=user, path=data["path"], legal_method=data["legal_method"],
                                legal_basis=data["legal_basis"], version=data["version"])


def _session(user, case, data, target):
    fields = ("held_at", "place", "mediators", "parties_present", "record", "outcome")
    return services.record_session(case_id=case.pk, actor=user, version=data["version"], **{k: data[k] for k in fields})


def _whistle(user, case, data, target):
    return services.blow_whistle(case_id=case.pk, actor=user, matter=data["matter"],
                                 departments=list(data["departments"]), report_in_due=data["report_in_due"],
                                 version=data["version"])


def _agreement(user, case, data, target):
    fields = {k: data[k] for k in forms.AgreementForm.FIELDS}
    return services.save_agreement(case_id=case.pk, actor=user, version=data["version"], **fields)


def _confirmation(user, case, data, target):
    return services.record_confirmation(case_id=case.pk, actor=user, applied_on=data["applied_on"],
                                        court=data["court"], result=data["result"], version=data["version"])


def _archive(user, case, data, target):
    return services.archive_case(case_id=case.pk, actor=user, outcome=data["outcome"], summary=data["summary"],
                                 version=data["version"], report=data.get("report"))


def _escalate(user, case, data, target):
    return services.escalate_case(case_id=case.pk, from_level=case.level, actor=user, reason=data["reason"],
                                  version=data["version"])


def _transfer(user, case, data, target):
    return services.transfer_case(case_id=case.pk, actor=user, target=data["target"], department=data["department"],
                                  reason=data["reason"], feedback_due=data["feedback_due"], version=data["version"])


def _follow_up(user, case, data, target):
    fields = ("performance", "risk", "satisfaction", "note", "reopen", "keep_closed_reason")
    return services.record_follow_up(case_id=case.pk, actor=user, version=data["version"], **{k: data[k] for k in fields})


def _follow_up_result(follow_up) -> str:
    """Say what the follow-up did to the case, so nobody has to guess whether 不满意 reopened it."""
    if follow_up.reopened:
        return _("已保存回访。当事人不满意，事项已重新办理，办结期限重新计算。")
    if follow_up.keep_closed_reason:
        return _("已保存回访。当事人不满意，事项未重新办理：%s") % follow_up.keep_closed_reason
    return _("已保存回访，事项保持办结。")


def _extend(user, case, data, target):
    return services.extend_deadline(case_id=case.pk, actor=user, new_due=data["new_due"], consent=data["consent"],
                                    version=data["version"])


def _review(user, case, data, target):
    return services.add_review_comment(case_id=case.pk, actor=user, note=data["note"], version=data["version"])


def _attach(user, case, data, target):
    return services.attach_files(case_id=case.pk, actor=user, files=data["files"], version=data["version"])


def _report_in(user, case, data, target):
    return services.report_in(summons_id=target.pk, actor=user, note=data["note"], attended=data["attended"],
                             version=data["version"])


def _rate(user, case, data, target):
    return services.rate_department(summons_id=target.pk, actor=user, rating=data["rating"], comment=data["comment"],
                                   version=data["version"])


def _feedback(user, case, data, target):
    return services.record_transfer_feedback(transfer_id=target.pk, actor=user, feedback=data["feedback"],
                                             reference=data["reference"], version=data["version"])


ACTIONS: dict[str, Action] = {
    "choose_path": Action(forms.ChoosePathForm, gettext_lazy("确定办理路径"), _choose_path, gettext_lazy("已确定办理路径。")),
    "session": Action(forms.SessionForm, gettext_lazy("调解记录"), _session, gettext_lazy("已保存调解记录。")),
    "whistle": Action(forms.WhistleForm, gettext_lazy("吹哨"), _whistle, gettext_lazy("已吹哨，已通知被吹哨部门。")),
    "agreement": Action(forms.AgreementForm, gettext_lazy("调解协议书"), _agreement, gettext_lazy("已保存调解协议书。")),
    "confirmation": Action(forms.ConfirmationForm, gettext_lazy("司法确认"), _confirmation, gettext_lazy("已记录司法确认。")),
    "archive": Action(forms.ArchiveForm, gettext_lazy("总结归档"), _archive, gettext_lazy("事项已归档。")),
    "escalate": Action(forms.EscalateForm, gettext_lazy("提级上报"), _escalate, gettext_lazy("已提级上报。")),
    "transfer": Action(forms.TransferForm, gettext_lazy("移交处置"), _transfer, gettext_lazy("已移交。")),
    "follow_up": Action(forms.FollowUpForm, gettext_lazy("回访"), _follow_up, _follow_up_result),
    "extend": Action(forms.ExtendForm, gettext_lazy("延长期限"), _extend, gettext_lazy("已延长办结期限。")),
    "review": Action(forms.ReviewForm, gettext_lazy("区级点评"), _review, gettext_lazy("已保存点评。")),
    "attach": Action(forms.AttachForm, gettext_lazy("上传附件"), _attach, gettext_lazy("已上传附件。")),
    "report_in": Action(forms.ReportInForm, gettext_lazy("部门报到"), _report_in, gettext_lazy("已报到。")),
    "rate": Action(forms.RateForm, gettext_lazy("评价部门"), _rate, gettext_lazy("已评价。")),
    "feedback": Action(forms.FeedbackForm, gettext_lazy("移交反馈"), _feedback, gettext_lazy("已反馈。")),
}


def _decision(name: str, case: Case, user, target: Summons | Transfer | None) -> permissions.Decision:
    if name == "report_in":
        return permissions.can_report_in(target, user)
    if name == "rate":
        return permissions.can_rate(target, case, user)
    if name == "feedback":
        return permissions.can_give_feedback(target, case, user)
    return permissions.case_decision(name, case, user)


def _run(request: HttpRequest, case: Case, name: str, target: Summons | Transfer | None = None) -> HttpResponse:
    """Parse the action's form and call its service with the version shown; a broken rule is a message and a redirect.

    The form opens only for a user the action's predicate allows (the same one the service asks); anyone else gets a
    page saying why, never a form they cannot submit.
    """
    action = ACTIONS[name]
    bound = request.method == "POST"
    decision = _decision(name, case, request.user, target)
    if not decision:
        if bound:  # a form drawn before the case moved on: say why, as the service would
            messages.error(request, decision.reason)
            return redirect(case.get_absolute_url())
        context = {"case": case, "title": action.title, "reason": decision.reason}
        return render(request, "cases/case_action_refused.html", context, status=403)
    data, files = (request.POST, request.FILES) if bound else (None, None)
    form = action.form(data, files, case=case, user=request.user)
    if bound and form.is_valid():
        try:
            result = action.perform(request.user, case, form.cleaned_data, target)
        except (services.CaseRuleError, django_forms.ValidationError) as error:
            messages.error(request, error.messages[0] if hasattr(error, "messages") else str(error))
        else:
            messages.success(request, action.success(result) if callable(action.success) else str(action.success))
        return redirect(case.get_absolute_url())
    status = 400 if form.is_bound else 200
    context = {"case": case, "form": form, "title": action.title, "target": target}
    return render(request, "cases/case_action.html", context, status=status)


CASE_ACTIONS = {"choose_path", "session", "whistle", "agreement", "confirmation", "archive", "escalate", "transfer",
                "follow_up", "extend", "review", "attach"}


@login_required
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    case = selectors.case_for_user(request.user, pk)
    if action not in CASE_ACTIONS:
        raise Http404
    return _run(request, case, action)


@login_required
def summons_action(request: HttpRequest, summons_id: int, action: str) -> HttpResponse:
    summons = selectors.summons_for_user(request.user, summons_id)
    if action not in {"report_in", "rate"}:
        raise Http404
    case = selectors.case_for_user(request.user, summons.whistle.case_id)
    return _run(request, case, action, summons)


@login_required
def transfer_action(request: HttpRequest, transfer_id: int) -> HttpResponse:
    transfer = selectors.transfer_for_user(request.user, transfer_id)
    case = selectors.case_for_user(request.user, transfer.case_id)
    return _run(request, case, "feedback", transfer)
