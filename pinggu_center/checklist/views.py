"""七有 pages: a center's checklist, the evidence behind it, and the district's completion overview and export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import audit
from ..exports import Sheet, xlsx_response
from ..models import AuditLog, ChecklistItem, Level, User
from ..scopes import visible_divisions
from ..uploads import serve_upload
from ..views import get_center_for_user
from . import selectors, services
from .forms import ChecklistFilterForm, ChecklistItemForm

PAGE_SIZE = 25


def _can_edit(user: User) -> bool:
    return user.is_director_or_above and not user.is_read_only


@login_required
def checklist_detail(request: HttpRequest, center_id: int) -> HttpResponse:
    center = get_center_for_user(request.user, center_id)
    rows = {row.item: row for row in center.checklist_items.select_related("updated_by")}
    items = [(item, rows.get(item.value)) for item in ChecklistItem]
    context = {"center": center, "items": items, "done": len(rows), "can_edit": _can_edit(request.user)}
    return render(request, "pinggu_center/checklist_detail.html", context)


@login_required
def checklist_item_edit(request: HttpRequest, center_id: int, item: str) -> HttpResponse:
    center = get_center_for_user(request.user, center_id)
    if item not in ChecklistItem.values:
        raise Http404
    form = ChecklistItemForm(request.POST or None, request.FILES or None, initial={"in_place_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_checklist_item(center=center, actor=request.user, item=item, **form.cleaned_data)
        except services.ChecklistError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("已保存。"))
        return redirect("checklist_detail", center.pk)
    context = {"center": center, "form": form, "item_label": ChecklistItem(item).label}
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "pinggu_center/checklist_item_form.html", context, status=status)


@login_required
def checklist_evidence(request: HttpRequest, item_id: int) -> HttpResponse:
    return serve_upload(selectors.get_item_for_user(request.user, item_id).evidence)


def _filter(request: HttpRequest) -> tuple[ChecklistFilterForm, dict]:
    towns = visible_divisions(request.user).filter(level=Level.TOWN)
    form = ChecklistFilterForm(request.GET or None, towns=towns)
    return form, (form.cleaned_data if form.is_bound and form.is_valid() else {})


@login_required
def checklist_overview(request: HttpRequest) -> HttpResponse:
    """Completion of the 七有 across the user's centers, town by town, and per center below."""
    if request.user.division is not None and request.user.division.level == Level.VILLAGE:
        center = getattr(request.user.division, "center", None)
        if center is not None:
            return redirect("checklist_detail", center.pk)
    form, values = _filter(request)
    town = values.get("town")
    rows = selectors.checklist_by_town(request.user)
    centers = selectors.centers_with_items(
        request.user, town_id=town.pk if town else None, incomplete_only=values.get("incomplete_only", False)
    )
    page = Paginator(centers, PAGE_SIZE).get_page(request.GET.get("page"))
    cells = [(center, selectors.item_cells(center)) for center in page]
    chart = {"labels": [row["town"] for row in rows], "values": [row["rate"] for row in rows], "unit": "%"}
    context = {
        "form": form, "rows": rows, "page": page, "cells": cells, "chart": chart,
        "labels": ChecklistItem.labels, "total": sum(row["villages"] for row in rows),
        "complete": sum(row["complete"] for row in rows),
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "pinggu_center/checklist_overview.html", context, status=status)


@login_required
def checklist_export(request: HttpRequest) -> HttpResponse:
    """Every center in scope with the date of each item (blank where missing), as an Excel workbook."""
    centers = selectors.centers_with_items(request.user).select_related("division__parent")
    rows = (
        [center.division.parent.name, center.division.name, center.division.code,
         *[row.in_place_on if row else None for row in selectors.item_cells(center)], center.done]
        for center in centers
    )
    header = [_("镇/街道"), _("村/社区"), _("统计区划代码"), *(str(label) for label in ChecklistItem.labels), _("已完成项数")]
    widths = {"B": 18, **dict.fromkeys("DEFGHIJ", 14)}
    audit.record(AuditLog.Action.EXPORT, request=request, detail="checklist export")
    return xlsx_response([Sheet(_("七有完成情况"), header, rows, widths=widths)],
                         f"checklist-{timezone.localdate():%Y%m%d}.xlsx")
