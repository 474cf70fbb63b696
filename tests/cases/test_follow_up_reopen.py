"""回访 不满意 reopens the case by default; keeping it closed needs a written reason, and the page says which."""

from __future__ import annotations

import pytest

from cases import services
from cases.models import Case, CaseEvent

from .helpers import register

pytestmark = pytest.mark.django_db


def _closed(org, director) -> Case:
    case = register(org.center, director)
    return services.archive_case(case_id=case.pk, actor=director, outcome="resolved", summary="已化解")


def test_unsatisfied_reopens_by_default(org, director):
    case = _closed(org, director)
    follow_up = services.record_follow_up(case_id=case.pk, actor=director, performance="na", risk="",
                                          satisfaction="unsatisfied", note="")
    case.refresh_from_db()
    assert follow_up.reopened and case.status == Case.Status.HANDLING
    assert case.events.filter(kind=CaseEvent.Kind.REOPENED).count() == 1


def test_keeping_it_closed_needs_a_reason_which_is_kept(org, director):
    case = _closed(org, director)
    with pytest.raises(services.CaseRuleError, match="须写明理由"):
        services.record_follow_up(case_id=case.pk, actor=director, performance="na", risk="",
                                  satisfaction="unsatisfied", note="", reopen=False)
    follow_up = services.record_follow_up(case_id=case.pk, actor=director, performance="na", risk="",
                                          satisfaction="unsatisfied", note="", reopen=False,
                                          keep_closed_reason="诉求超出调解范围")
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and not follow_up.reopened
    assert follow_up.keep_closed_reason == "诉求超出调解范围"
    assert "不重新办理：诉求超出调解范围" in case.events.get(kind=CaseEvent.Kind.FOLLOW_UP).describe()


def test_satisfied_never_reopens(org, director):
    case = _closed(org, director)
    services.record_follow_up(case_id=case.pk, actor=director, performance="na", risk="", satisfaction="satisfied",
                              note="")
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED


def test_the_page_says_what_the_follow_up_did(org, director, client_for):
    client = client_for(director)
    case = _closed(org, director)
    url = f"/cases/{case.pk}/follow-up/"
    form = client.get(url).content.decode()
    assert 'value="yes"' in form and "checked" in form.split('value="yes"')[1][:40]  # reopening is the default

    refused = client.post(url, {"version": case.version, "performance": "na", "satisfaction": "unsatisfied",
                                "reopen": "no"})
    assert refused.status_code == 400 and "须写明理由" in refused.content.decode()

    kept = client.post(url, {"version": case.version, "performance": "na", "satisfaction": "unsatisfied",
                             "reopen": "no", "keep_closed_reason": "诉求超出调解范围"}, follow=True)
    html = kept.content.decode()
    assert "事项未重新办理：诉求超出调解范围" in html and "不重新办理的理由" in html

    case.refresh_from_db()
    reopened = client.post(url, {"version": case.version, "performance": "na", "satisfaction": "unsatisfied"},
                           follow=True)
    assert "事项已重新办理" in reopened.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.HANDLING
