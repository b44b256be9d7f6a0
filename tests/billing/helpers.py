import uuid

from billing.models import Order
from billing.services import order_start
from billing.webhooks import event_body, signed_headers
from shop.services import product_publish
from tests.conftest import add_version, make_product

URL = "/billing/webhooks/dodo/"


def paid_product(seller, title="Budget Kit", price=1200):
    product = make_product(seller, title=title, price=price)
    add_version(product)
    return product_publish(product=product)


def pending_order(buyer, product) -> Order:
    return order_start(buyer=buyer, product=product, provider="dev")


def payment_data(order: Order, payment_id="pay_1", **overrides) -> dict:
    return {
        "payment_id": payment_id,
        "total_amount": order.amount,
        "currency": order.currency,
        "metadata": {"order_id": str(order.public_id)},
        "checkout_session_id": "cks_1",
        "status": "succeeded",
    } | overrides


def deliver(client, event_type: str, data: dict, webhook_id: str | None = None, **headers):
    body = event_body(event_type, data)
    signed = signed_headers(webhook_id or f"msg_{uuid.uuid4().hex}", body)
    return client.post(URL, body, content_type="application/json", headers=signed | headers)
