"""How a payment attempt becomes access, and how a refund takes it away.

A webhook is stored first (`webhook_store`, its own transaction, once per webhook-id), then
applied once (`webhook_process`): in one transaction, under a lock on the provider's payment
(so a payment and its refund never race) and on the order row, the order moves and what it
bought is fulfilled or undone through billing.fulfilment (a product: access granted or revoked
through access.services). Events may come in any order: a refund or a lost dispute that
arrives before its payment is kept, and the payment then finds it.
"""

import json
import logging
import uuid
import zlib
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from access.selectors import owned_purchase
from access.services import access_grant, access_revoke
from accounts.models import User
from billing import notices
from billing.fulfilment import fulfilment_for
from billing.models import Order, WebhookEvent
from billing.providers import ProviderError, ProviderUncertain, get_provider
from billing.sales import sales_changed
from ops.db import insert_if_absent
from ops.text import unstorable
from shop.models import Product

logger = logging.getLogger(__name__)
VIA = "webhook"
S = Order.Status
# What each event does to an order in each state; a state missing from an event's row means
# the event changes nothing there (a duplicate, or one that came too late to matter).
TRANSITIONS = {
    # A payment pays its order whatever became of it meanwhile: a payment is never lost.
    "payment.succeeded": {
        S.PENDING: S.PAID,
        S.FAILED: S.PAID,
        S.CANCELLED: S.PAID,
        S.EXPIRED: S.PAID,
    },
    "payment.failed": {S.PENDING: S.FAILED},
    "payment.cancelled": {S.PENDING: S.CANCELLED},
    "refund.succeeded": {S.PAID: S.REFUNDED, S.DISPUTED: S.REFUNDED},
    "dispute.opened": {S.PAID: S.DISPUTED},
    "dispute.lost": {S.PAID: S.CHARGED_BACK, S.DISPUTED: S.CHARGED_BACK},
    "dispute.accepted": {S.PAID: S.CHARGED_BACK, S.DISPUTED: S.CHARGED_BACK},
    "dispute.won": {S.DISPUTED: S.PAID, S.CHARGED_BACK: S.PAID},
}
# The states in which the buyer owns what they paid for.
OWNING = {S.PAID, S.DISPUTED}
REVOKE_REASONS = {S.REFUNDED: "refund", S.CHARGED_BACK: "chargeback"}
REQUEST_FIELDS = ["refund_requested_at", "refund_requested_by", "refund_reason"]
# What an event may change on an order.
ORDER_FIELDS = [
    "status",
    "payment_id",
    "checkout_session_id",
    "paid_at",
    "refunded_at",
    "refund_id",
    "charged_back_at",
    "needs_review",
    "updated_at",
]


class OrderRefused(Exception):
    """An order that may not be made; the message says why, to the would-be buyer."""


OWN_PRODUCT = "This is your own product: sellers cannot buy what they sell."


@transaction.atomic
def order_start(
    *,
    buyer: User,
    product: Product,
    provider: str,
    item: str = "product",
    amount: int | None = None,
) -> Order:
    """A pending order for `item` about `product` (the product itself unless a higher app
    registered another item), at `amount` or else the product's price today, in the product's
    currency; the provider's checkout comes after, outside. UnknownItem for an item no app
    fulfils: once paid, nothing could give the buyer what they paid for. OrderRefused for the
    product's own seller, who would pay themselves (and the shop's fees)."""
    if buyer.pk == product.seller_id:
        raise OrderRefused(OWN_PRODUCT)
    fulfilment_for(item)
    return Order.objects.create(
        buyer=buyer,
        product=product,
        item=item,
        amount=product.price if amount is None else amount,
        currency=product.currency,
        provider=provider,
    )


