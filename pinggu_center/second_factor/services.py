"""Enrolling, confirming, using and removing an authenticator app; every change is audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import audit
from ..errors import RuleError
from ..models import AuditLog, SecondFactor, User
from . import totp


class SecondFactorError(RuleError):
    """A code or step the rules refuse; the message is shown to the user."""


def may_enrol(user: User) -> bool:
    return user.role == User.Role.DISTRICT_ADMIN


@transaction.atomic
def start_enrolment(*, user: User) -> SecondFactor:
    """Give the user a fresh, unconfirmed secret to scan; an active factor is kept until it is removed."""
    if not may_enrol(user):
        raise SecondFactorError(_("两步验证目前面向区级管理员开放。"), code="district_admin_only")
    factor = SecondFactor.objects.select_for_update().filter(user=user).first()
    if factor is not None and factor.is_active:
        raise SecondFactorError(_("两步验证已启用。"), code="already_active")
    if factor is None:
        return SecondFactor.objects.create(user=user, secret=totp.new_secret())
    return factor


@transaction.atomic
def confirm_enrolment(*, user: User, code: str, request=None) -> SecondFactor:
    """Switch the factor on once the user proves the app shows the right code."""
    factor = SecondFactor.objects.select_for_update().get(user=user)
    _accept(factor, code)
    factor.confirmed_at = timezone.now()
    factor.save(update_fields=["confirmed_at", "last_step"])
    audit.record(AuditLog.Action.CHANGE, request=request, actor=user, obj=factor, detail="second factor enabled")
    return factor


@transaction.atomic
def verify(*, user: User, code: str) -> None:
    """Check a sign-in code; each code is accepted once."""
    factor = SecondFactor.objects.select_for_update().get(user=user, confirmed_at__isnull=False)
    _accept(factor, code)
    factor.save(update_fields=["last_step"])


@transaction.atomic
def remove(*, user: User, code: str, request=None) -> None:
    """Switch the factor off; it takes a current code, so a borrowed session cannot do it."""
    factor = SecondFactor.objects.select_for_update().get(user=user, confirmed_at__isnull=False)
    _accept(factor, code)
    factor.delete()
    audit.record(AuditLog.Action.CHANGE, request=request, actor=user, detail="second factor removed")


def _accept(factor: SecondFactor, code: str) -> None:
    step = totp.matching_step(factor.secret, code)
    if step is None or step <= factor.last_step:
        raise SecondFactorError(_("验证码不正确或已使用，请输入验证器中当前显示的 6 位数字。"), code="wrong_code")
    factor.last_step = step
