"""The emails an order sends: a receipt to the buyer, a sale notice to the seller, a refund
notice to the buyer. Rendered from templates/billing/email/<kind>.txt and recorded in the
transaction that moves the order (ops.notifications), once per order and kind. Beside them, the
seller's Telegram notice of a sale or a refund, when they chose it (accounts.telegram)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.telegram import Event, buyer_name, notify_seller
from billing.models import Order
from ops.notifications import queue_email, site_url
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
    context = {
        "order": order,
        "product": order.product,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    if kind == Kind.RECEIPT:
        context |= _receipt_links(order)
    elif kind == Kind.SALE:
        context["sales_url"] = site_url(reverse("studio:sales"))
    return EmailMessage(
        subject=SUBJECTS[kind].format(product=order.title),
        body=render_to_string(f"billing/email/{kind}.txt", context),
        to=[to],
    )


def _receipt_links(order: Order) -> dict:
    """Where the buyer finds what they paid for, as absolute links on SITE_URL: the product in
    their library and the files of its latest version, or the product's page for another item."""
    product = order.product
    if not order.is_for_product:
        return {
            "product_url": site_url(reverse("shop:product", args=[product.slug])),
            "library_url": site_url(reverse("library:home")),
        }
    version = product.versions.prefetch_related("files").first()
    files = version.files.all() if version else []
    return {
        "library_url": site_url(reverse("library:product", args=[product.slug])),
        "version": version,
        "downloads": [
            (file.original_name, site_url(reverse("download", args=[file.pk]))) for file in files
        ],
    }


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
