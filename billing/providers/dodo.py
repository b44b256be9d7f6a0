"""Dodo Payments through its official SDK: a customer per buyer and a product per Tessera
product and per item sold for it (kept in step by tasks, and made on the spot if a checkout
comes first), hosted checkout sessions carrying our order id in their metadata, and refunds.

Twins are not archived at Dodo when their product or item stops being sold: archiving is one
call, but an order left pending from before may still reach checkout, which would then have to
unarchive its twin first, by a state ProviderProduct does not keep."""

from datetime import datetime

import dodopayments
from django.conf import settings
from django.db import IntegrityError

from accounts.models import User
from billing.fulfilment import fulfilment_for
from billing.models import Order, ProviderCustomer, ProviderProduct
from billing.providers.base import Checkout, ProviderError, ProviderUncertain
from shop.models import Product

NAME = "dodo"
PAGE_SIZE = 100
MAX_PAGES = 100
PAYMENT_OUTCOMES = {"succeeded", "failed", "cancelled"}
DISPUTE_OUTCOMES = {
    "dispute_opened": "dispute.opened",
    "dispute_won": "dispute.won",
    "dispute_lost": "dispute.lost",
    "dispute_accepted": "dispute.accepted",
}


def client() -> dodopayments.DodoPayments:
    where = (
        {"base_url": settings.DODO_PAYMENTS_BASE_URL}
        if settings.DODO_PAYMENTS_BASE_URL
        else {"environment": settings.DODO_PAYMENTS_ENVIRONMENT}
    )
    return dodopayments.DodoPayments(
        bearer_token=settings.DODO_PAYMENTS_API_KEY,
        timeout=settings.DODO_PAYMENTS_TIMEOUT,
        max_retries=settings.DODO_PAYMENTS_MAX_RETRIES,
        **where,
    )


def _call(action, *args, **kwargs):
    try:
        return action(*args, **kwargs)
    except dodopayments.APIConnectionError as error:  # timeouts included
        raise ProviderUncertain(f"Dodo did not answer: {type(error).__name__}") from error
    except dodopayments.APIError as error:
        raise ProviderError(f"Dodo: {type(error).__name__}: {error}") from error


def _listed(listing, **filters):
    """Every item of a paged Dodo list. Paged by hand: the SDK's own iteration skips page 1
    (it counts from 1 after a first page numbered 0)."""
    for number in range(MAX_PAGES):
        page = _call(listing, page_number=number, page_size=PAGE_SIZE, **filters)
        yield from page.items
        if len(page.items) < PAGE_SIZE:
            return


def ensure_customer(user: User) -> str:
    """The user's Dodo customer id, made if missing."""
    known = ProviderCustomer.objects.filter(user=user, provider=NAME).first()
    if known:
        return known.external_id
    made = _call(client().customers.create, email=user.email, name=user.get_full_name())
    try:
        ProviderCustomer.objects.create(user=user, provider=NAME, external_id=made.customer_id)
    except IntegrityError:  # a task made it meanwhile: keep theirs
        return ProviderCustomer.objects.get(user=user, provider=NAME).external_id
    return made.customer_id


def sync_product(product: Product) -> str:
    """The product's Dodo id, its name and price brought up to date (made if missing)."""
    return _sync_twin(product, item="product", title=product.title, price=product.price)


def sync_item(product: Product, *, item: str, price: int) -> str:
    """The Dodo id of `product`'s twin for another item (a support request for it), named for
    the item and the product and priced at `price`, brought up to date (made if missing)."""
    title = f"{fulfilment_for(item).label}: {product.title}"[:120]
    return _sync_twin(product, item=item, title=title, price=price)


def sync_order_item(order: Order) -> str:
    """The Dodo id of what the order buys: the product itself, or its twin for another item,
    priced as the order is."""
    if order.item == "product":
        return sync_product(order.product)
    return sync_item(order.product, item=order.item, price=order.amount)


def _sync_twin(product: Product, *, item: str, title: str, price: int) -> str:
    """The Dodo id of `item` for `product`, its name and price brought up to date (made if
    missing)."""
    dodo_price = {
        "type": "one_time_price",
        "price": price,
        "currency": product.currency,
        "discount": 0,
        "purchasing_power_parity": False,
    }
    twin = ProviderProduct.objects.filter(product=product, item=item, provider=NAME).first()
    if twin is None:
        made = _call(
            client().products.create,
            name=title,
            price=dodo_price,
            tax_category="digital_products",
            metadata={"tessera_product": str(product.pk), "tessera_item": item},
        )
        twin, _ = ProviderProduct.objects.get_or_create(
            product=product,
            item=item,
            provider=NAME,
            defaults={
                "external_id": made.product_id,
                "synced_title": title,
                "synced_price": price,
                "synced_currency": product.currency,
            },
        )
        return twin.external_id
    current = (title, price, product.currency)
    if current != (twin.synced_title, twin.synced_price, twin.synced_currency):
        _call(client().products.update, twin.external_id, name=title, price=dodo_price)
        ProviderProduct.objects.filter(pk=twin.pk).update(
            synced_title=title, synced_price=price, synced_currency=product.currency
        )
    return twin.external_id


class DodoProvider:
    name = NAME

    def start_checkout(self, order: Order, *, return_url: str) -> Checkout:
        session = _call(
            client().checkout_sessions.create,
            product_cart=[{"product_id": sync_order_item(order), "quantity": 1}],
            customer={"customer_id": ensure_customer(order.buyer)},
            return_url=return_url,
            metadata={"order_id": str(order.public_id)},
        )
        if not session.checkout_url:
            raise ProviderError("Dodo returned no checkout URL")
        return Checkout(url=session.checkout_url, session_id=session.session_id)

    def refund(self, order: Order, *, reason: str, webhook_url: str) -> None:
        # Never retried: the SDK takes no idempotency key, so a retry after a lost answer could
        # refund twice. Dodo sends its webhook to the endpoint set in its dashboard.
        once = client().with_options(max_retries=0)
        _call(once.refunds.create, payment_id=order.payment_id, reason=reason)

    def recent(self, since: datetime) -> list[tuple[str, dict]]:
        records = []
        for payment in _listed(client().payments.list, created_at_gte=since):
            if payment.status in PAYMENT_OUTCOMES:
                data = {
                    "payment_id": payment.payment_id,
                    "total_amount": payment.total_amount,
                    "currency": payment.currency,
                    "metadata": dict(payment.metadata or {}),
                    "checkout_session_id": payment.checkout_session_id or "",
                    "status": payment.status,
                }
                records.append((f"payment.{payment.status}", data))
        # Disputes by the day they were opened (Dodo lists them no other way): one opened
        # before `since` and settled after it is found with a longer look back (--days).
        for dispute in _listed(client().disputes.list, created_at_gte=since):
            if dispute.dispute_status in DISPUTE_OUTCOMES:
                data = {
                    "payment_id": dispute.payment_id,
                    "dispute_id": dispute.dispute_id,
                    "dispute_status": dispute.dispute_status,
                }
                records.append((DISPUTE_OUTCOMES[dispute.dispute_status], data))
        for refund in _listed(client().refunds.list, created_at_gte=since):
            if refund.status in ("succeeded", "failed"):
                data = {
                    "payment_id": refund.payment_id,
                    "refund_id": refund.refund_id,
                    "amount": refund.amount,
                    "currency": refund.currency,
                    "status": refund.status,
                }
                records.append((f"refund.{refund.status}", data))
        return records