@transaction.atomic
def order_buy(*, buyer: User, product: Product, provider: str) -> Order:
    """The buyer's pending order for `product` at today's price: the one they started already
    (Buy pressed again, or Back and Buy), or else a new one. Two Buys at once make one order:
    the partial unique constraint billing_one_pending_order_per_price refuses the second row,
    and get_or_create then reads the first. OrderRefused as order_start refuses."""
    if buyer.pk == product.seller_id:
        raise OrderRefused(OWN_PRODUCT)
    order, _ = Order.objects.get_or_create(
        buyer=buyer,
        product=product,
        item="product",
        status=S.PENDING,
        amount=product.price,
        currency=product.currency,
        provider=provider,
    )
    return order


@transaction.atomic
def order_record_checkout(*, order: Order, session_id: str, url: str) -> Order:
    """The provider's checkout session for a pending order (for staff and reconciliation), and
    where it is, to send the buyer back to it while it stays open."""
    now = timezone.now()
    Order.objects.filter(pk=order.pk, status=Order.Status.PENDING).update(
        checkout_session_id=session_id[:100],
        checkout_url=url[:500],
        checkout_opened_at=now,
        updated_at=now,
    )
    order.checkout_session_id, order.checkout_url = session_id[:100], url[:500]
    order.checkout_opened_at = now
    return order


@transaction.atomic
def order_cancel(*, order: Order) -> bool:
    """The buyer gives up a pending order; False when it is no longer pending (paid, or failed,
    meanwhile). One statement, conditional on the status: a webhook holding the order's lock
    goes first, and this then finds it paid. A payment that completes after all (the provider's
    page was still open) pays the cancelled order and grants, as any payment does."""
    return bool(
        Order.objects.filter(pk=order.pk, status=S.PENDING).update(
            status=S.CANCELLED, updated_at=timezone.now()
        )
    )


def order_flag(*, order: Order, problem: str) -> None:
    """Paid, but what it paid for could not be given (an item's fulfilment said so): staff find
    it under "needs review" in the admin, to refund it. In the caller's transaction."""
    order.needs_review = problem[: Order._meta.get_field("needs_review").max_length]
    Order.objects.filter(pk=order.pk).update(
        needs_review=order.needs_review, updated_at=timezone.now()
    )


