"""Error answers: a translated page for people, JSON under /api/, and 503 instead of 500 while the database is away.

Django calls ``handler400/403/404/500`` (set in ``urls.py``) and ``CSRF_FAILURE_VIEW``. The pages render
without the request's context processors: an error page must not need the database (or a session) that
may be the very thing that failed. ``handler500`` looks at the exception being handled: a lost or refused
database connection is an outage, answered 503 with ``Retry-After`` so clients and proxies try again.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 30


def _messages() -> dict[int, tuple[str, str]]:
    """(title, explanation) per status, in the active language."""
    return {
        400: (_("请求有误"), _("提交的内容无法处理，请返回上一页检查后重试。")),
        403: (_("没有权限"), _("您无权访问此页面。如需开通权限，请联系上级管理员。")),
        404: (_("页面不存在"), _("您要找的页面不存在，或不在您的管辖范围内。")),
        500: (_("服务器出错了"), _("系统处理请求时出错，已记录。请稍后再试；如持续出现，请联系区级管理员。")),
        503: (_("系统暂时不可用"), _("系统正在恢复，请稍后刷新页面。已填写的内容请勿关闭，稍后重新提交即可。")),
    }


def is_api(request: HttpRequest | None) -> bool:
    return request is not None and request.path.startswith(API_PREFIX)


def is_outage(exc: BaseException | None) -> bool:
    """A database that cannot be reached or dropped the connection (Django wraps the driver's errors so)."""
    return isinstance(exc, OperationalError | InterfaceError)


def error_response(request: HttpRequest | None, status: int, *, reason: str = "") -> HttpResponse:
    title, text = _messages()[status]
    if is_api(request):
        response: HttpResponse = JsonResponse(
            {"error": title, "detail": reason or text, "status": status},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        html = loader.render_to_string(
            f"{status}.html", {"status": status, "title": title, "text": text, "reason": reason}
        )
        response = HttpResponse(html, status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its `except` block, so the exception being handled is at hand.
    if is_outage(sys.exc_info()[1]):
        return error_response(request, 503)
    return error_response(request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # A form left open past the session (or a blocked cookie): the fix is to reload the page.
    detail = _("页面已过期或浏览器禁用了 Cookie，请刷新页面后重新提交。")
    return error_response(request, 403, reason=detail if not settings.DEBUG else f"{detail} ({reason})")
