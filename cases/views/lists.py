"""The ledger (台账) with its filters and Excel export, and each role's inbox."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pinggu_center import freshness
from pinggu_center.freshness import Deferred
from pinggu_center.models import User
from pinggu_center.paging import capped_page

from .. import selectors
from ..filters import CaseFilter

INBOX_LIMIT = 100


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    cases = selectors.case_list(request.user)
    case_filter = CaseFilter(request.GET or None, queryset=cases, user=request.user)
    status = 400 if case_filter.is_bound and not case_filter.is_valid() else 200
    context = {
        "filter": case_filter,
        # A page past the end raises 404 when the table is drawn; none of it is read when the table is cached.
        # The page's rows are read by key from the user's cases: the filters found them already.
        "page": Deferred(capped_page, selectors.ledger_rows(case_filter.qs), 25, request.GET.get("page"),
                         rows=selectors.ledger_rows(cases)),
        "fragment": freshness.fragment_key(request, freshness.scope_of(request.user)),
        "filters_fragment": freshness.fragment_key(request),
    }
    return render(request, "cases/case_list.html", context, status=status)


@login_required
def whistle_inbox(request: HttpRequest) -> HttpResponse:
    context = {
        "fragment": freshness.fragment_key(request, freshness.scope_of(request.user)),
        **Deferred(_inbox, request.user).parts(
            "pending_summonses", "answered_summonses", "pending_transfers", "answered_transfers", "held", "waiting"
        ),
    }
    return render(request, "cases/whistle_inbox.html", context)


def _inbox(user: User) -> dict:
    inbox: dict = {"pending_summonses": [], "answered_summonses": [], "pending_transfers": [],
                   "answered_transfers": [], "held": [], "waiting": []}
    if user.role == User.Role.DEPARTMENT_STAFF:
        # What waits for this department comes first; what it already answered is folded below.
        summonses = list(selectors.department_summonses(user)[:INBOX_LIMIT])
        transfers = list(selectors.department_transfers(user)[:INBOX_LIMIT])
        inbox["pending_summonses"] = [s for s in summonses if s.reported_at is None]
        inbox["answered_summonses"] = [s for s in summonses if s.reported_at is not None]
        inbox["pending_transfers"] = [t for t in transfers if t.feedback_at is None]
        inbox["answered_transfers"] = [t for t in transfers if t.feedback_at is not None]
    elif user.role == User.Role.TOWN_STAFF:
        inbox["held"] = list(selectors.town_held_cases(user)[:INBOX_LIMIT])
        inbox["pending_transfers"] = list(selectors.pending_transfers(user)[:INBOX_LIMIT])
    elif user.is_director_or_above:
        inbox["waiting"] = list(selectors.waiting_summonses(user)[:INBOX_LIMIT])
        inbox["held"] = list(selectors.town_held_cases(user)[:INBOX_LIMIT])
    return inbox
