"""A buyer cancels a pending order (POST); a payment that arrives for it after all still pays
it and grants: the webhook wins, a payment is never lost."""

import pytest
from django.core import mail

from access.selectors import user_owns
from billing.models import Order
from billing.services import order_cancel
from tests.billing.helpers import deliver, paid_product, payment_data, pending_order

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def order(buyer, seller):
    return pending_order(buyer, paid_product(seller))


def _url(order) -> str:
    return f"/billing/orders/{order.public_id}/cancel/"


def _status(order) -> str:
    order.refresh_from_db()
    return order.status


def test_the_buyer_cancels_a_pending_order_and_sees_it_cancelled(client, buyer, order):
    client.force_login(buyer)

    response = client.post(_url(order), follow=True)

    assert _status(order) == "cancelled"
    assert response.redirect_chain[-1][0] == f"/billing/orders/{order.public_id}/"
    page = response.content.decode()
    assert "Order for Budget Kit cancelled. Nothing was charged." in page
    assert "This order was cancelled." in page
    assert "Try again" in page  # a new Buy


def test_from_the_orders_page_the_buyer_goes_back_to_it(client, buyer, order):
    client.force_login(buyer)

    response = client.post(_url(order), {"next": "/library/orders/?page=1"})

    assert response["Location"] == "/library/orders/?page=1"
    assert _status(order) == "cancelled"


def test_a_next_elsewhere_is_ignored(client, buyer, order):
    client.force_login(buyer)

    response = client.post(_url(order), {"next": "https://evil.example/"})

    assert response["Location"] == f"/billing/orders/{order.public_id}/"


def test_from_the_return_page_htmx_swaps_the_status_in_place(client, buyer, order):
    client.force_login(buyer)

    response = client.post(_url(order), headers=HTMX)

    assert response.status_code == 200
    partial = response.content.decode()
    assert partial.lstrip().startswith('<div id="order-status"')
    assert "This order was cancelled." in partial
    assert "<html" not in partial
    assert _status(order) == "cancelled"


def test_a_paid_order_is_not_cancelled_and_the_buyer_is_told(client, buyer, order):
    deliver(client, "payment.succeeded", payment_data(order))
    client.force_login(buyer)

    response = client.post(_url(order), follow=True)

    assert _status(order) == "paid"
    assert "This order is paid: it cannot be cancelled." in response.content.decode()
    assert user_owns(user=buyer, product=order.product)


def test_cancelling_twice_changes_nothing_the_second_time(order):
    assert order_cancel(order=order) is True
    assert order_cancel(order=order) is False
    assert _status(order) == "cancelled"


def test_a_payment_arriving_after_the_cancel_pays_the_order_grants_and_sends_the_receipt(
    client, buyer, order, django_capture_on_commit_callbacks
):
    order_cancel(order=order)

    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(client, "payment.succeeded", payment_data(order))

    assert response.status_code == 204
    order.refresh_from_db()
    assert (order.status, order.payment_id) == ("paid", "pay_1")
    assert order.paid_at is not None
    assert user_owns(user=buyer, product=order.product)
    assert "Your receipt for Budget Kit" in [m.subject for m in mail.outbox]


def test_a_cancelled_order_paid_after_a_newer_one_is_flagged_for_a_refund(client, buyer, order):
    order_cancel(order=order)
    newer = pending_order(buyer, order.product)
    deliver(client, "payment.succeeded", payment_data(newer, payment_id="pay_new"))

    deliver(client, "payment.succeeded", payment_data(order, payment_id="pay_old"))

    order.refresh_from_db()
    newer.refresh_from_db()
    assert (order.status, newer.status) == ("paid", "paid")
    assert order.needs_review == "paid for a product the buyer already owned"
    assert newer.needs_review == ""
    assert user_owns(user=buyer, product=order.product)


def test_only_the_buyer_cancels(client, buyer, stranger, staff, order):
    response = client.post(_url(order))
    assert response["Location"].startswith("/accounts/login/?next=")
    assert client.post(_url(order), headers=HTMX)["HX-Redirect"].startswith("/accounts/login/")
    client.force_login(stranger)
    assert client.post(_url(order)).status_code == 404
    assert client.post(_url(order), headers=HTMX).status_code == 404
    client.force_login(staff)  # not a customer
    assert client.post(_url(order)).status_code == 403

    assert _status(order) == "pending"


def test_it_refuses_get(client, buyer, order):
    client.force_login(buyer)

    assert client.get(_url(order)).status_code == 405
    assert _status(order) == "pending"


def test_the_checkout_page_offers_to_cancel(client, buyer, order):
    client.force_login(buyer)

    page = client.get(f"/billing/orders/{order.public_id}/checkout/").content.decode()

    assert f'action="{_url(order)}"' in page
    assert Order.objects.get().status == "pending"
