"""Which actions a user may take on a case in its current state; mirrors the services' guards (they still enforce)."""

from __future__ import annotations

from pinggu_center.models import Level, User

from .models import Agreement, Case


def holds(case: Case, user: User) -> bool:
    """The user belongs to the body holding the case at its level (require_actor_holds)."""
    return (
        not user.is_read_only
        and user.role != User.Role.DEPARTMENT_STAFF
        and user.division_id == case.holder_id
        and case.holder.level == case.level
    )


def available_actions(case: Case, user: User, *, agreement: Agreement | None = None) -> set[str]:
    """The names of the action forms to show this user on this case."""
    actions: set[str] = set()
    is_open = case.status in (Case.Status.REGISTERED, Case.Status.HANDLING)
    if holds(case, user) and is_open:
        actions |= {"choose_path", "archive", "transfer", "extend"}
        if case.level != Level.DISTRICT:
            actions.add("escalate")
        if case.path:
            actions.add("session")
            if agreement is None:
                actions.add("agreement")
        if case.path == Case.Path.JOINT and user.is_director_or_above:
            actions.add("whistle")
    if holds(case, user) and agreement is not None:
        actions.add("confirmation")
    if holds(case, user) and user.is_director_or_above:
        actions.add("rate")
    if case.status == Case.Status.CLOSED and not user.is_read_only and user.division_id == case.holder_id:
        actions.add("follow_up")
    if user.role == User.Role.DISTRICT_ADMIN:
        actions.add("review")
    if user.is_director_or_above:
        actions.add("reveal")
    if not user.is_read_only and user.role != User.Role.DEPARTMENT_STAFF:
        actions.add("attach")
    if user.role == User.Role.DEPARTMENT_STAFF and user.department_id:
        actions |= {"report_in", "feedback"}
    return actions
