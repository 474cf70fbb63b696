"""A callback waits on the hotline with no transaction open and no row locked (issue 10, item 12)."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client

from cases import services
from cases.models import Case
from pinggu_center import outbox
from pinggu_center.models import Outbox

from .helpers import ORDERS_URL, order, post
from .receiver import Receiver

pytestmark = pytest.mark.django_db(transaction=True)


def _lockable(model, pk: int) -> bool:
    """From another connection: can this row be locked right now (without waiting)?"""
    try:
        with transaction.atomic():
            model.objects.select_for_update(nowait=True).get(pk=pk)
    except OperationalError:
        return False
    finally:
        connection.close()
    return True


def test_the_hotline_is_called_with_no_row_lock_held(org, director, settings):
    settings.HOTLINE_CALLBACK_URL = "http://127.0.0.1:9/unused"
    assert post(Client(), ORDERS_URL, order()).status_code == 201
    case = Case.objects.get()
    services.choose_path(case_id=case.pk, actor=director, path="direct")
    row = Outbox.objects.get(topic="hotline_callback")
    seen: dict[str, bool] = {}

    def probe() -> None:
        seen["outbox row free"] = _lockable(Outbox, row.pk)
        seen["case row free"] = _lockable(Case, case.pk)

    with Receiver(on_request=probe) as receiver:
        settings.HOTLINE_CALLBACK_URL = receiver.url
        assert outbox.deliver(row.pk) == "done"
    assert seen == {"outbox row free": True, "case row free": True}
    assert len(receiver.received) == 1
    row.refresh_from_db()
    assert row.status == Outbox.Status.DONE and row.attempts == 1


def test_a_claimed_row_is_not_delivered_twice_while_its_call_runs(org, director, settings):
    settings.HOTLINE_CALLBACK_URL = "http://127.0.0.1:9/unused"
    assert post(Client(), ORDERS_URL, order()).status_code == 201
    services.choose_path(case_id=Case.objects.get().pk, actor=director, path="direct")
    row = Outbox.objects.get(topic="hotline_callback")
    second: list[str] = []

    def deliver_again() -> None:
        second.append(outbox.deliver(row.pk))
        connection.close()

    with Receiver(on_request=deliver_again) as receiver:
        settings.HOTLINE_CALLBACK_URL = receiver.url
        assert outbox.deliver(row.pk) == "done"
    assert second == ["not-due"]  # the sweep or a duplicate task finds the row claimed
    assert len(receiver.received) == 1