@transaction.atomic
def order_expire_stale(*, now: datetime | None = None) -> int:
    """Expire pending orders left unpaid for PENDING_ORDER_EXPIRY_HOURS since they were started
    or last sent to a checkout; how many. As with a cancelled order, a late payment pays one."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.PENDING_ORDER_EXPIRY_HOURS)
    return (
        # Never opened later than created: the created_at filter (served by the partial index
        # billing_order_pending) keeps every candidate.
        Order.objects.filter(status=S.PENDING, created_at__lt=cutoff)
        .exclude(checkout_opened_at__gte=cutoff)
        .update(status=S.EXPIRED, updated_at=now)
    )


class RefundRefused(Exception):
    """Only a paid order can be refunded, and only once."""


def order_refund_request(*, order_id: int, reason: str, actor: User, webhook_url: str) -> Order:
    """Ask the order's provider to refund it, once. The refund itself is recorded, and access
    revoked, when the provider's `refund.succeeded` webhook comes; `refund.failed` clears the
    request so that it can be asked again. If the provider does not answer, the refund may
    have been made: the request stays, and the order is flagged for staff to check."""
    if transaction.get_connection().in_atomic_block:
        # The provider may answer with its webhook before it returns (the dev provider does),
        # and that must find the order unlocked and this request committed.
        raise RuntimeError("order_refund_request must not run inside a transaction")
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status != S.PAID or not order.payment_id:
            raise RefundRefused(f"the order is {order.get_status_display().lower()}")
        if order.refund_requested_at:
            raise RefundRefused(
                f"a refund was asked for on {order.refund_requested_at:%d %b %Y %H:%M} UTC "
                "and the provider has not answered yet"
            )
        order.refund_requested_at = timezone.now()
        order.refund_requested_by = actor
        order.refund_reason = reason[:200]
        order.save(update_fields=[*REQUEST_FIELDS, "updated_at"])
    try:
        get_provider(order.provider).refund(order, reason=reason, webhook_url=webhook_url)
    except ProviderUncertain:
        Order.objects.filter(pk=order.pk).update(
            needs_review="the refund request got no answer: check it at the provider",
            updated_at=timezone.now(),
        )
        raise
    except ProviderError:
        Order.objects.filter(pk=order.pk, refund_requested_at=order.refund_requested_at).update(
            refund_requested_at=None, refund_requested_by=None, refund_reason=""
        )
        raise
    return order


@transaction.atomic
def order_refund_forget(*, order_id: int) -> bool:
    """Clear a pending refund request on a paid order, once staff have checked at the provider
    that no refund was made (it went unanswered): it can then be asked again. True if cleared."""
    return bool(
        Order.objects.filter(pk=order_id, status=S.PAID, refund_requested_at__isnull=False).update(
            refund_requested_at=None,
            refund_requested_by=None,
            refund_reason="",
            needs_review="",
            updated_at=timezone.now(),
        )
    )


def _payment_id(event: dict) -> str:
    value = event["data"].get("payment_id")
    return value[:100] if isinstance(value, str) else ""


def webhook_store(*, webhook_id: str, event: dict, body: str) -> tuple[WebhookEvent, bool]:
    """The event, stored under its webhook-id before anything else, in a statement of its own
    (committed whatever happens next); (event, created)."""
    stored = WebhookEvent(
        webhook_id=webhook_id, type=event["type"][:100], payload=body, payment_id=_payment_id(event)
    )
    if insert_if_absent(stored, unique=["webhook_id"]):
        return stored, True
    return WebhookEvent.objects.get(webhook_id=webhook_id), False


def _lock_payment(payment_id: str) -> None:
    # Transaction-scoped: held until commit. SQLite serialises writers on its own.
    if payment_id and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(payment_id.encode())])


@transaction.atomic
def webhook_process(*, event_id: int, payment_id: str | None = None) -> WebhookEvent:
    """Apply a stored event, once. Safe to call again: an applied event is left alone.
    `payment_id` is the event's, when the caller knows it (it saves a query)."""
    if payment_id is None:
        payment_id = WebhookEvent.objects.values_list("payment_id", flat=True).get(pk=event_id)
    _lock_payment(payment_id)
    stored = WebhookEvent.objects.select_for_update().get(pk=event_id)
    if stored.processed_at is not None:
        return stored
    event = json.loads(stored.payload)
    handler = HANDLERS.get(stored.type)
    if handler is None:
        outcome, detail, order = WebhookEvent.Outcome.UNKNOWN_TYPE, "", None
    else:
        outcome, detail, order = handler(event["data"], stored)
    stored.outcome, stored.detail, stored.order = outcome, detail[:300], order
    stored.processed_at = timezone.now()
    stored.save(update_fields=["outcome", "detail", "order", "processed_at"])
    return stored


def _order_from_metadata(data: dict) -> Order | None:
    metadata = data.get("metadata")
    order_id = metadata.get("order_id") if isinstance(metadata, dict) else None
    try:
        public_id = uuid.UUID(str(order_id))
    except ValueError:
        return None
    return _locked_orders().filter(public_id=public_id).first()


def _order_for(event_type: str, data: dict) -> Order | None:
    if event_type.startswith("payment."):
        return _order_from_metadata(data)
    payment_id = data.get("payment_id")
    if not isinstance(payment_id, str) or not payment_id:
        return None
    return _locked_orders().filter(payment_id=payment_id[:100]).first()


def _locked_orders():
    # The buyer and product come along (access is granted to them), but only the order is locked.
    return Order.objects.select_for_update(of=("self",)).select_related("buyer", "product")


