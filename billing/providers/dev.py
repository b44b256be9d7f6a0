"""The dev provider: a hosted checkout served by Tessera itself, whose buttons send real
Standard-Webhooks-signed webhooks, in Dodo's payload format, to the webhook endpoint."""

import json
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta

from django.urls import reverse

from billing.models import DevProviderEvent, Order
from billing.providers.base import Checkout, ProviderError, ProviderUncertain
from billing.webhooks import event_body, signed_headers


class DevProvider:
    name = "dev"
    # Its checkout is a page of ours, opened again for nothing.
    checkout_lifetime = timedelta(0)

    def start_checkout(self, order: Order, *, return_url: str) -> Checkout:
        return Checkout(
            url=reverse("billing:dev_checkout", args=[order.public_id]),
            session_id=f"dev_cks_{order.public_id.hex}",
        )

    def recent(self, since: datetime) -> list[tuple[str, dict]]:
        return [
            (event.type, event.data)
            for event in DevProviderEvent.objects.filter(created_at__gte=since)
        ]

    def refund(self, order: Order, *, reason: str, webhook_url: str) -> None:
        """Refunded at once: the refund webhook is sent before this returns."""
        _, body = refund_event(order)
        status = send(webhook_url, body)
        if not 200 <= status < 300:
            raise ProviderError(f"the webhook endpoint answered {status}")


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
    """Record the event in the dev provider's books, then POST it to `url` as a signed
    webhook, as a provider's server would; the answer's status."""
    event = json.loads(body)
    DevProviderEvent.objects.create(type=event["type"], data=event["data"])
    headers = signed_headers(f"msg_dev_{uuid.uuid4().hex}", body)
    request = urllib.request.Request(  # noqa: S310 - our own endpoint, http in development
        url, data=body.encode(), headers=headers | {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError as error:
        if isinstance(getattr(error, "reason", error), TimeoutError):  # it may have arrived
            raise ProviderUncertain(f"the webhook endpoint did not answer: {error}") from error
        raise ProviderError(f"the webhook endpoint could not be reached: {error}") from error
