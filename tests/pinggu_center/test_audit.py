"""The audit log: append-only for users, kept at least six months, pruned after the retention period."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pinggu_center.models import AuditLog
from pinggu_center.tasks import prune_audit_log

pytestmark = pytest.mark.django_db


def test_rows_cannot_be_changed_or_deleted_one_by_one():
    row = AuditLog.objects.create(action=AuditLog.Action.LOGIN, username="someone")
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()


def test_pruning_keeps_six_months_even_when_configured_shorter(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    now = timezone.now()
    young = AuditLog.objects.create(action=AuditLog.Action.LOGIN, username="young", at=now - timedelta(days=182))
    AuditLog.objects.create(action=AuditLog.Action.LOGIN, username="old", at=now - timedelta(days=184))
    assert prune_audit_log() == 1
    assert list(AuditLog.objects.values_list("pk", flat=True)) == [young.pk]
    assert prune_audit_log() == 0  # running it twice changes nothing