def _move(order: Order, status: str, data: dict) -> None:
    now = timezone.now()
    order.status = status
    if status == S.PAID and order.paid_at is None:
        order.paid_at = now
    if status == S.REFUNDED:
        order.refunded_at = now
        order.refund_id = str(data.get("refund_id") or "")[:100]
    # A chargeback counts on the day it was lost; a dispute won after it takes it back.
    order.charged_back_at = now if status == S.CHARGED_BACK else None


def _settle_access(order: Order, *, owned_before: bool) -> None:
    """The buyer gets what the order bought, or loses it, as the order comes to own it or stops,
    in the transaction that moves the order: an error from the item's app rolls the event back."""
    owns = order.status in OWNING
    if owns and not owned_before:
        fulfilment_for(order.item).fulfil(order=order)
    elif owned_before and not owns:
        reason = REVOKE_REASONS.get(order.status, "refund")
        fulfilment_for(order.item).undo(order=order, reason=reason)


def order_grant_product(*, order: Order) -> None:
    """The "product" item's fulfilment: the buyer owns the product (again, after a dispute won).
    Owned already (an older order paid late, after a newer one), it was paid for twice."""
    if owned_purchase(user=order.buyer, product_id=order.product_id) is not None:
        order_flag(order=order, problem="paid for a product the buyer already owned")
    access_grant(
        user=order.buyer,
        product=order.product,
        source="purchase",
        via=VIA,
        reference=str(order.public_id),
    )


def order_revoke_product(*, order: Order, reason: str) -> None:
    """The "product" item's undoing: refunded or charged back, the buyer no longer owns it."""
    access_revoke(
        user=order.buyer,
        product=order.product,
        reason=reason,
        via=VIA,
        reference=str(order.public_id),
    )


def _apply(data: dict, stored: WebhookEvent):
    order = _order_for(stored.type, data)
    if order is None:
        # A refund or dispute may come before its payment: kept, and replayed by the payment.
        return WebhookEvent.Outcome.UNKNOWN_ORDER, "no order for it (yet)", None
    after = TRANSITIONS[stored.type].get(order.status)
    if after is None:
        return WebhookEvent.Outcome.IGNORED, f"order is {order.status}", order
    owned_before = order.status in OWNING
    if stored.type == "payment.succeeded":
        problem = _payment_problem(order, data, stored.payment_id)
        if problem:
            order.needs_review = problem
            order.save(update_fields=["needs_review", "updated_at"])
            return WebhookEvent.Outcome.MISMATCH, problem, order
        order.payment_id = stored.payment_id
        order.checkout_session_id = str(
            data.get("checkout_session_id") or order.checkout_session_id
        )
        # A payment applies only to an order not yet paid, whose one possible flag is an
        # earlier payment's mismatch: this payment answers it (that event keeps its detail).
        order.needs_review = ""
    _move(order, after, data)
    if stored.type == "payment.succeeded":
        _replay_early_events(order)
    order.save(update_fields=ORDER_FIELDS)
    sales_changed(seller_id=order.product.seller_id)
    _settle_access(order, owned_before=owned_before)
    _notify(order, event_type=stored.type, owned_before=owned_before)
    return WebhookEvent.Outcome.APPLIED, f"order {order.status}", order


def _notify(order: Order, *, event_type: str, owned_before: bool) -> None:
    if event_type == "payment.succeeded" and order.status in OWNING:
        notices.order_notify(order=order, kinds=[notices.Kind.RECEIPT, notices.Kind.SALE])
        notices.order_tell_seller(order=order, kind=notices.Kind.SALE)
    elif order.status == S.REFUNDED and owned_before:
        notices.order_notify(order=order, kinds=[notices.Kind.REFUND])
        notices.order_tell_seller(order=order, kind=notices.Kind.REFUND)


