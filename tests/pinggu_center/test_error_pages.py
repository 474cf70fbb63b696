"""Error answers: translated pages, JSON under /api/, and 503 with Retry-After while PostgreSQL is away."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.db import close_old_connections, connection, connections
from django.test import Client
from django.urls import path

from pinggu_center.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def _boom(request):
    raise RuntimeError("a bug")


def _forbidden(request):
    raise PermissionDenied


def _reads_database(request):
    from django.http import JsonResponse

    from pinggu_center.models import Division

    return JsonResponse({"divisions": Division.objects.count()})


urlpatterns = [*urlpatterns, path("test-boom/", _boom), path("api/test-boom", _boom), path("test-forbidden/", _forbidden),
               path("api/test-db", _reads_database)]  # fmt: skip


@pytest.fixture
def test_urls(settings):
    settings.ROOT_URLCONF = __name__


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "status", "chinese"),
    [
        ("/no-such-page/", 404, "页面不存在"),
        ("/test-forbidden/", 403, "没有权限"),
        ("/test-boom/", 500, "服务器出错了"),
    ],
)
def test_error_pages_are_chinese(test_urls, url, status, chinese):
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == status
    body = response.content.decode()
    assert chinese in body and "<html" in body and "Not Found" not in body and "Server Error" not in body


@pytest.mark.django_db
def test_bad_host_gets_the_chinese_400_page():
    response = Client().get("/accounts/login/", HTTP_HOST="evil.example")
    assert response.status_code == 400 and "请求有误" in response.content.decode()


@pytest.mark.django_db
def test_csrf_failure_is_a_chinese_page():
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403 and "请刷新页面后重新提交" in response.content.decode()


@pytest.mark.django_db
def test_english_readers_get_english_error_pages():
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/no-such-page/", HTTP_COOKIE="django_language=en")
    assert response.status_code == 404 and "Page not found" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", "/api/no-such-endpoint", 404),
        ("post", "/api/hotline/v2/orders", 404),
        ("get", "/api/hotline/v1/orders/", 404),
        ("get", "/api/test-boom", 500),
    ],
)
def test_every_api_path_answers_json(test_urls, method, url, status):
    response = getattr(Client(raise_request_exception=False), method)(url)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert body["status"] == status and body["error"]


# --- the database goes away ------------------------------------------------------------------------


@pytest.fixture
def persistent_connection(transactional_db):
    """A persistent connection, as gunicorn keeps between requests (DB_CONN_MAX_AGE), restored afterwards."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = 60
    yield connection
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


def _terminate_backend(pid: int) -> None:
    """What a PostgreSQL restart does to every open connection."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


def _request(client: Client, url: str):
    close_old_connections()  # what the WSGI handler does at request_started (the test client skips it)
    return client.get(url)


def test_first_request_after_a_database_restart_succeeds(org, persistent_connection):
    client = Client(raise_request_exception=False)
    url = f"/public/{org.village.code}/report/"  # reads the center from the database
    assert _request(client, url).status_code == 200
    with persistent_connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    assert persistent_connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    _terminate_backend(pid)
    response = _request(client, url)
    assert response.status_code == 200


@pytest.mark.parametrize(("url", "json_body"), [("/public/{village}/report/", False), ("/api/test-db", True)])
def test_database_outage_answers_503_with_retry_after(test_urls, org, persistent_connection, url, json_body):
    client = Client(raise_request_exception=False)
    with persistent_connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    _terminate_backend(pid)
    persistent_connection.settings_dict["PORT"] = "1"  # and it does not come back yet
    response = _request(client, url.format(village=org.village.code))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    if json_body:
        assert json.loads(response.content)["status"] == 503
    else:
        assert "系统暂时不可用" in response.content.decode()
