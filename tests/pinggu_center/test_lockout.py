"""Lockout by (username, address) plus a per-address limit: an attacker cannot lock the district out."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pinggu_center.models import SecondFactor
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"
OFFICE = "198.51.100.10"


def attempt(username: str, password: str, address: str) -> int:
    return Client(REMOTE_ADDR=address).post(reverse("login"), {"username": username, "password": password}).status_code


def test_wrong_passwords_from_one_address_do_not_lock_the_owner_elsewhere(org, district_admin):
    SecondFactor.objects.create(user=district_admin, secret="JBSWY3DPEHPK3PXP", confirmed_at=timezone.now())
    for _ in range(settings.AXES_FAILURE_LIMIT + 3):
        attempt("district_admin", "wrong-password", ATTACKER)
    # The attacker's own address is locked out, even with the right password...
    assert attempt("district_admin", PASSWORD, ATTACKER) == 429
    # ...while the administrator signs in from the office and is asked for the code.
    client = Client(REMOTE_ADDR=OFFICE)
    response = client.post(reverse("login"), {"username": "district_admin", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).url.startswith(reverse("second_factor_verify"))


def test_one_address_cannot_try_a_few_passwords_against_every_username(settings, org):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 12
    users = [UserFactory(username=f"cadre{i}", role="village_staff", division=org.village) for i in range(5)]
    spare = UserFactory(username="spare", role="village_staff", division=org.village)
    for user in users:
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):  # below each pair's limit...
            attempt(user.username, "wrong-password", ATTACKER)
    # ...but 20 failures from one address: it is locked for every username, right password or not.
    assert attempt(spare.username, PASSWORD, ATTACKER) == 429
    # Cadres at other addresses are untouched.
    assert attempt(spare.username, PASSWORD, OFFICE) == 302


def test_a_village_behind_one_address_survives_a_few_typos(org):
    users = [UserFactory(username=f"typo{i}", role="village_staff", division=org.village) for i in range(4)]
    for user in users:
        attempt(user.username, "typo", OFFICE)
        assert attempt(user.username, PASSWORD, OFFICE) == 302
