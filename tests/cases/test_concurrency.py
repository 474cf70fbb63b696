"""Two people closing the same case at the same moment: one wins, the other gets a clear message."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from cases import services
from cases.models import Case, CaseEvent

from .helpers import register


@pytest.mark.django_db(transaction=True)
def test_simultaneous_closures_make_one_closure_event(org, cadre, director, district_admin):
    case = register(org.center, cadre)
    version = Case.objects.get(pk=case.pk).version
    barrier = threading.Barrier(2)
    results: list[str] = []

    def close(action) -> None:
        try:
            barrier.wait(timeout=5)
            action()
            results.append("ok")
        except services.CaseRuleError as error:
            results.append(str(error))
        finally:
            connection.close()

    archive = lambda: services.archive_case(  # noqa: E731
        case_id=case.pk, actor=director, outcome="resolved", summary="和解", version=version
    )
    escalate = lambda: services.escalate_case(  # noqa: E731
        case_id=case.pk, from_level="village", actor=director, reason="上报", version=version
    )
    threads = [threading.Thread(target=close, args=(action,)) for action in (archive, escalate)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert results.count("ok") == 1 and len(results) == 2
    loser = next(message for message in results if message != "ok")
    assert "刷新" in loser
    closing_kinds = {CaseEvent.Kind.ARCHIVED, CaseEvent.Kind.ESCALATED}
    assert CaseEvent.objects.filter(case_id=case.pk, kind__in=closing_kinds).count() == 1