def _payment_problem(order: Order, data: dict, payment_id: str) -> str:
    amount, currency = data.get("total_amount"), data.get("currency")
    if amount != order.amount or currency != order.currency:
        return f"paid {amount} {currency}, expected {order.amount} {order.currency}"
    # One payment pays one order (a database constraint): a second order naming it is a
    # provider or metadata error for staff, not a crash the provider would retry forever.
    others = Order.objects.filter(provider=order.provider, payment_id=payment_id)
    if others.exclude(pk=order.pk).exists():
        return f"payment {payment_id} already pays another order"
    return ""


def _replay_early_events(order: Order) -> None:
    """Events for this payment that arrived before it (stored without an order) now apply, in
    the order they came, before access is settled: a refund that came first leaves none."""
    early = (
        WebhookEvent.objects.select_for_update()
        .filter(payment_id=order.payment_id, outcome=WebhookEvent.Outcome.UNKNOWN_ORDER)
        .exclude(type__startswith="payment.")
        .order_by("received_at", "pk")
    )
    for event in early:
        data = json.loads(event.payload)["data"]
        after = TRANSITIONS.get(event.type, {}).get(order.status)
        if after is not None:
            _move(order, after, data)
        event.outcome = WebhookEvent.Outcome.APPLIED if after else WebhookEvent.Outcome.IGNORED
        event.order = order
        event.detail = "applied when its payment arrived"
        event.save(update_fields=["outcome", "order", "detail"])


def _refund_failed(data: dict, stored: WebhookEvent):
    """The provider could not refund: the order stays paid, the request is cleared so that it
    can be asked again, and staff are told."""
    order = _order_for(stored.type, data)
    if order is None:
        return WebhookEvent.Outcome.UNKNOWN_ORDER, "no order for it", None
    if order.status != S.PAID:
        return WebhookEvent.Outcome.IGNORED, f"order is {order.status}", order
    order.refund_requested_at, order.refund_requested_by, order.refund_reason = None, None, ""
    order.needs_review = "the provider could not refund it"
    order.save(update_fields=[*REQUEST_FIELDS, "needs_review", "updated_at"])
    return WebhookEvent.Outcome.APPLIED, "refund failed; order still paid", order


HANDLERS = dict.fromkeys(TRANSITIONS, _apply) | {"refund.failed": _refund_failed}


def payments_reconcile(*, since) -> dict[str, int]:
    """Ask the provider what happened since `since` and apply what the webhooks missed,
    through the same path a webhook takes: each missed event is stored (under a webhook id of
    its own, so a second run stores nothing new) and processed. Events that were stored but
    never processed (the endpoint failed mid-way) are processed too. Counts by outcome."""
    counts: dict[str, int] = {}

    def count(outcome: str) -> None:
        counts[outcome] = counts.get(outcome, 0) + 1

    def process(event_id: int) -> None:
        try:
            count(webhook_process(event_id=event_id).outcome)
        except Exception:
            # One event that cannot be applied (rolled back on its own) stops no other.
            logger.exception("reconcile_payments could not apply event %s", event_id)
            count("error")

    for stored in WebhookEvent.objects.filter(processed_at__isnull=True, received_at__gte=since):
        process(stored.pk)
    for event_type, data in get_provider().recent(since):
        if unstorable(event_type) or unstorable(data):
            # Never storable, as a webhook carrying it is refused (billing.webhooks.verify).
            logger.warning("reconcile_payments: %r holds text no database can store", event_type)
            count("refused")
            continue
        payment_id = str(data.get("payment_id") or "")[:100]
        if WebhookEvent.objects.filter(
            type=event_type, payment_id=payment_id, processed_at__isnull=False
        ).exists():
            count("known")
            continue
        key = data.get("refund_id") if event_type.startswith("refund.") else payment_id
        event = {"type": event_type, "data": data}
        stored, _ = webhook_store(
            webhook_id=f"reconcile:{event_type}:{key}"[:200],
            event=event,
            body=json.dumps(event | {"source": "reconcile_payments"}),
        )
        process(stored.pk)
    return counts
