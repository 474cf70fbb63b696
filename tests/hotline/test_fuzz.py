"""No body, however malformed, makes the interfaces answer 500 (property test)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import ORDER, ORDERS_URL, get, post

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])
# Odd Unicode included: NUL, lone surrogates, right-to-left marks, emoji, fullwidth digits.
odd_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=80) | st.sampled_from(
    ["\x00", "\ud800", "\u202e138", "１３８００００１２３４", "😀" * 40, "9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00-12:00"]
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | odd_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(odd_text, children, max_size=4),
    max_leaves=20,
)
mutated_orders = st.fixed_dictionaries(
    {}, optional={key: json_values | st.just(value) for key, value in ORDER.items()}
) | st.builds(lambda extra: {**ORDER, **extra}, st.dictionaries(st.sampled_from(list(ORDER)), json_values))


def _dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=True, allow_nan=True).encode()


@FUZZ
@given(body=st.binary(max_size=400) | mutated_orders.map(_dumps) | json_values.map(_dumps))
def test_no_order_body_yields_a_500(org, body):
    response = post(Client(), ORDERS_URL, body)
    assert response.status_code in {200, 201, 400, 409, 413}, response.content


@FUZZ
@given(order_no=odd_text)
def test_no_order_number_yields_a_500(org, order_no):
    from urllib.parse import quote

    response = get(Client(), f"{ORDERS_URL}/{quote(order_no.encode('utf-8', 'surrogatepass'), safe='')}")
    assert response.status_code in {200, 404}, response.content


@FUZZ
@given(body=st.binary(max_size=200) | json_values.map(_dumps))
def test_no_feedback_body_yields_a_500(org, body):
    response = post(Client(), "/api/enforcement/v1/transfers/1/feedback", body)
    assert response.status_code in {200, 400, 404, 409}, response.content
