import pytest
import redis

from access.models import PurchasedProduct
from billing.models import Order, ProviderCustomer, ProviderProduct
from billing.providers.base import Checkout
from billing.providers.dodo import DodoProvider
from billing.services import order_cancel
from shop.services import product_update
from tests.billing.helpers import paid_product, pending_order
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_checkout_opens_a_dodo_session_with_our_order_id(client, buyer, seller, dodo):
    product = paid_product(seller)
    client.force_login(buyer)
    checkout = client.post(f"/billing/buy/{product.pk}/")["Location"]
    order = Order.objects.get()
    assert order.provider == "dodo"

    response = client.post(checkout)

    assert response["Location"] == "https://pay.example/cks_1"
    assert ("POST", "/customers") in dodo.calls()
    assert ("POST", "/products") in dodo.calls()
    _, _, session = next(r for r in dodo.requests if r[1] == "/checkouts")
    assert session["metadata"] == {"order_id": str(order.public_id)}
    assert session["product_cart"] == [{"product_id": "pdt_1", "quantity": 1}]
    assert session["customer"] == {"customer_id": "cus_1"}
    assert session["return_url"].endswith(f"/billing/orders/{order.public_id}/")
    _, _, made = next(r for r in dodo.requests if r[1] == "/products")
    assert made["price"]["price"] == 1200
    order.refresh_from_db()
    assert order.checkout_session_id == "cks_1"
    assert ProviderCustomer.objects.get(user=buyer).external_id == "cus_1"


def test_a_second_checkout_reuses_the_customer_and_the_product(buyer, seller, dodo):
    product = paid_product(seller)
    first = pending_order(buyer, product)
    DodoProvider().start_checkout(first, return_url="https://x/")
    order_cancel(order=first)
    dodo.requests.clear()

    checkout = DodoProvider().start_checkout(pending_order(buyer, product), return_url="https://x/")

    assert dodo.calls() == [("POST", "/checkouts")]
    assert checkout == Checkout(url="https://pay.example/cks_1", session_id="cks_1")


def test_a_new_user_and_a_price_change_are_synced_by_tasks(
    seller, dodo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = make_user("new@example.com")
        product = paid_product(seller)
    assert ProviderCustomer.objects.filter(user=user).exists()
    assert ProviderProduct.objects.get(product=product).synced_price == 1200
    dodo.requests.clear()

    with django_capture_on_commit_callbacks(execute=True):
        product_update(product=product, price=1500)

    method, path, body = dodo.requests[-1]
    assert (method, path, body["price"]["price"]) == ("PATCH", "/products/pdt_1", 1500)
    assert ProviderProduct.objects.get(product=product).synced_price == 1500


@pytest.mark.parametrize("mode", ["down", "slow"])
def test_an_api_down_or_slow_leaves_the_order_pending_with_a_clear_message(
    client, buyer, seller, dodo, mode
):
    order = pending_order(buyer, paid_product(seller))
    order.provider = "dodo"
    order.save()
    dodo.mode = mode
    client.force_login(buyer)

    response = client.post(f"/billing/orders/{order.public_id}/checkout/")

    assert response.status_code == 200
    assert b"The payment service did not answer" in response.content
    order.refresh_from_db()
    assert order.status == "pending"
    assert not PurchasedProduct.objects.exists()


def test_a_refund_is_asked_of_dodo(buyer, seller, dodo):
    order = pending_order(buyer, paid_product(seller))
    order.payment_id = "pay_1"

    DodoProvider().refund(order, reason="Broken download", webhook_url="https://unused/")

    method, path, body = dodo.requests[-1]
    assert (method, path, body["payment_id"], body["reason"]) == (
        "POST",
        "/refunds",
        "pay_1",
        "Broken download",
    )


def test_a_queue_outage_after_a_sign_up_or_a_price_change_is_not_an_error(
    client, seller, dodo, monkeypatch, django_capture_on_commit_callbacks
):
    def queue_down(**kwargs):
        raise redis.ConnectionError("Redis is down")

    monkeypatch.setattr("billing.tasks.sync_dodo_customer", queue_down)
    monkeypatch.setattr("billing.tasks.sync_dodo_product", queue_down)
    product = paid_product(seller)
    signup = {
        "email": "new@example.com",
        "password1": "a-long-pass-42",
        "password2": "a-long-pass-42",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", signup)
        product_update(product=product, price=1500)

    assert response.status_code == 302
    assert not ProviderCustomer.objects.exists()  # made at checkout instead
