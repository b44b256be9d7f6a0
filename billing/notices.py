"""The emails an order sends: a receipt to the buyer, a sale notice to the seller, a refund
notice to the buyer. Rendered from templates/billing/email/<kind>.txt and recorded in the
transaction that moves the order (ops.notifications), once per order and kind. Beside them, the
seller's Telegram notice of a sale or a refund, when they chose it (accounts.telegram)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models
from django.template.loader import render_to_string

from accounts.telegram import Event, buyer_name, notify_seller
from billing.models import Order
from ops.notifications import queue_email
from shop.templatetags.shop import amount


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
        subject=SUBJECTS[kind].format(product=order.title),
        body=render_to_string(f"billing/email/{kind}.txt", context),
        to=[to],
    )


def order_tell_seller(*, order: Order, kind: Kind) -> None:
    """The seller's Telegram notice of a sale (kind SALE) or a refund (REFUND) of `order`."""
    what = order.title
    price = amount(order.amount, order.currency)
    if kind == Kind.SALE:
        event, text = Event.SALE, f"Sold: {what}, {price}, to {buyer_name(order.buyer)}."
    else:
        event, text = Event.REFUND, f"Refunded: {what}, {price}, to {buyer_name(order.buyer)}."
    notify_seller(
        seller=order.product.seller, event=event, text=text, key=f"telegram-order-{order.pk}-{kind}"
    )
