"""Demo orders: the demo buyer's purchased products were paid for, through the same webhook
path a real payment takes (a dev-provider event, stored and processed), so that their order
history and the demo seller's sales page have something to show."""

import json
import uuid

from access.models import PurchasedProduct
from accounts.models import User
from billing.models import Order
from billing.providers.dev import payment_event
from billing.services import order_start, webhook_process, webhook_store


def seed(*, log) -> None:
    buyer = User.objects.get(email="buyer@example.com")
    purchased = PurchasedProduct.objects.filter(user=buyer, source="purchase").select_related(
        "product"
    )
    made = 0
    for purchase in purchased:
        if Order.objects.filter(buyer=buyer, product=purchase.product).exists():
            continue
        order = order_start(buyer=buyer, product=purchase.product, provider="dev")
        _, body = payment_event(order, "payment.succeeded")
        stored, _ = webhook_store(
            webhook_id=f"msg_demo_{uuid.uuid4().hex}", event=json.loads(body), body=body
        )
        webhook_process(event_id=stored.pk)
        made += 1
    log(f"orders: {made} paid demo order(s) for {buyer.email}")
