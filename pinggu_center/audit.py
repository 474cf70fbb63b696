"""Audit records: logins and failures through auth signals, reveals and exports through `record`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models
from django.dispatch import receiver
from django.http import HttpRequest

from .client_address import client_ip
from .models import AuditLog


def record(
    action: str,
    *,
    request: HttpRequest | None = None,
    actor: Any = None,
    obj: models.Model | None = None,
    detail: str = "",
) -> AuditLog:
    """Append one audit row; the actor defaults to the request's user."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        username=getattr(actor, "username", "") or "",
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail[:500],
        ip_address=client_ip(request),
    )


@receiver(user_logged_in)
def _on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(AuditLog.Action.LOGIN, request=request, actor=user)


@receiver(user_logged_out)
def _on_logout(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(AuditLog.Action.LOGOUT, request=request, actor=user)


@receiver(user_login_failed)
def _on_login_failed(sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any) -> None:
    AuditLog.objects.create(
        username=str(credentials.get("username", ""))[:150],
        action=AuditLog.Action.LOGIN_FAILED,
        ip_address=client_ip(request),
    )
