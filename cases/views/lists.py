"""The ledger (台账) with its filters and Excel export, and each role's inbox."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pinggu_center.models import User
from pinggu_center.paging import capped_page

from .. import selectors
from ..filters import CaseFilter

INBOX_LIMIT = 100


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    case_filter = CaseFilter(request.GET or None, queryset=selectors.case_list(request.user), user=request.user)
    page = capped_page(case_filter.qs, 25, request.GET.get("page"))
    status = 400 if case_filter.is_bound and not case_filter.is_valid() else 200
    return render(request, "cases/case_list.html", {"filter": case_filter, "page": page}, status=status)


@login_required
def whistle_inbox(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict = {"pending_summonses": [], "answered_summonses": [], "pending_transfers": [],
                     "answered_transfers": [], "held": [], "waiting": []}
    if user.role == User.Role.DEPARTMENT_STAFF:
        # What waits for this department comes first; what it already answered is folded below.
        summonses = list(selectors.department_summonses(user)[:INBOX_LIMIT])
        transfers = list(selectors.department_transfers(user)[:INBOX_LIMIT])
        context["pending_summonses"] = [s for s in summonses if s.reported_at is None]
        context["answered_summonses"] = [s for s in summonses if s.reported_at is not None]
        context["pending_transfers"] = [t for t in transfers if t.feedback_at is None]
        context["answered_transfers"] = [t for t in transfers if t.feedback_at is not None]
    elif user.role == User.Role.TOWN_STAFF:
        context["held"] = list(selectors.town_held_cases(user)[:INBOX_LIMIT])
        context["pending_transfers"] = list(selectors.pending_transfers(user)[:INBOX_LIMIT])
    elif user.is_director_or_above:
        context["waiting"] = list(selectors.waiting_summonses(user)[:INBOX_LIMIT])
        context["held"] = list(selectors.town_held_cases(user)[:INBOX_LIMIT])
    return render(request, "cases/whistle_inbox.html", context)
