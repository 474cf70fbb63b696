"""Login in Chinese, lockout after repeated failures, idle expiry, audit of logins, start pages by role."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

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


def test_sessions_expire_when_idle():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


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
