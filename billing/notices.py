"""The emails an order sends: a receipt to the buyer, a sale notice to the seller, a refund
notice to the buyer. Rendered from templates/billing/email/<kind>.txt."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from billing.models import Order, OrderNotice

SUBJECTS = {
    OrderNotice.Kind.RECEIPT: "Your receipt for {product}",
    OrderNotice.Kind.SALE: "You sold {product}",
    OrderNotice.Kind.REFUND: "Your refund for {product}",
}


def notify_on_commit(order: Order, *kinds: str) -> None:
    from billing.tasks import send_order_notice

    for kind in kinds:
        transaction.on_commit(lambda kind=kind: send_order_notice(order_id=order.pk, kind=kind))


def send_notice(*, order_id: int, kind: str) -> bool:
    """Send the notice unless it was sent (or is being sent); True when this call sent it."""
    notice, _ = OrderNotice.objects.get_or_create(order_id=order_id, kind=kind)
    claimed = OrderNotice.objects.filter(pk=notice.pk, claimed_at__isnull=True).update(
        claimed_at=timezone.now()
    )
    if not claimed:
        return False
    try:
        _message(notice.order, kind).send()
    except Exception:
        # Unclaimed again so that the task's retry can send it.
        OrderNotice.objects.filter(pk=notice.pk).update(claimed_at=None)
        raise
    OrderNotice.objects.filter(pk=notice.pk).update(sent_at=timezone.now())
    return True


def _message(order: Order, kind: str) -> EmailMessage:
    to = order.product.seller.email if kind == OrderNotice.Kind.SALE else order.buyer.email
    context = {"order": order, "product": order.product, "site_name": settings.SITE_NAME}
    return EmailMessage(
        subject=SUBJECTS[kind].format(product=order.product.title),
        body=render_to_string(f"billing/email/{kind}.txt", context),
        to=[to],
    )
