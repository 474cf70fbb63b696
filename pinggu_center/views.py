from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import freshness, selectors, services
from .forms import MemberForm, RetireMemberForm, form_status
from .freshness import Deferred
from .models import Center, Member, Notification, User
from .scopes import visible_centers

# Each role lands on its own page; the first URL name that exists in this deployment wins.
START_PAGES: dict[str, list[str]] = {
    User.Role.VILLAGE_DIRECTOR: ["dashboards:village_workbench", "cases:case_list"],
    User.Role.VILLAGE_STAFF: ["dashboards:cadre_home", "cases:case_list"],
    User.Role.TOWN_STAFF: ["dashboards:town_page", "cases:case_list"],
    User.Role.DEPARTMENT_STAFF: ["cases:whistle_inbox", "cases:case_list"],
    User.Role.DISTRICT_ADMIN: ["dashboards:district_review", "cases:case_list"],
    User.Role.AUDITOR: ["dashboards:district_review", "cases:case_list"],
}


def _start_page(user: User) -> str:
    for url_name in START_PAGES.get(user.role, []):
        try:
            return reverse(url_name)
        except NoReverseMatch:
            continue
    return reverse("center_list")


class LogoutView(auth_views.LogoutView):
    """Signing out also tells the browser to forget what the site kept on the phone (drafts, cached pages).

    offline.js clears them first, after warning about unsent items; the header is the backstop for a page
    whose script did not run. A shared phone must not keep residents' data.
    """

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"storage"'
        return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect(_start_page(request.user))


def get_center_for_user(user: User, center_id: int) -> Center:
    """A center in the user's scope, or 404 (never 403, which would confirm it exists)."""
    return get_object_or_404(visible_centers(user), pk=center_id)


def get_member_for_user(user: User, member_id: int) -> Member:
    return get_object_or_404(Member.objects.filter(center__in=visible_centers(user)), pk=member_id)


@login_required
def center_list(request: HttpRequest) -> HttpResponse:
    keyword = request.GET.get("q", "").strip()[:50]
    if not keyword and len(own := list(visible_centers(request.user)[:2])) == 1:  # a village's own: go straight there
        return redirect(own[0].get_absolute_url())
    # Counted per center in a subquery, so the pages' count is of centers alone, not of a grouped join.
    active = (Member.objects.filter(center=OuterRef("pk"), retired_on__isnull=True).order_by()
              .values("center").annotate(n=Count("pk")).values("n"))
    centers = visible_centers(request.user).annotate(active_members=Coalesce(Subquery(active), 0))
    if keyword:
        centers = centers.filter(Q(name__contains=keyword) | Q(division__name__contains=keyword))
    context = {
        "page": Deferred(Paginator(centers.order_by("division__code"), 50).get_page, request.GET.get("page")),
        "keyword": keyword,
        "fragment": freshness.fragment_key(request, freshness.scope_of(request.user)),
    }
    return render(request, "pinggu_center/center_list.html", context)


@login_required
def center_roster(request: HttpRequest, center_id: int) -> HttpResponse:
    center = get_center_for_user(request.user, center_id)
    members = center.members.prefetch_related("roles").select_related("user").order_by("retired_on", "name")
    can_edit = request.user.is_director_or_above and not request.user.is_read_only
    return render(
        request, "pinggu_center/center_roster.html", {"center": center, "members": members, "can_edit": can_edit}
    )


@login_required
def member_create(request: HttpRequest, center_id: int) -> HttpResponse:
    center = get_center_for_user(request.user, center_id)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_member(center=center, actor=request.user, data=dict(form.cleaned_data))
        except services.RosterRuleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("已添加成员。"))
        return redirect(center.get_absolute_url())
    return render(request, "pinggu_center/member_form.html", {"form": form, "center": center}, status=form_status(form))


@login_required
def member_edit(request: HttpRequest, member_id: int) -> HttpResponse:
    member = get_member_for_user(request.user, member_id)
    form = MemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_member(member=member, actor=request.user, data=dict(form.cleaned_data))
        except services.RosterRuleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("已保存。"))
        return redirect(member.center.get_absolute_url())
    context = {"form": form, "center": member.center, "member": member}
    return render(request, "pinggu_center/member_form.html", context, status=form_status(form))


@login_required
def member_retire(request: HttpRequest, member_id: int) -> HttpResponse:
    member = get_member_for_user(request.user, member_id)
    form = RetireMemberForm(request.POST or None, initial={"retired_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.retire_member(member_id=member.pk, actor=request.user, retired_on=form.cleaned_data["retired_on"])
        except services.RosterRuleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("成员已退出，历史记录保留。"))
        return redirect(member.center.get_absolute_url())
    context = {"form": form, "center": member.center, "member": member}
    return render(request, "pinggu_center/member_retire.html", context, status=form_status(form))


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = request.user.notifications.all()
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(request, "pinggu_center/notification_list.html", {"page": page})


@login_required
@require_POST
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notification_list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    request.user.notifications.unread().update(read_at=timezone.now())
    return redirect("notification_list")


@login_required
def outbox_problems(request: HttpRequest) -> HttpResponse:
    """Outbox rows that failed for good or stayed pending too long, for the district (README: "Outbox")."""
    if not request.user.is_district:
        raise Http404
    page = Paginator(selectors.delivery_problems(), 50).get_page(request.GET.get("page"))
    can_retry = request.user.role == User.Role.DISTRICT_ADMIN
    return render(request, "pinggu_center/outbox_problems.html", {"page": page, "can_retry": can_retry})


@login_required
@require_POST
def outbox_retry(request: HttpRequest) -> HttpResponse:
    if not request.user.is_district:
        raise Http404
    if request.POST.get("all"):
        ids = list(selectors.delivery_problems().values_list("pk", flat=True)[:1000])
    else:
        ids = [int(value) for value in request.POST.getlist("ids") if value.isdigit() and len(value) < 19]
    try:
        count = services.retry_outbox_rows(ids=ids, actor=request.user)
    except services.DeliveryRuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已重新投递 %(count)d 条消息。") % {"count": count})
    return redirect("outbox_problems")
