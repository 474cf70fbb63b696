"""Deliberation pages: thin views that parse, call a service or selector, and render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from pinggu_center.exports import list_export
from pinggu_center.forms import form_status
from pinggu_center.models import User
from pinggu_center.scopes import visible_centers
from pinggu_center.uploads import serve_upload

from . import exports, rules, selectors, services
from .filters import DocumentFilter, MatterFilter, MeetingFilter
from .forms import AdvanceMatterForm, DocumentForm, MajorMatterForm, MeetingForm, TopicForm, VoteForm
from .models import MatterStep

PAGE_SIZE = 25


def _can_write(user: User) -> bool:
    return not user.is_read_only and user.role != User.Role.DEPARTMENT_STAFF


def _list(request: HttpRequest, filterset, template: str, extra: dict | None = None, *, export=None) -> HttpResponse:
    if export is not None and request.GET.get("export") == "xlsx" and filterset.is_valid():
        columns, title, filename, *related = export
        queryset = filterset.qs.select_related("center__division", *related)
        return list_export(request, queryset=queryset, columns=columns, title=title, filename=filename)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page, "can_write": _can_write(request.user), **(extra or {})}
    return render(request, template, context, status=400 if filterset.is_bound and not filterset.is_valid() else 200)


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    filterset = MeetingFilter(request.GET or None, queryset=selectors.visible_meetings(request.user), request=request)
    export = (exports.MEETINGS, _("议事会议"), "meetings.xlsx")
    return _list(request, filterset, "deliberation/meeting_list.html", export=export)


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None, centers=visible_centers(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        center = data.pop("center")
        data.pop("record_anyway", None)
        try:
            meeting = services.record_meeting(center=center, actor=request.user, data=data)
        except services.DeliberationError as error:
            messages.error(request, str(error))
            return redirect("deliberation:meeting_list")
        if form.broken_rules:
            messages.warning(request, _("会议已登记，已标记为“不能作出决议”：%s。") % "；".join(form.broken_rules))
        else:
            messages.success(request, _("会议已登记，请添加议题。"))
        return redirect(meeting)
    return render(request, "deliberation/meeting_form.html", {"form": form}, status=form_status(form))


@login_required
def meeting_detail(request: HttpRequest, meeting_id: int, topic_form: TopicForm | None = None) -> HttpResponse:
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    context = {
        "meeting": meeting,
        "topics": selectors.meeting_topics(meeting),
        "topic_form": topic_form or TopicForm(**selectors.topic_sources(request.user, meeting)),
        "can_write": _can_write(request.user),
        "quorum_rule": rules.QUORUM_RULES[meeting.kind],
        "notice_rule": rules.NOTICE_RULE if meeting.kind in rules.VILLAGER_KINDS else "",
        "majority_rule": rules.MAJORITY_RULE,
    }
    return render(request, "deliberation/meeting_detail.html", context, status=form_status(topic_form) if topic_form else 200)


@login_required
@require_POST
def topic_create(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.get_meeting_for_user(request.user, meeting_id)
    form = TopicForm(request.POST, **selectors.topic_sources(request.user, meeting))
    if not form.is_valid():
        return meeting_detail(request, meeting_id, topic_form=form)
    try:
        services.add_topic(meeting=meeting, actor=request.user, **form.cleaned_data)
    except services.DeliberationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已添加议题。"))
    return redirect(meeting)


@login_required
def topic_vote(request: HttpRequest, topic_id: int) -> HttpResponse:
    topic = selectors.get_topic_for_user(request.user, topic_id)
    form = VoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            resolution = services.record_vote(topic_id=topic.pk, actor=request.user, **form.cleaned_data)
        except services.DeliberationError as error:
            messages.error(request, str(error))
        else:
            if resolution.adopted:
                messages.success(request, _("表决已记录，决议通过，公示页已生成。"))
            else:
                messages.warning(request, _("表决已记录：赞成票未过到会人员半数，决议未通过。"))
        return redirect(topic.meeting)
    context = {"topic": topic, "meeting": topic.meeting, "form": form, "majority_rule": rules.MAJORITY_RULE}
    return render(request, "deliberation/topic_vote.html", context, status=form_status(form))


@require_safe
def resolution_notice(request: HttpRequest, token: str) -> HttpResponse:
    """The public notice (公示) of a resolution: meeting facts only, no personal data, no login; read-only (GET)."""
    resolution = selectors.public_resolution(token)
    response = render(request, "deliberation/resolution_notice.html", {"resolution": resolution})
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def matter_list(request: HttpRequest) -> HttpResponse:
    filterset = MatterFilter(request.GET or None, queryset=selectors.visible_matters(request.user), request=request)
    export = (exports.MATTERS, _("重大事项"), "major-matters.xlsx")
    return _list(request, filterset, "deliberation/matter_list.html", {"steps": MatterStep.choices}, export=export)


@login_required
def matter_create(request: HttpRequest) -> HttpResponse:
    form = MajorMatterForm(request.POST or None, centers=visible_centers(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            matter = services.open_major_matter(actor=request.user, **form.cleaned_data)
        except services.DeliberationError as error:
            messages.error(request, str(error))
            return redirect("deliberation:matter_list")
        messages.success(request, _("重大事项已登记，请按四议两公开依次推进。"))
        return redirect(matter)
    return render(request, "deliberation/matter_form.html", {"form": form}, status=form_status(form))


@login_required
def matter_detail(request: HttpRequest, matter_id: int, form: AdvanceMatterForm | None = None) -> HttpResponse:
    matter = selectors.get_matter_for_user(request.user, matter_id)
    if form is None:
        initial = {"step": matter.next_step, "done_on": timezone.localdate()}
        form = AdvanceMatterForm(initial=initial, resolutions=selectors.adopted_resolutions(matter.center_id))
    done = {record.step: record for record in matter.steps.select_related("resolution__topic")}
    steps = [(step, done.get(step)) for step in MatterStep.ordered()]
    context = {
        "matter": matter,
        "steps": steps,
        "form": form,
        "can_advance": request.user.is_director_or_above and not request.user.is_read_only and not matter.is_finished,
    }
    return render(request, "deliberation/matter_detail.html", context, status=form_status(form))


@login_required
@require_POST
def matter_advance(request: HttpRequest, matter_id: int) -> HttpResponse:
    matter = selectors.get_matter_for_user(request.user, matter_id)
    form = AdvanceMatterForm(request.POST, resolutions=selectors.adopted_resolutions(matter.center_id))
    if not form.is_valid():
        return matter_detail(request, matter_id, form=form)
    try:
        services.advance_major_matter(matter_id=matter.pk, actor=request.user, **form.cleaned_data)
    except services.DeliberationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已记录此步骤。"))
    return redirect(matter)


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    filterset = DocumentFilter(request.GET or None, queryset=selectors.visible_documents(request.user), request=request)
    export = (exports.DOCUMENTS, _("自治章程与议事规则"), "village-rules.xlsx")
    return _list(request, filterset, "deliberation/document_list.html", export=export)


@login_required
def document_create(request: HttpRequest) -> HttpResponse:
    form = DocumentForm(request.POST or None, request.FILES or None, centers=visible_centers(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.attach_document(actor=request.user, **form.cleaned_data)
        except services.DeliberationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("文件已上传。"))
        return redirect("deliberation:document_list")
    return render(request, "deliberation/document_form.html", {"form": form}, status=form_status(form))


@login_required
def document_file(request: HttpRequest, document_id: int) -> HttpResponse:
    document = selectors.get_document_for_user(request.user, document_id)
    return serve_upload(document.file)
