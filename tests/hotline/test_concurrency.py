"""Two identical work orders at the same moment register one case; the loser answers like a retry."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from cases.models import Case

from .helpers import ORDERS_URL, order, post


@pytest.mark.django_db(transaction=True)
def test_two_identical_posts_at_once_create_one_case(org):
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def send() -> None:
        try:
            barrier.wait()
            statuses.append(post(Client(), ORDERS_URL, order()).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [200, 201]
    assert Case.objects.filter(hotline_order_no=order()["order_no"]).count() == 1
