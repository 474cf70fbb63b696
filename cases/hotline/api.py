"""The signed JSON endpoints: 12345 work orders in (and their status), categories, enforcement feedback."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from ..models import Case, CaseEvent, Category, Party, Transfer
from ..services import CaseRuleError, HotlineOrder, Intake, PartyData, record_transfer_feedback, register_case
from . import signing
from .messages import site_note
from .schema import MAX_BODY_BYTES, Order, parse_body, request_hash, validate_order


def json_response(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def error(message: str, status: int) -> JsonResponse:
    return json_response({"error": message}, status=status)


def signed_api(secret_setting: str, methods: tuple[str, ...]) -> Callable:
    """csrf-exempt, method-checked, size-checked and signature-checked, in that order; JSON errors throughout."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                response = error(_("不支持此请求方法。"), 405)
                response["Allow"] = ", ".join(methods)
                return response
            if _declared_length(request) > MAX_BODY_BYTES or len(request.body) > MAX_BODY_BYTES:
                return error(_("请求体超过 64 KiB 上限。"), 413)
            reason = signing.verify(request, getattr(settings, secret_setting))
            if reason is not None:
                return error(reason, 401)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@signed_api("HOTLINE_SECRET", ("POST",))
def order_create(request: HttpRequest) -> HttpResponse:
    data, errors = parse_body(request.body)
    if not errors:
        existing = Case.objects.filter(hotline_order_no=data["order_no"].strip()).first() if _is_key(data) else None
        if existing is not None:
            return _repeat(existing, data)
        order, errors = validate_order(data, now=timezone.now())
    if errors:
        return json_response({"errors": errors}, status=400)
    try:
        case = register_case(center=order.center, intake=_intake(order), actor=None)
    except IntegrityError:
        # The same order_no arrived twice at once: the other request registered it; answer as to a retry.
        existing = Case.objects.filter(hotline_order_no=order.order_no).first()
        if existing is None:
            raise
        return _repeat(existing, data)
    return json_response(_order_summary(case), status=201)


def _is_key(data: Any) -> bool:
    """Whether the body carries an order_no that can be looked up safely (before the full validation)."""
    if not isinstance(data, dict) or not isinstance(data.get("order_no"), str):
        return False
    order_no = data["order_no"].strip()
    return 0 < len(order_no) <= 64 and "\x00" not in order_no and _utf8(order_no)


def _repeat(case: Case, data: Any) -> JsonResponse:
    """A known order_no: the same body is a harmless retry, another body a conflict."""
    if case.hotline_request_hash != request_hash(data):
        return error(_("该工单号已以不同内容接收过。"), 409)
    return json_response(_order_summary(case), status=200)


def _order_summary(case: Case) -> dict[str, Any]:
    return {"order_no": case.hotline_order_no, "case_number": case.number, "status": case.status, "level": case.level}


def _intake(order: Order) -> Intake:
    address = _("地址")
    description = order.content + (f"\n{address}：{order.address}" if order.address else "")
    return Intake(
        source=Case.Source.HOTLINE,
        kind=Case.Kind.REQUEST,
        category=order.category,
        title=order.content[:30],
        description=description,
        parties=[PartyData(name=order.caller_name, role=Party.Role.APPLICANT, phone=order.caller_phone)],
        location_text=order.address,
        urgency=order.urgency,
        hotline=HotlineOrder(order_no=order.order_no, reply_by=order.reply_by, request_hash=order.request_hash),
    )


@signed_api("HOTLINE_SECRET", ("GET",))
def order_detail(request: HttpRequest, order_no: str) -> HttpResponse:
    valid = len(order_no) <= 64 and "\x00" not in order_no and _utf8(order_no)
    case = Case.objects.filter(hotline_order_no=order_no).first() if valid else None
    if case is None:
        return error(_("未找到该工单。"), 404)
    events = case.events.filter(kind__in=CaseEvent.PUBLIC_KINDS).order_by("at", "pk")
    return json_response({
        **_order_summary(case),
        "path": case.path or None,
        "closure": case.closure or None,
        "outcome": case.outcome or None,
        "events": [
            {"at": event.at.isoformat(), "kind": event.kind, "level": event.level, "note": site_note(event)}
            for event in events
        ],
    })


@signed_api("HOTLINE_SECRET", ("GET",))
def category_list(request: HttpRequest) -> HttpResponse:
    categories = Category.objects.filter(active=True).order_by("sort_order", "code")
    return json_response([{"code": category.code, "name": category.name} for category in categories])


@signed_api("ENFORCEMENT_SECRET", ("POST",))
def transfer_feedback(request: HttpRequest, transfer_id: int) -> HttpResponse:
    data, errors = parse_body(request.body)
    if not errors and not isinstance(data, dict):
        errors = {"body": [_("请求体须为 JSON 对象。")]}
    if not errors:
        errors = _feedback_errors(data)
    if errors:
        return json_response({"errors": errors}, status=400)
    transfer = Transfer.objects.filter(pk=transfer_id, target=Transfer.Target.ENFORCEMENT).first()
    if transfer is None:
        return error(_("未找到该移交。"), 404)
    try:
        transfer = record_transfer_feedback(
            transfer_id=transfer.pk, actor=None, feedback=data["feedback"], reference=data.get("reference") or ""
        )
    except CaseRuleError as exc:
        return error(str(exc), 409)
    return json_response({"transfer_id": transfer.pk, "case_number": transfer.case.number, "status": "closed"})


def _feedback_errors(data: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    feedback, reference = data.get("feedback"), data.get("reference")
    if not isinstance(feedback, str) or not feedback.strip():
        errors["feedback"] = [_("此字段为必填项。")]
    elif "\x00" in feedback or len(feedback) > 5000 or not _utf8(feedback):
        errors["feedback"] = [_("包含无效字符或超过 5000 个字符。")]
    if reference is not None and (not isinstance(reference, str) or len(reference) > 64 or "\x00" in reference
                                  or not _utf8(reference)):
        errors["reference"] = [_("须为不超过 64 个字符的字符串。")]
    return errors


def _utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def openapi_document(request: HttpRequest) -> HttpResponse:
    from .openapi import document

    return HttpResponse(json.dumps(document(), ensure_ascii=False, indent=2), content_type="application/json")
