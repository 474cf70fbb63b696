"""The 三协同 link: transfers POSTed signed to the enforcement platform, and its signed feedback."""

from __future__ import annotations

import json
from urllib.error import HTTPError

import pytest
from django.test import Client

from cases.hotline.callbacks import deliver_enforcement_transfer
from cases.hotline.signing import signature
from cases.models import Case, Transfer
from pinggu_center.models import Outbox
from tests.cases.helpers import register

from .helpers import post
from .receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def transfer(org, director) -> Transfer:
    case = register(org.center, director, kind=Case.Kind.ENFORCEMENT, phone="13900001111")
    return case.transfers.get()


def url(transfer: Transfer) -> str:
    return f"/api/enforcement/v1/transfers/{transfer.pk}/feedback"


def test_an_enforcement_matter_is_queued_for_the_platform(transfer):
    row = Outbox.objects.get(topic="enforcement_transfer")
    assert row.payload == {"transfer_id": transfer.pk}


def test_without_an_endpoint_the_handler_does_nothing(transfer, settings):
    settings.ENFORCEMENT_ENDPOINT_URL = ""
    deliver_enforcement_transfer({"transfer_id": transfer.pk})  # no exception, no request


def test_the_transfer_is_posted_signed(transfer, settings):
    with Receiver(fail_first=0) as receiver:
        settings.ENFORCEMENT_ENDPOINT_URL = receiver.url
        settings.ENFORCEMENT_SECRET = "enforcement-secret"
        deliver_enforcement_transfer({"transfer_id": transfer.pk})
    (request,) = receiver.received
    message = json.loads(request.body)
    assert message["transfer_id"] == transfer.pk and message["case_number"] == transfer.case.number
    assert message["feedback_path"] == url(transfer)
    assert "13900001111" not in request.body.decode()
    assert request.headers["X-Hotline-Signature"] == signature(
        "enforcement-secret", request.headers["X-Hotline-Timestamp"], request.body
    )


def test_a_failing_platform_raises_so_the_outbox_retries(transfer, settings):
    with Receiver(fail_first=1) as receiver:
        settings.ENFORCEMENT_ENDPOINT_URL = receiver.url
        with pytest.raises(HTTPError, match="500"):
            deliver_enforcement_transfer({"transfer_id": transfer.pk})


def test_signed_feedback_closes_the_case(transfer, settings):
    settings.ENFORCEMENT_SECRET = "enforcement-secret"
    response = post(Client(), url(transfer), {"feedback": "已立案查处", "reference": "ZF-2026-001"},
                    secret="enforcement-secret")
    assert response.status_code == 200
    assert response.json() == {"transfer_id": transfer.pk, "case_number": transfer.case.number, "status": "closed"}
    transfer.refresh_from_db()
    assert (transfer.feedback, transfer.external_reference) == ("已立案查处", "ZF-2026-001")
    assert transfer.case.status == Case.Status.CLOSED


def test_feedback_twice_is_a_conflict(transfer):
    post(Client(), url(transfer), {"feedback": "已立案查处"})
    response = post(Client(), url(transfer), {"feedback": "再次反馈"})
    assert response.status_code == 409
    assert response.json() == {"error": "此移交已反馈。"}


def test_feedback_with_a_bad_signature_is_401(transfer, settings):
    settings.ENFORCEMENT_SECRET = "enforcement-secret"
    response = post(Client(), url(transfer), {"feedback": "已立案查处"}, secret="other")
    assert response.status_code == 401
    transfer.refresh_from_db()
    assert transfer.feedback_at is None


@pytest.mark.parametrize("body", [{}, {"feedback": ""}, {"feedback": 3}, {"feedback": "好", "reference": ["x"]}])
def test_invalid_feedback_is_400(transfer, body):
    assert post(Client(), url(transfer), body).status_code == 400


def test_feedback_on_an_unknown_or_non_enforcement_transfer_is_404(org, director, transfer):
    department_transfer = register(org.center, director, accepted_elsewhere=True,
                                   transfer_to=org.justice_office).transfers.get()
    assert post(Client(), url(department_transfer), {"feedback": "好"}).status_code == 404
    assert post(Client(), "/api/enforcement/v1/transfers/999999/feedback", {"feedback": "好"}).status_code == 404
