"""Navigation by role and the unread notification count, for base.html."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .models import User

# (url name, label, roles that see it; None means every signed-in role)
NAV_ITEMS = [
    ("home", _("工作台"), None),
    ("cases:case_create", _("登记事项"), {"village_director", "village_staff"}),
    ("cases:case_list", _("事项台账"), None),
    ("cases:whistle_inbox", _("吹哨报到"), {"department_staff", "town_staff", "village_director", "district_admin"}),
    ("visits:visit_create", _("走访登记"), {"village_director", "village_staff"}),
    ("visits:household_list", _("住户"), {"village_director", "village_staff", "town_staff", "district_admin"}),
    ("visits:problem_ledger", _("问题台账"), {"village_director", "town_staff", "district_admin", "auditor"}),
    ("deliberation:meeting_list", _("议事"), {"village_director", "village_staff", "town_staff", "district_admin"}),
    ("legal_education:overview", _("普法"), None),
    ("dashboards:district_review", _("全区评估"), {"district_admin", "auditor"}),
    ("dashboards:mediation_report", _("调解统计"), {"village_director", "town_staff", "district_admin", "auditor"}),
    ("checklist_overview", _("七有"), {"village_director", "town_staff", "district_admin", "auditor"}),
    ("center_list", _("中心与成员"), None),
]


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_items": _nav_for(user), "unread_notifications": user.notifications.unread().count()}


def _nav_for(user: User) -> list[dict]:
    items = []
    for url_name, label, roles in NAV_ITEMS:
        if roles is not None and user.role not in roles:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue  # an app not installed in this deployment
        items.append({"url": url, "label": label, "name": url_name})
    return items
