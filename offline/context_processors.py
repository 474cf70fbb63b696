"""What base.html needs to switch on work without signal for a cadre, and the phone-side texts in their language."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .selectors import offline_enabled

# Sent by the phone when it fetches a page in the background to keep it for work without signal.
KEEP_HEADER = "X-Offline-Keep"


def offline_strings() -> dict:
    return {
        "saved": _("已保存在本机，联网后自动提交"),
        "tooLarge": _("照片或材料超过上传上限，无法保存在本机。"),
        "correction": _("这条内容被退回，请按提示修改后再提交。"),
        "editing": _("正在修改本机保存的内容，提交后自动发送。"),
        "householdMissing": _("本机没有这一户的资料，请联网后再登记。"),
        "search": _("输入户主姓名或住址"),
        "pickerHint": _("未联网：从本机保存的本村住户中选择。"),
        "empty": _("本机没有待提交的内容。"),
        "loginNeeded": _("登录已过期，内容仍保存在本机，重新登录后自动提交。"),
        "signIn": _("重新登录"),
        "untitled": _("（未填写事由）"),
        "open": _("打开修改"),
        "send": _("立即提交"),
        "discard": _("删除"),
        "discardConfirm": _("确定从本机删除这条未提交的内容吗？"),
        "logoutWarning": _("本机还有 %(count)s 条内容没有提交，退出登录会将其从本机删除。确定退出吗？"),
        "kinds": {"case": _("事项"), "visit": _("走访")},
        "states": {"waiting": _("等待联网提交"), "correction": _("需要修改"), "login": _("等待重新登录")},
    }


def offline(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    enabled = user is not None and offline_enabled(user)
    return {"offline_enabled": enabled, "offline_strings": offline_strings() if enabled else None}


def kept_page_messages(request: HttpRequest) -> dict:
    """No messages on a page the phone keeps in the background: rendering them there would take a message
    ("表决已记录…") from the page the user is opening at that moment, and keep it to show again offline."""
    return {"messages": ()} if request.headers.get(KEEP_HEADER) else {}
