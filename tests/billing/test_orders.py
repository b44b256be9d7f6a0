import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.billing.helpers import paid_product, pending_order
from tests.conftest import make_seller

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    assert client.get("/library/orders/")["Location"].startswith("/accounts/login/?next=")


def test_a_buyer_sees_their_own_orders_in_the_library(client, buyer, stranger, seller):
    pending_order(buyer, paid_product(seller, title="Mine"))
    pending_order(stranger, paid_product(seller, title="Theirs"))
    client.force_login(buyer)

    page = client.get("/library/orders/").content.decode()

    assert "Mine" in page
    assert "Theirs" not in page
    assert 'href="/library/orders/" aria-current="page"' in page


def test_a_seller_who_buys_finds_their_orders_in_the_library(client, seller):
    other = make_seller("maker@example.com")
    pending_order(seller, paid_product(other, title="Bought Kit"))
    client.force_login(seller)

    page = client.get("/library/orders/").content.decode()

    assert "Bought Kit" in page
    assert 'href="/library/orders/" aria-current="page"' in page


def test_the_studio_has_the_sales_list_instead_of_the_sellers_own_orders(client, seller):
    client.force_login(seller)

    assert client.get("/studio/orders/").status_code == 404
    nav = client.get("/studio/").content.decode().split('class="panel__nav"')[1].split("</ul>")[0]
    assert 'href="/studio/sales/list/"' in nav
    assert "/orders/" not in nav


def test_the_order_list_refuses_post(client, buyer):
    client.force_login(buyer)

    assert client.post("/library/orders/").status_code == 405


def test_the_query_count_does_not_grow_with_orders(client, buyer, seller):
    client.force_login(buyer)
    client.get("/library/account/")  # the user is cached from here on
    pending_order(buyer, paid_product(seller, title="Kit 0"))
    with CaptureQueriesContext(connection) as few:
        client.get("/library/orders/")
    for n in range(1, 10):
        pending_order(buyer, paid_product(seller, title=f"Kit {n}"))

    with CaptureQueriesContext(connection) as many:
        client.get("/library/orders/")

    assert len(many) == len(few)
