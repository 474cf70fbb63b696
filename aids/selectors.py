"""Reads of the mediation aids: the similar-case references and the risk warnings, scoped to the user."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from cases import selectors as case_selectors
from cases.models import Case
from pinggu_center.models import Division, User
from pinggu_center.scopes import subtree_ids

from . import similar
from .models import RiskWarning, SimilarDoc


@dataclass
class Reference:
    """A closed case of the district, de-identified: town and year, never village or people."""

    number: str
    town: str
    year: int
    category: str
    path: str
    legal_method: str
    outcome: str
    summary: str
    terms: str
    shared: list[str]
    score: float


def similar_references(case: Case, *, top: int = 5) -> list[Reference]:
    """The `top` closed cases of the whole district most like this one (the caller has checked its scope)."""
    query = similar.query_for_case(case.pk) or similar.query_for_text(f"{case.title}\n{case.description}")
    if query is None:
        return []
    matches = similar.similar_closed(query, category_id=case.category_id, top=top, exclude=case.pk)
    return references(matches)


def references(matches: list[similar.Match]) -> list[Reference]:
    ids = [m.case_id for m in matches]
    cases = {c.pk: c for c in case_selectors.reference_cases(ids).prefetch_related(None)}
    docs = {d.pk: d for d in SimilarDoc.objects.filter(pk__in=ids).only("summary", "terms")}
    result = []
    for match in matches:
        case, doc = cases.get(match.case_id), docs.get(match.case_id)
        if case is None or doc is None:
            continue
        result.append(
            Reference(
                number=case.number, town=case.division.parent.name, year=case.registered_at.year,
                category=case.category.name, path=case.get_path_display(),
                legal_method=case.get_legal_method_display() if case.legal_method else "",
                outcome=case.get_outcome_display() if case.outcome else "",
                summary=doc.summary, terms=doc.terms, shared=match.shared, score=round(match.score, 3),
            )
        )
    return result


def similar_open_cases(user: User, *, text: str, category_id: int | None, top: int = 5) -> list[tuple[Case, list[str]]]:
    """Open cases of the user's own village like the text being typed at intake, with the words they share."""
    if user.division_id is None:
        return []
    query = similar.query_for_text(text)
    if query is None:
        return []
    matches = similar.similar_open_in_village(query, division_id=user.division_id, category_id=category_id, top=top)
    cases = {c.pk: c for c in Case.objects.visible_to(user).open().filter(pk__in=[m.case_id for m in matches])}
    return [(cases[m.case_id], m.shared) for m in matches if m.case_id in cases]


# --- risk warnings -------------------------------------------------------------------------------------


def warning_list(user: User) -> QuerySet[RiskWarning]:
    return RiskWarning.objects.visible_to(user).select_related("division__parent").order_by("status", "-raised_at", "-id")


def warning_for_user(user: User, warning_id: int) -> RiskWarning:
    """A warning in the user's scope, or 404."""
    return get_object_or_404(
        RiskWarning.objects.visible_to(user).select_related("division__parent", "handled_by"), pk=warning_id
    )


def warning_cases(user: User, warning: RiskWarning) -> QuerySet[Case]:
    """The warning's cases the user may open (a party's cases may lie in another village)."""
    return (
        Case.objects.visible_to(user).filter(pk__in=warning.cases.values("pk"))
        .select_related("division", "category").order_by("-registered_at")
    )


def warning_summary(scope: Division | None, *, village: Division | None = None, limit: int = 5) -> dict:
    """For a start page: the open warnings under `scope` (a division, whose subtree every user of it sees; None for
    the district), or of one village in it, by kind, with the newest few and the warnings page's query that lists
    them all; two queries. It reads nothing of the viewer, so the summary pages share it among their viewers."""
    warnings = RiskWarning.objects.open()
    ids = None if scope is None else subtree_ids(scope)
    if ids is not None:
        warnings = warnings.filter(division_id__in=ids)
    query = "status=open"
    if village is not None:
        warnings, query = warnings.filter(division=village), f"{query}&village={village.pk}"
    counts = warnings.aggregate(
        total=Count("pk"), **{kind: Count("pk", filter=Q(kind=kind)) for kind in RiskWarning.Kind.values}
    )
    # The card shows a warning's kind and subject only; its evidence is read on its own page.
    recent = list(warnings.only("id", "kind", "subject").order_by("-raised_at", "-id")[:limit])
    return {"counts": counts, "recent": recent, "query": query}


def can_handle(user: User, warning: RiskWarning) -> bool:
    """The director of its village, town staff of its town, or a district administrator (one predicate for the
    button and the service)."""
    if warning.status != RiskWarning.Status.OPEN or user.is_read_only:
        return False
    if user.role == User.Role.VILLAGE_DIRECTOR:
        return user.division_id == warning.division_id
    if user.role == User.Role.TOWN_STAFF:
        return user.division_id == warning.division.parent_id
    return user.role == User.Role.DISTRICT_ADMIN
