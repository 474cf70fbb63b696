"""Read queries on cases, always scoped to the user through Case.objects.visible_to."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from pinggu_center.models import User

from .mediation_report.models import MediationRecord
from .models import Attachment, Case, Category, Summons, Transfer
from .progress import with_pending_summons


def case_for_user(user: User, case_id: int) -> Case:
    """A case the user may see, or 404: never a 403 that would confirm it exists."""
    return get_object_or_404(
        Case.objects.visible_to(user).select_related("center", "division__parent", "holder", "category", "registered_by"),
        pk=case_id,
    )


def case_list(user: User) -> QuerySet[Case]:
    cases = Case.objects.visible_to(user).select_related("division", "holder", "category")
    return with_pending_summons(cases).order_by("-registered_at", "-id")


# What a ledger row shows (cases/templatetags/case_tags.ledger_rows) and what its progress is derived from.
LEDGER_ROW_FIELDS = (
    "number", "title", "status", "level", "closure", "path", "satisfaction", "registered_at", "resolution_due",
    "division__name", "holder__name", "holder__level", "category__name",
)


def ledger_rows(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The ledger's rows without the columns no row shows (the description alone is most of a case's bytes)."""
    return cases.only(*LEDGER_ROW_FIELDS)


def case_detail_parts(case: Case) -> dict:
    """Everything the case page shows, in a fixed number of queries."""
    return {
        "parties": list(case.parties.all()),
        "events": list(case.events.select_related("actor")),
        "sessions": list(case.sessions.all()),
        "whistles": list(
            case.whistles.select_related("blown_by").prefetch_related(
                Prefetch("summonses", queryset=Summons.objects.select_related("department", "reported_by"))
            )
        ),
        "transfers": list(case.transfers.select_related("department")),
        "follow_ups": list(case.follow_ups.select_related("by")),
        "attachments": list(case.attachments.all()),
        "agreement": getattr(case, "agreement", None) if _has_agreement(case) else None,
        "mediation_record": MediationRecord.objects.filter(case=case).select_related("unit").first(),
    }


def _has_agreement(case: Case) -> bool:
    from .models import Agreement

    return Agreement.objects.filter(case=case).exists()


def likely_duplicates(*, phones: Iterable[str], category: Category, exclude_id: int | None = None) -> QuerySet[Case]:
    """Open cases of the same category with a party of the same phone, registered in the last 30 days."""
    phones = [p for p in phones if p]
    since = timezone.now() - timedelta(days=settings.DUPLICATE_WINDOW_DAYS)
    cases = Case.objects.open().filter(
        category=category, registered_at__gte=since, parties__phone__in=phones
    ).distinct()
    if exclude_id:
        cases = cases.exclude(pk=exclude_id)
    return cases.select_related("division").order_by("-registered_at")[:5]


def department_summonses(user: User) -> QuerySet[Summons]:
    """Whistles addressed to the user's department, the ones still waiting first."""
    return (
        Summons.objects.filter(department_id=user.department_id)
        .select_related("whistle__case__division", "department")
        .order_by(F("reported_at").asc(nulls_first=True), "-whistle__blown_at")
    )


def department_transfers(user: User) -> QuerySet[Transfer]:
    return (
        Transfer.objects.filter(department_id=user.department_id)
        .select_related("case__division", "department")
        .order_by(F("feedback_at").asc(nulls_first=True), "-transferred_at")
    )


def attachment_for_user(user: User, attachment_id: int) -> Attachment:
    return get_object_or_404(Attachment.objects.filter(case__in=Case.objects.visible_to(user)), pk=attachment_id)


def town_held_cases(user: User) -> QuerySet[Case]:
    """Open cases held by the user's own division at its level (escalated to a town)."""
    return with_pending_summons(
        Case.objects.visible_to(user).open()
        .filter(holder_id=user.division_id, level=user.division.level)
        .select_related("division", "holder", "category")
        .order_by("resolution_due", "-id")
    )


def pending_transfers(user: User) -> QuerySet[Transfer]:
    """Transfers of cases in the user's scope still waiting for feedback."""
    return (
        Transfer.objects.filter(case__in=Case.objects.visible_to(user), feedback_at__isnull=True)
        .select_related("case__division", "department")
        .order_by("feedback_due")
    )


def waiting_summonses(user: User) -> QuerySet[Summons]:
    """Departments summoned by whistles this user blew that have not reported in yet."""
    return (
        Summons.objects.filter(whistle__blown_by=user, reported_at__isnull=True)
        .select_related("whistle__case__division", "department")
        .order_by("whistle__report_in_due")
    )


def summons_for_user(user: User, summons_id: int) -> Summons:
    """A summons on a case the user may see, or 404."""
    return get_object_or_404(
        Summons.objects.filter(whistle__case__in=Case.objects.visible_to(user)).select_related(
            "whistle__case", "department"
        ),
        pk=summons_id,
    )


def transfer_for_user(user: User, transfer_id: int) -> Transfer:
    """A transfer on a case the user may see, or 404."""
    return get_object_or_404(
        Transfer.objects.filter(case__in=Case.objects.visible_to(user)).select_related("case", "department"),
        pk=transfer_id,
    )


def reference_cases(case_ids: Iterable[int]) -> QuerySet[Case]:
    """Cases by id, unscoped, with what a de-identified reference needs: town, category, parties, agreement.

    For readers that show no personal detail of them (the similar-case index); never for a page that names
    the parties, which must go through case_for_user.
    """
    return (
        Case.objects.filter(pk__in=list(case_ids))
        .select_related("division__parent", "category", "agreement")
        .prefetch_related("parties")
    )
