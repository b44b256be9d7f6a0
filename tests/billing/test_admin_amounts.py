"""Orders in the admin: sums in major units with their currency, and the status column where
a 1280 px screen shows it (the browser checks the width: tests/browser/test_accounts.py)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.billing.helpers import paid_product, pending_order

pytestmark = pytest.mark.django_db

ORDERS = "/admin/billing/order/"


def columns(html: str) -> list[str]:
    return re.findall(r'<th scope="col" class="[^"]*column-([\w]+)', html)


def test_the_list_shows_the_amount_with_its_currency(client, staff, buyer, seller):
    pending_order(buyer, paid_product(seller, price=1250))
    client.force_login(staff)

    html = client.get(ORDERS).content.decode()

    assert '<td class="field-total">$12.50</td>' in html
    assert "field-amount" not in html
    assert "field-currency" not in html


def test_the_status_comes_right_after_the_order(client, staff, buyer, seller):
    pending_order(buyer, paid_product(seller))
    client.force_login(staff)

    shown = columns(client.get(ORDERS).content.decode())

    assert shown[:3] == ["public_id", "status", "total"]
    assert "provider" not in shown


def test_an_orders_page_shows_the_amount_in_major_units(client, staff, buyer, seller):
    order = pending_order(buyer, paid_product(seller, price=990))
    client.force_login(staff)

    response = client.get(f"{ORDERS}{order.pk}/change/")

    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<div class="readonly">\$9\.90</div>', html)
    assert not re.search(r'<div class="readonly">990</div>', html)
    assert (
        "<input"
        not in re.search(r'<fieldset class="module aligned ">(.*?)</fieldset>', html, re.S)[1]
    )


def test_the_list_asks_the_same_queries_for_one_order_or_many(client, staff, buyer, seller):
    product = paid_product(seller)
    pending_order(buyer, product)
    client.force_login(staff)
    client.get(ORDERS)  # the session and the user's permissions, read once
    with CaptureQueriesContext(connection) as one:
        client.get(ORDERS)
    for title in ["Second", "Third", "Fourth"]:
        pending_order(buyer, paid_product(seller, title=title))

    with CaptureQueriesContext(connection) as many:
        client.get(ORDERS)

    assert len(many) == len(one)
