"""Every case URL answers 404, never 403, for a case of another village, whatever the role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.models import Agreement, Attachment, Case, Summons, Transfer, Whistle

from .factories import CaseFactory, PartyFactory

CASE_URLS = [
    "case_detail", "case_reveal", "agreement_print", "case_choose_path", "case_session", "case_whistle",
    "case_agreement", "case_confirmation", "case_archive", "case_escalate", "case_transfer", "case_follow_up",
    "case_extend", "case_review", "case_attach",
]
ROLES = ["director", "cadre", "town_user", "department_user"]


@pytest.fixture
def foreign(org, other_director):
    """A case of 周村 (another town) with every kind of record on it."""
    case = CaseFactory(center=org.other_center, path=Case.Path.JOINT, status=Case.Status.HANDLING)
    PartyFactory(case=case)
    whistle = Whistle.objects.create(case=case, matter="x", blown_by=other_director,
                                     report_in_due=timezone.now() + timedelta(days=2))
    summons = Summons.objects.create(whistle=whistle, department=org.district_court)
    transfer = Transfer.objects.create(case=case, target="department", department=org.district_court, reason="x",
                                       feedback_due=timezone.now() + timedelta(days=5))
    attachment = Attachment.objects.create(
        case=case, file=SimpleUploadedFile("a.pdf", b"%PDF-1.4"), original_name="a.pdf",
        content_type="application/pdf", size=8,
    )
    today = timezone.localdate()
    Agreement.objects.create(case=case, parties_details="x", facts="x", disputed_matters="x", terms="x",
                             performance="x", performance_due=today, effective_on=today, mediator_name="x",
                             created_by=other_director)
    return {"case": case, "summons": summons, "transfer": transfer, "attachment": attachment}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", CASE_URLS)
def test_case_urls_of_another_village_are_404(client_for, request, foreign, role, name):
    client = client_for(request.getfixturevalue(role))
    url = reverse(f"cases:{name}", args=[foreign["case"].pk])
    assert client.post(url, {"version": foreign["case"].version}).status_code == 404
    if name != "case_reveal":
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "key"),
    [("summons_report_in", "summons"), ("summons_rate", "summons"), ("transfer_feedback", "transfer"),
     ("attachment_download", "attachment")],
)
def test_related_urls_of_another_village_are_404(client_for, request, foreign, role, name, key):
    client = client_for(request.getfixturevalue(role))
    url = reverse(f"cases:{name}", args=[foreign[key].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"version": foreign["case"].version}).status_code == 404


def test_foreign_case_is_not_listed(client_for, foreign, director):
    response = client_for(director).get(reverse("cases:case_list"))
    assert foreign["case"].number not in response.content.decode()


def test_same_urls_answer_for_the_other_village(client_for, foreign, other_director):
    """The control: the same case is visible to its own village."""
    assert client_for(other_director).get(foreign["case"].get_absolute_url()).status_code == 200
