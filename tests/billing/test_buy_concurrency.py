"""Buys racing each other, on PostgreSQL: threads released together by a barrier."""

import pytest
from django.test import Client

from billing.models import Order
from tests.billing.helpers import paid_product
from tests.conftest import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _buy_at_once(buyer, product, buys: int) -> list[str]:
    """`buys` Buys of `product` by `buyer`, at once; where each was sent."""
    clients = []
    for _ in range(buys):
        client = Client()
        client.force_login(buyer)
        clients.append(client)
    checkouts = []

    def buy():
        checkouts.append(clients.pop().post(f"/billing/buy/{product.pk}/")["Location"])

    assert run_together(buy, buys) == []
    return checkouts


def test_two_buys_at_once_make_one_pending_order(buyer, seller):
    # Two threads lose the race seldom enough that one round proves little: ten rounds.
    for round in range(10):
        product = paid_product(seller, title=f"Kit {round}")

        checkouts = _buy_at_once(buyer, product, 2)

        order = Order.objects.get(product=product)
        assert checkouts == [f"/billing/orders/{order.public_id}/checkout/"] * 2


def test_ten_buys_at_once_make_one_pending_order(buyer, seller):
    product = paid_product(seller)

    checkouts = _buy_at_once(buyer, product, 10)

    order = Order.objects.get()
    assert order.status == "pending"
    assert checkouts == [f"/billing/orders/{order.public_id}/checkout/"] * 10
