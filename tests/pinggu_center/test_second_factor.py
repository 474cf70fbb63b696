"""The optional second factor of district administrators: RFC 6238 codes, enrolment, the code page, removal."""

from __future__ import annotations

import time

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from pinggu_center.models import AuditLog, SecondFactor
from pinggu_center.second_factor import totp
from tests.clock import FROZEN_NOW
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

# RFC 6238 appendix B, SHA-1 secret "12345678901234567890", truncated to 6 digits.
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


@pytest.fixture(autouse=True)
def _stopped_clock():
    """Codes change every 30 seconds: the clock stands still, so no step turns between two calls of a test."""
    with time_machine.travel(FROZEN_NOW, tick=False):
        yield


@pytest.mark.parametrize(("unix_time", "code"), [(59, "287082"), (1111111109, "081804"), (2000000000, "279037")])
def test_codes_match_the_rfc_vectors(unix_time, code):
    assert totp.code_at(RFC_SECRET, unix_time // 30) == code
    assert totp.matching_step(RFC_SECRET, code, now=unix_time) == unix_time // 30


def test_a_code_from_two_steps_ago_is_refused():
    assert totp.matching_step(RFC_SECRET, "287082", now=59 + 90) is None


def _now_code(secret: str) -> str:
    return totp.code_at(secret, int(time.time() // 30))


def _login(user) -> Client:
    client = Client()
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def _enrol(client) -> SecondFactor:
    client.get(reverse("second_factor_setup"))
    factor = SecondFactor.objects.get()
    assert client.post(reverse("second_factor_setup"), {"code": "000000"}).status_code == 400
    assert client.post(reverse("second_factor_setup"), {"code": _now_code(factor.secret)}).status_code == 302
    factor.refresh_from_db()
    assert factor.is_active
    return factor


def test_enrolment_then_every_login_asks_for_a_code(district_admin):
    factor = _enrol(_login(district_admin))
    assert AuditLog.objects.filter(detail="second factor enabled").exists()
    SecondFactor.objects.filter(pk=factor.pk).update(last_step=0)  # a fresh code for the next sign-in

    client = _login(district_admin)
    blocked = client.get(reverse("center_list"))
    assert blocked.status_code == 302 and blocked.url.startswith(reverse("second_factor_verify"))
    wrong = client.post(reverse("second_factor_verify"), {"code": "123456"})
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    assert client.post(reverse("second_factor_verify"), {"code": _now_code(factor.secret)}).status_code == 302
    assert client.get(reverse("center_list"), follow=True).status_code == 200
    # The same code cannot be used again.
    other = _login(district_admin)
    assert other.post(reverse("second_factor_verify"), {"code": _now_code(factor.secret)}).status_code == 400


def test_five_wrong_codes_end_the_login(district_admin):
    _enrol(_login(district_admin))
    client = _login(district_admin)
    for _ in range(5):
        response = client.post(reverse("second_factor_verify"), {"code": "000000"})
    assert response.status_code == 302 and response.url == reverse("login")
    assert client.get(reverse("center_list")).url.startswith(reverse("login"))


def test_removal_needs_a_current_code(district_admin):
    factor = _enrol(_login(district_admin))
    client = Client()
    client.force_login(district_admin, backend="django.contrib.auth.backends.ModelBackend")
    client.session  # noqa: B018
    session = client.session
    session["second_factor_verified"] = True
    session.save()
    client.post(reverse("second_factor_remove"), {"code": "000000"})
    assert SecondFactor.objects.filter(pk=factor.pk).exists()
    SecondFactor.objects.filter(pk=factor.pk).update(last_step=0)
    client.post(reverse("second_factor_remove"), {"code": _now_code(factor.secret)})
    assert not SecondFactor.objects.exists()


def test_only_district_administrators_enrol(director, client_for):
    assert client_for(director).get(reverse("second_factor_setup")).status_code == 404


def test_users_without_a_factor_are_not_asked(director):
    assert _login(director).get(reverse("center_list"), follow=True).status_code == 200
