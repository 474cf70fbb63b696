"""Login in Chinese, lockout after repeated failures, idle expiry, audit of logins, start pages by role."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pinggu_center.models import AuditLog
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese():
    response = Client().get(reverse("login"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "工作人员登录" in body and "用户名" in body and "密码" in body


def test_login_is_audited_and_lands_on_start_page(org, director):
    client = Client()
    response = client.post(reverse("login"), {"username": "director", "password": PASSWORD})
    assert response.status_code == 302
    assert AuditLog.objects.filter(action="login", username="director").exists()
    landing = client.get(response.url, follow=True)
    assert landing.status_code == 200


def test_failed_logins_are_recorded_and_lock_the_account(org, director):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "director", "password": "wrong"})
    assert AuditLog.objects.filter(action="login_failed", username="director").count() >= settings.AXES_FAILURE_LIMIT
    response = client.post(reverse("login"), {"username": "director", "password": PASSWORD})
    assert response.status_code == 429
    assert "账号已临时锁定" in response.content.decode()


def test_sessions_expire_after_thirty_idle_minutes_and_are_renewed_at_most_once_a_minute(org, director):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    start = timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 0))
    home = reverse("dashboards:village_workbench")
    with time_machine.travel(start, tick=False) as clock:
        client = Client()
        client.post(reverse("login"), {"username": "director", "password": PASSWORD})

        def session_writes() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(home).status_code == 200
            return sum(1 for q in queries if "django_session" in q["sql"] and q["sql"].startswith(("UPDATE", "INSERT")))

        clock.shift(timedelta(seconds=10))
        assert session_writes() == 0  # signing in was the first renewal
        clock.shift(timedelta(seconds=60))
        assert session_writes() == 1  # renewed: the last renewal (the sign-in) is more than a minute old
        clock.shift(timedelta(seconds=30))
        assert session_writes() == 0  # renewed 30 s ago: nothing written
        clock.shift(timedelta(minutes=29))  # 29.5 minutes after the last renewal: still signed in, and renewed
        assert session_writes() == 1
        clock.shift(timedelta(minutes=29, seconds=50))
        assert client.get(home).status_code == 200
        clock.shift(timedelta(minutes=30, seconds=1))  # idle for longer than thirty minutes
        response = client.get(home)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("password", ["short1A", "alllowercaseletters", "12345678901234"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password, UserFactory.build())


def test_strong_password_is_accepted():
    validate_password("Pinggu-2026-strong", UserFactory.build(username="someone"))


def test_anonymous_user_is_sent_to_login():
    response = Client().get(reverse("center_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_pages_carry_a_content_security_policy(org, director, client_for):
    response = client_for(director).get(reverse("center_list"), follow=True)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
