"""The dev provider: a hosted checkout served by Tessera itself, whose buttons send real
Standard-Webhooks-signed webhooks, in Dodo's payload format, to the webhook endpoint."""

import urllib.error
import urllib.request
import uuid

from django.urls import reverse

from billing.models import Order
from billing.providers.base import Checkout
from billing.webhooks import event_body, signed_headers


class DevProvider:
    name = "dev"

    def start_checkout(self, order: Order, *, return_url: str) -> Checkout:
        return Checkout(
            url=reverse("billing:dev_checkout", args=[order.public_id]),
            session_id=f"dev_cks_{order.public_id.hex}",
        )

    def refund(self, order: Order) -> None:
        """Nothing to ask: the dev "Refund" button sends the refund webhook itself."""


def payment_event(order: Order, kind: str) -> tuple[str, str]:
    """(event type, body) for a payment outcome of `order`, as Dodo would send it."""
    data = {
        "payment_id": order.payment_id or f"dev_pay_{order.public_id.hex}",
        "total_amount": order.amount,
        "currency": order.currency,
        "checkout_session_id": order.checkout_session_id,
        "metadata": {"order_id": str(order.public_id)},
        "status": {"payment.succeeded": "succeeded", "payment.failed": "failed"}[kind],
    }
    return kind, event_body(kind, data)


def refund_event(order: Order) -> tuple[str, str]:
    data = {
        "payment_id": order.payment_id,
        "refund_id": f"dev_ref_{uuid.uuid4().hex}",
        "amount": order.amount,
        "currency": order.currency,
        "status": "succeeded",
    }
    return "refund.succeeded", event_body("refund.succeeded", data)


def send(url: str, body: str) -> int:
    """POST a signed webhook to `url`, as a provider's server would; the answer's status."""
    headers = signed_headers(f"msg_dev_{uuid.uuid4().hex}", body)
    request = urllib.request.Request(  # noqa: S310 - our own endpoint, http in development
        url, data=body.encode(), headers=headers | {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
