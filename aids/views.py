"""Pages of the mediation aids: the similar-case panel, the intake hint, the warnings and their handling."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases import selectors as case_selectors
from cases.models import Category
from pinggu_center.exports import list_export
from pinggu_center.paging import capped_page

from . import risk, selectors, services
from .filters import WarningFilter
from .forms import HandleWarningForm

INTAKE_TEXT_LIMIT = 2000


@login_required
@require_GET
def case_similar(request: HttpRequest, pk: int) -> HttpResponse:
    """The case page's panel of similar closed cases (loaded by htmx); 404 outside the user's scope."""
    case = case_selectors.case_for_user(request.user, pk)
    return render(request, "aids/partials/similar_panel.html", {"references": selectors.similar_references(case)})


@login_required
@require_GET
def intake_similar(request: HttpRequest) -> HttpResponse:
    """While the description is typed at intake: open cases of the user's village that read alike."""
    text = f"{request.GET.get('title', '')}\n{request.GET.get('description', '')}"[:INTAKE_TEXT_LIMIT]
    category = request.GET.get("category", "")
    category_id = int(category) if category.isdigit() and Category.objects.filter(pk=category).exists() else None
    matches = selectors.similar_open_cases(request.user, text=text, category_id=category_id) if text.strip() else []
    return render(request, "aids/partials/intake_similar.html", {"matches": matches})


@login_required
def warning_list(request: HttpRequest) -> HttpResponse:
    warning_filter = WarningFilter(request.GET or None, queryset=selectors.warning_list(request.user), user=request.user)
    page = capped_page(warning_filter.qs, 25, request.GET.get("page"))
    status = 400 if warning_filter.is_bound and not warning_filter.is_valid() else 200
    context = {"filter": warning_filter, "page": page, "rules": rule_statements()}
    return render(request, "aids/warning_list.html", context, status=status)


@login_required
def warning_export(request: HttpRequest) -> HttpResponse:
    """The filtered warnings as an Excel file (audited)."""
    warning_filter = WarningFilter(request.GET or None, queryset=selectors.warning_list(request.user), user=request.user)
    if warning_filter.is_bound and not warning_filter.is_valid():
        return HttpResponse(status=400)
    columns = [
        (_("类型"), lambda w: w.get_kind_display()), (_("预警事由"), lambda w: w.subject),
        (_("镇/街道"), lambda w: w.division.parent.name), (_("村/社区"), lambda w: w.division.name),
        (_("预警时间"), lambda w: w.raised_at), (_("状态"), lambda w: w.get_status_display()),
        (_("处置时间"), lambda w: w.handled_at), (_("处置说明"), lambda w: w.handled_note),
    ]
    return list_export(request, queryset=warning_filter.qs, columns=columns, title=_("矛盾风险预警"),
                       filename=f"risk-warnings-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
def warning_detail(request: HttpRequest, pk: int) -> HttpResponse:
    warning = selectors.warning_for_user(request.user, pk)
    context = {
        "warning": warning, "cases": list(selectors.warning_cases(request.user, warning)),
        "can_handle": selectors.can_handle(request.user, warning), "form": HandleWarningForm(),
        "rules": rule_statements(),
    }
    return render(request, "aids/warning_detail.html", context)


@login_required
@require_POST
def warning_handle(request: HttpRequest, pk: int) -> HttpResponse:
    warning = selectors.warning_for_user(request.user, pk)
    form = HandleWarningForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写处置说明。"))
        return redirect(warning.get_absolute_url())
    try:
        services.handle_warning(warning_id=warning.pk, actor=request.user, note=form.cleaned_data["note"])
    except services.WarningRuleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已标记为已处置，处置说明已记入相关事项轨迹。"))
    return redirect(warning.get_absolute_url())


def rule_statements() -> dict[str, str]:
    """Each rule in words, as the page states it (the Poisson rule with its parameters)."""
    return {
        "repeat_party": _("同一当事人（手机号或身份证号相同）%(days)d 日内登记 %(count)d 件及以上事项。") % {
            "days": risk.REPEAT_PARTY_DAYS, "count": risk.REPEAT_PARTY_CASES},
        "repeat_visit": _("同一住户 %(days)d 日内走访中反映同一类问题 %(count)d 次及以上且未销号。") % {
            "days": risk.REPEAT_VISIT_DAYS, "count": risk.REPEAT_VISIT_TIMES},
        "category_spike": _(
            "某村本月某类事项登记数超过泊松分布 %(quantile)d%% 上限，且不少于 %(minimum)d 件：泊松均值取该村该类事项前 "
            "%(window)d 个月的月均数（自该村首件事项起算，至少 %(months)d 个月），上限为使累计概率达到 %(quantile)d%% 的最小件数。"
        ) % {"quantile": round(risk.SPIKE_QUANTILE * 100), "minimum": risk.SPIKE_MIN_COUNT,
             "window": risk.SPIKE_WINDOW_MONTHS, "months": risk.SPIKE_MIN_MONTHS},
        "repeated_failure": _("事项因回访不满意重新办理 %(count)d 次及以上，或在村级逾期被自动提级后在上级再次逾期。") % {
            "count": risk.REOPENED_TIMES},
        "escalation_risk": _("未办结事项当事人 %(count)d 人及以上，或事由、经过中出现风险词（威胁、自伤、打斗、集体上访等，区级可在后台维护）。") % {
            "count": risk.FIVE_PARTIES},
    }
