"""The emails an order sends: a receipt to the buyer, a sale notice to the seller, a refund
notice to the buyer. Rendered from templates/billing/email/<kind>.txt and recorded in the
transaction that moves the order (ops.notifications), once per order and kind."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models
from django.template.loader import render_to_string

from billing.models import Order
from ops.notifications import queue_email


class Kind(models.TextChoices):
    RECEIPT = "receipt"
    SALE = "sale"
    REFUND = "refund"


SUBJECTS = {
    Kind.RECEIPT: "Your receipt for {product}",
    Kind.SALE: "You sold {product}",
    Kind.REFUND: "Your refund for {product}",
}


def order_notify(*, order: Order, kinds: list[Kind]) -> None:
    for kind in kinds:
        queue_email(_message(order, kind), key=f"order-{order.pk}-{kind}")


def _message(order: Order, kind: Kind) -> EmailMessage:
    to = order.product.seller.email if kind == Kind.SALE else order.buyer.email
    context = {"order": order, "product": order.product, "site_name": settings.SITE_NAME}
    return EmailMessage(
        subject=SUBJECTS[kind].format(product=order.product.title),
        body=render_to_string(f"billing/email/{kind}.txt", context),
        to=[to],
    )
